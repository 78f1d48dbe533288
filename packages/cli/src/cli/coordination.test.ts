/**
 * The scale-out wiring of the CLI (config `coordination`) against the real Redis and the fakes, in
 * process: `pco run` and `pco worker` on one backlog finish it together with one agent run per
 * task; `pco status` shows the shared budgets; the Redis URL's password is never printed.
 * Skipped with one line without Redis, except under CI=true.
 */
import { mkdtemp, readdir, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { startFakeCodegen, startFakeGitHub, type FakeCodegen, type FakeGitHub } from '@pco/testkit';
import { redisForTests } from '@pco/testkit/helpers';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formatCoordinationStatus, type CoordinationStatus } from './coordination-status.js';
import { backlogIdOf, redisDisplay } from './coordination.js';
import { redisUrlWithPassword, runPcoInProcess, twoChainsBacklog, writeFakesConfig } from './in-process-cli.js';
import { parseConfigText } from '../config/index.js';

const redis = await redisForTests();

const GH = 'ghp_coordinationTestToken0123456789abcd';
const CG = 'cg-coordination-test-token-0123456789';
const ORG = 7;
const PASSWORD = 'redis-Pw-0123456789-secret';

describe('coordination helpers', () => {
  it('shows a Redis URL without its credentials', () => {
    expect(redisDisplay(`redis://default:${PASSWORD}@cache.internal:6380/2`)).toBe('redis://cache.internal:6380/2');
  });

  it('names the backlog after its repositories or its board unless coordination.backlog.id says', () => {
    const parse = (text: string) => {
      const result = parseConfigText(text, { env: {} });
      if (!result.ok) throw new Error(JSON.stringify(result.issues));
      return result.config;
    };
    const base = 'github:\n  token: t0123456789\n  repos: [Octo/Web, octo/api]\ncoordination:\n  redis:\n    url: redis://127.0.0.1:6379\n';
    expect(backlogIdOf(parse(base))).toBe('octo/api,octo/web');
    expect(backlogIdOf(parse(`${base}  backlog:\n    id: team-a\n`))).toBe('team-a');
    expect(backlogIdOf(parse(`${base.replace('  repos: [Octo/Web, octo/api]\n', '  project: { owner: Octo, number: 7 }\n')}source:\n  type: project\n`))).toBe('octo/7');
  });

  it('formats the live runs per backlog and per process, the Codegen and the GitHub budgets', () => {
    const now = 1_800_000_000_000;
    const status: CoordinationStatus = {
      redis: 'redis://127.0.0.1:6379',
      prefix: 'pco',
      backlogId: 'acme/web',
      orgId: '7',
      queue: {
        queue: 'agent-runs-7',
        agentCap: 10,
        counts: { waiting: 3, active: 2, completed: 5, failed: 0 },
        live: [
          { jobId: 'j1', backlogId: 'acme/web', taskId: 'acme/web#1', attempt: 1, worker: 'host-a:1', agentRunId: 41 },
          { jobId: 'j2', backlogId: 'acme/api', taskId: 'acme/api#9', attempt: 2, worker: 'host-b:2' },
        ],
        liveByBacklog: { 'acme/web': 1, 'acme/api': 1 },
        liveByWorker: { 'host-a:1': 1, 'host-b:2': 1 },
        backlogs: {},
      },
      codegen: [{ token: 'codegen:0123456789abcdef', operation: 'createRun', limit: 10, windowMs: 60_000, used: 4, blockedUntil: now + 5_000 }],
      github: [{ principal: 'gh:octo', resource: 'core', limit: 5000, remaining: 4990, used: 10, reset: now / 1000 + 60, observedAt: now, observedBy: 'x' }],
    };
    expect(formatCoordinationStatus(status, now)).toBe(
      [
        'Coordination  redis://127.0.0.1:6379 (prefix pco), backlog acme/web, organisation 7',
        '  Agent runs     2 live of the cap 10; 3 waiting, 5 completed, 0 failed (queue agent-runs-7)',
        '  Per backlog    acme/api 1, acme/web 1',
        '  Per process    host-a:1 1, host-b:2 1',
        '    acme/web#1 (attempt 1, acme/web) on host-a:1, agent run 41',
        '    acme/api#9 (attempt 2, acme/api) on host-b:2',
        '  Codegen budget createRun: 4 of 10 per 60s used (codegen:0123456789abcdef), blocked for 5s after a 429',
        '  GitHub budget  gh:octo core: 4990 of 5000 left, resets in 60s',
        '',
      ].join('\n'),
    );
  });
});

describe.skipIf(!redis.available)('pco run + pco worker on one backlog (real Redis)', () => {
  let github: FakeGitHub;
  let codegen: FakeCodegen;
  let dirs: string[];
  const env = () => ({ GH, CG, ORG: String(ORG), PCO_REDIS_URL: redisUrlWithPassword(redis.url, PASSWORD) });

  beforeAll(async () => {
    github = await startFakeGitHub(twoChainsBacklog({ viewer: 'octo' }), { tokens: { [GH]: { type: 'classic', scopes: ['repo'] } } });
    codegen = await startFakeCodegen({ tokens: [CG], orgId: ORG, repos: [{ id: 9, fullName: 'acme/web' }], timeScale: 0.0005 });
    dirs = [];
    for (const name of ['a', 'b']) {
      const dir = await mkdtemp(path.join(tmpdir(), `pco-coordination-${name}-`));
      await writeFakesConfig(dir, {
        githubUrl: github.url,
        codegenUrl: codegen.url,
        repos: ['acme/web'],
        orgId: '${ORG}',
        githubToken: '${GH}',
        codegenToken: '${CG}',
        // No labels and no comments: GitHub's writes are spaced 1 s (3 s for comments) per
        // principal, and with clustering across both processes.
        more: ['agent:', '  retryDelaySeconds: 0', 'automation:', '  postComments: false', '  statusLabels: false', 'coordination:', '  redis:', '    url: ${PCO_REDIS_URL}', `    prefix: ${redis.prefix}`],
      });
      dirs.push(dir);
    }
  });
  afterAll(async () => {
    await Promise.all([github?.close(), codegen?.close()]);
    await redis.cleanup();
  });

  it('finish it together: one agent run per task, every result in both journals, no password printed', async () => {
    const [a, b] = await Promise.all([
      runPcoInProcess(['run', '--json'], { cwd: dirs[0]!, env: env() }),
      runPcoInProcess(['worker', '--json', '--name', 'worker-b'], { cwd: dirs[1]!, env: env() }),
    ]);
    expect({ code: a.code, stderr: a.stderr }).toEqual({ code: 0, stderr: expect.any(String) });
    expect(b.code).toBe(0);
    // The fake Codegen's own record of creates: one run per task, none twice.
    expect(codegen.created.map((run) => `${String(run.metadata?.pco_task_id)} a${String(run.metadata?.pco_attempt)}`).sort()).toEqual([
      'acme/web#1 a1',
      'acme/web#2 a1',
      'acme/web#3 a1',
      'acme/web#4 a1',
    ]);
    for (const dir of dirs) {
      const results = JSON.parse(await readFile(path.join(dir, '.pco', 'results.json'), 'utf8')) as { results: { id: string; state: string }[] };
      expect(results.results.map((r) => `${r.id} ${r.state}`).sort()).toEqual(['acme/web#1 done', 'acme/web#2 done', 'acme/web#3 done', 'acme/web#4 done']);
    }
    for (const text of [a.stdout, a.stderr, b.stdout, b.stderr]) expect(text).not.toContain(PASSWORD);
    for (const dir of dirs) {
      for (const file of await readdir(path.join(dir, '.pco'))) expect(await readFile(path.join(dir, '.pco', file), 'utf8')).not.toContain(PASSWORD);
    }
    // Redis and the queue never failed on the way.
    expect(a.stderr + b.stderr).not.toContain('! coordination:');

    const status = await runPcoInProcess(['status', '--json'], { cwd: dirs[0]!, env: env() });
    expect(status.code).toBe(0);
    expect(status.stdout).not.toContain(PASSWORD);
    const shared = (JSON.parse(status.stdout) as { coordination: CoordinationStatus }).coordination;
    expect(shared.backlogId).toBe('acme/web');
    expect(shared.queue.counts).toMatchObject({ active: 0, completed: 4, failed: 0 });
    expect(shared.codegen.find((budget) => budget.operation === 'createRun')).toMatchObject({ used: 4, limit: 10 });
    expect(shared.github.map((budget) => budget.principal)).toContain('gh:octo@127.0.0.1');
    const text = await runPcoInProcess(['status'], { cwd: dirs[1]!, env: env() });
    expect(text.stdout).toMatch(/^Coordination {2}redis:\/\/127\.0\.0\.1:6379 \(prefix pcotest-/m);
    expect(text.stdout).toMatch(/Codegen budget createRun: 4 of 10 per 60s used/);
  });

  it('pco status on a process with no journal yet shows the shared part alone', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'pco-status-fresh-'));
    await writeFile(path.join(dir, 'pco.yaml'), await readFile(path.join(dirs[0]!, 'pco.yaml'), 'utf8'));
    const result = await runPcoInProcess(['status'], { cwd: dir, env: env() });
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^No journal at .*journal\.jsonl yet\.\nCoordination {2}redis:\/\/127\.0\.0\.1:6379 /);
    expect(result.stdout).toContain('  Per process    none');
    expect(result.stdout).not.toContain(PASSWORD);
  });

  it('pco worker refuses to run without the coordination section', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'pco-worker-alone-'));
    await writeFakesConfig(dir, { githubUrl: github.url, codegenUrl: codegen.url, repos: ['acme/web'], orgId: '${ORG}', githubToken: '${GH}', codegenToken: '${CG}' });
    const result = await runPcoInProcess(['worker'], { cwd: dir, env: env() });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('pco worker joins a backlog through Redis: pco.yaml has no coordination section');
  });

  it('an unreachable Redis is a usage error naming the setting, without the password', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'pco-no-redis-'));
    await writeFile(path.join(dir, 'pco.yaml'), await readFile(path.join(dirs[0]!, 'pco.yaml'), 'utf8'));
    const result = await runPcoInProcess(['run', '--json'], { cwd: dir, env: { ...env(), PCO_REDIS_URL: `redis://default:${PASSWORD}@127.0.0.1:1` } });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('coordination.redis.url: Redis at redis://127.0.0.1:1 did not answer');
    expect(result.stderr + result.stdout).not.toContain(PASSWORD);
    expect(codegen.created).toHaveLength(4);
  });
});
