/**
 * The scale-out mode with real `pco` processes (heavy group: subprocesses): `pco run` and
 * `pco worker` on one backlog through the real Redis, against the fakes; the run process is
 * stopped (SIGTERM) while agents run and started again. Every task ends done in both journals with
 * one agent run each (the fake Codegen's own records), and `pco status` reads it all back.
 * Skipped with one line without Redis, except under CI=true.
 */
import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { startFakeCodegen, startFakeGitHub, type FakeCodegen, type FakeGitHub } from '@pco/testkit';
import { redisForTests } from '@pco/testkit/helpers';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CoordinationStatus } from './coordination-status.js';
import { redisUrlWithPassword, writeFakesConfig } from './in-process-cli.js';
import { jsonLines, runCli } from './subprocess-cli.js';

const redis = await redisForTests();

const GH = 'ghp_scaleOutProcessesToken0123456789ab';
const CG = 'cg-scale-out-processes-token-012345';
const ORG = 11;
const PASSWORD = 'redis-Pw-processes-0123456789';

// Four chains of two: 8 tasks, at most 4 ready at a time, for an organisation cap of 2.
const BACKLOG = {
  viewer: 'octo',
  repos: [
    {
      owner: 'acme',
      name: 'shop',
      issues: [1, 2, 3, 4].flatMap((n) => [
        { number: n, title: `Step one of part ${n}`, labels: ['agent'] },
        { number: n + 4, title: `Step two of part ${n}`, body: `Depends on #${n}`, labels: ['agent'] },
      ]),
    },
  ],
};
const TASKS = BACKLOG.repos[0]!.issues.map((issue) => `acme/shop#${issue.number}`).sort();

describe.skipIf(!redis.available)('pco run + pco worker as processes (real Redis)', () => {
  let github: FakeGitHub;
  let codegen: FakeCodegen;
  const dirs: string[] = [];
  const env = () => ({ GH, CG, ORG: String(ORG), PCO_REDIS_URL: redisUrlWithPassword(redis.url, PASSWORD) });

  beforeAll(async () => {
    github = await startFakeGitHub(BACKLOG, { tokens: { [GH]: { type: 'classic', scopes: ['repo'] } } });
    codegen = await startFakeCodegen({ tokens: [CG], orgId: ORG, repos: [{ id: 5, fullName: 'acme/shop' }], timeScale: 0.002 });
    for (const name of ['run', 'worker']) {
      const dir = await mkdtemp(path.join(tmpdir(), `pco-scale-out-${name}-`));
      await writeFakesConfig(dir, {
        githubUrl: github.url,
        codegenUrl: codegen.url,
        repos: ['acme/shop'],
        orgId: '${ORG}',
        githubToken: '${GH}',
        codegenToken: '${CG}',
        more: [
          'agent:',
          '  maxConcurrentAgents: 2',
          '  retryDelaySeconds: 0',
          // GitHub's write spacing (1 s, 3 s for comments) is shared by both processes: write little.
          'automation:',
          '  postComments: false',
          '  statusLabels: false',
          'coordination:',
          '  redis:',
          '    url: ${PCO_REDIS_URL}',
          `    prefix: ${redis.prefix}`,
        ],
      });
      dirs.push(dir);
    }
  });
  afterAll(async () => {
    await Promise.all([github?.close(), codegen?.close()]);
    await redis.cleanup();
  });

  it('a stopped and restarted process: every task done once in both journals, no duplicate agent run', async () => {
    const [runDir, workerDir] = dirs as [string, string];
    let stopped = false;
    const worker = runCli(['worker', '--json', '--name', 'worker-b'], { cwd: workerDir, env: env() });
    // Stopped once an agent run exists: its job is handed back to the queue, and the worker's host
    // (or this process, restarted) re-attaches to the run instead of creating another.
    const first = await runCli(['run', '--json'], {
      cwd: runDir,
      env: env(),
      onLine: (line, kill) => {
        if (!stopped && line.includes('"event":"task:checkpoint"')) {
          stopped = true;
          kill('SIGTERM');
        }
      },
    });
    expect(stopped).toBe(true);
    expect(first.code).toBe(130);
    const second = await runCli(['run', '--json'], { cwd: runDir, env: env() });
    const workerResult = await worker;
    expect({ code: second.code, stderr: second.stderr }).toEqual({ code: 0, stderr: expect.any(String) });
    expect({ code: workerResult.code, stderr: workerResult.stderr }).toEqual({ code: 0, stderr: expect.any(String) });

    // The fake Codegen's own record: one agent run per task, whatever process ran it.
    const created = codegen.created.map((run) => String(run.metadata?.pco_task_id)).sort();
    expect(created).toEqual(TASKS);
    for (const dir of dirs) {
      const results = JSON.parse(await readFile(path.join(dir, '.pco', 'results.json'), 'utf8')) as { results: { id: string; state: string }[] };
      expect(results.results.filter((r) => r.state === 'done').map((r) => r.id).sort()).toEqual(TASKS);
    }
    for (const result of [first, second, workerResult]) {
      expect(result.stdout + result.stderr).not.toContain(PASSWORD);
      expect(jsonLines(result.stdout).length).toBeGreaterThan(0);
    }

    const status = await runCli(['status', '--json'], { cwd: workerDir, env: env() });
    expect(status.code).toBe(0);
    expect(status.stdout).not.toContain(PASSWORD);
    const shared = (JSON.parse(status.stdout) as { coordination: CoordinationStatus }).coordination;
    expect(shared.queue).toMatchObject({ agentCap: 2, counts: { active: 0, failed: 0 } });
    expect(shared.codegen.find((budget) => budget.operation === 'createRun')?.used).toBe(TASKS.length);
    expect(shared.github.some((budget) => budget.principal === 'gh:octo@127.0.0.1')).toBe(true);
  }, 120_000);
});
