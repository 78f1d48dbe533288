/**
 * The `pco` binary as a subprocess (`node --conditions=@pco/source --import tsx src/cli.ts`):
 * the demo end to end, --json output line by line, SIGINT mid-run, usage errors, and that no
 * token appears in any output or file.
 */
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { startFakeCodegen, startFakeGitHub, type FakeCodegen, type FakeGitHub } from '@pco/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { twoChainsBacklog, writeFakesConfig } from './in-process-cli.js';
import { jsonLines, runCli } from './subprocess-cli.js';

describe('pco (subprocess)', () => {
  it('--help and --version exit 0; a bad flag exits 2', async () => {
    const help = await runCli(['--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('Usage: pco [options] [command]');
    expect(help.stdout).toContain('130  interrupted (SIGINT / SIGTERM)');
    const version = await runCli(['--version']);
    expect(version).toMatchObject({ code: 0, stdout: '0.0.0\n' });
    const bad = await runCli(['run', '--concurency', '3']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain("error: unknown option '--concurency'");
    expect(bad.stderr).toContain('(Did you mean --concurrency?)');
  });

  it('malformed configs exit 2 with every problem (file, env and flag origins)', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'pco-e2e-'));
    await writeFile(
      path.join(dir, 'pco.yaml'),
      'github:\n  token: ${GITHUB_TOKEN}\n  repos: [octo/app]\nagent:\n  maxConcurentAgents: 4\nlogging:\n  level: loud\n',
    );
    const result = await runCli(['plan', '--concurrency', '0'], { cwd: dir, env: { PCO_AGENT__RETRY_ATTEMPTS: 'many' } });
    expect(result.code).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr).toBe(
      [
        'Invalid configuration in pco.yaml (5 problems):',
        '  - github.token: environment variable GITHUB_TOKEN is not set (referenced as ${GITHUB_TOKEN}) (pco.yaml:2:10)',
        '  - agent.maxConcurentAgents: unknown key; did you mean "maxConcurrentAgents"? (pco.yaml:5:23)',
        '  - agent.maxConcurrentAgents: expected an integer from 1 to 10, got 0 (--concurrency)',
        '  - agent.retryAttempts: expected an integer from 0 to 10, got "many" (PCO_AGENT__RETRY_ATTEMPTS)',
        '  - logging.level: expected one of "trace", "debug", "info", "warn", "error", "fatal", "silent", got "loud" (pco.yaml:7:10)',
        '',
      ].join('\n'),
    );
  });

  it('pco demo exits 0 with the expected summary, JSON lines on stdout and no token anywhere', async () => {
    const out = await mkdtemp(path.join(tmpdir(), 'pco-demo-e2e-'));
    const result = await runCli(['demo', '--speed', '800', '--out', out]);
    expect(result.stderr).toContain('✔ As scripted: acme/shop#13 and acme/shop#20 failed (so acme/shop#12 was skipped), acme/shop#23 succeeded on its retry');
    expect(result.code).toBe(0);
    expect(result.stderr).toContain('done 17 · failed 2 · skipped 4 (3 by policy) · total 23');
    expect(result.stderr).toContain(`Results  ${path.join(out, 'results.json')}`);
    expect(result.stderr).toMatch(/Codegen {2}19 agent runs created, 0 duplicates/);

    // stdout: one JSON object per line, one per event, with the documented fields.
    const lines = jsonLines(result.stdout);
    const events = lines.map((line) => line.event);
    expect(events[0]).toBe('run:start');
    expect(events.filter((e) => e === 'task:done')).toHaveLength(17);
    expect(events.filter((e) => e === 'task:failed')).toHaveLength(2);
    expect(events.filter((e) => e === 'task:skipped')).toHaveLength(4);
    expect(events.filter((e) => e === 'task:retry')).toHaveLength(1);
    expect(events.slice(-2)).toEqual(['run:end', 'results']);
    const runIds = new Set(lines.map((line) => line.runId).filter(Boolean));
    expect(runIds.size).toBe(1);
    for (const line of lines) {
      expect(typeof line.time).toBe('string');
      expect(typeof line.level).toBe('string');
      expect(typeof line.event).toBe('string');
    }
    const done = lines.find((line) => line.event === 'task:done')!;
    expect(done).toMatchObject({ level: 'info', attempt: 1 });
    expect(typeof done.taskId).toBe('string');
    expect(done.agentId).toMatch(/^agent-\d+$/);
    expect(typeof done.durationMs).toBe('number');
    expect(lines.find((line) => line.event === 'task:retry')).toMatchObject({ level: 'warn', taskId: 'acme/shop#23', attempt: 1, nextAttempt: 2 });
    expect(lines.find((line) => line.event === 'results')).toMatchObject({ json: path.join(out, 'results.json'), csv: path.join(out, 'results.csv'), ok: false });

    // The result files and the journal.
    const summary = JSON.parse(await readFile(path.join(out, 'results.json'), 'utf8')) as {
      counts: Record<string, number>;
      results: { id: string; state: string; attempts: number; landing?: { state: string; reactions: number } }[];
    };
    expect(summary.counts).toMatchObject({ total: 23, done: 17, failed: 2, skipped: 4, interrupted: 0 });
    // Every done task landed: its pull request merged (the demo links the fakes).
    expect(summary.results.filter((r) => r.state === 'done').every((r) => r.landing?.state === 'landed')).toBe(true);
    expect(summary.results.find((r) => r.id === 'acme/shop#23')).toMatchObject({ state: 'done', attempts: 2 });
    const csv = await readFile(path.join(out, 'results.csv'), 'utf8');
    expect(csv.split('\r\n')[0]).toBe('id,state,attempts,agent,runId,webUrl,pullRequests,summary,error,skippedBecause,startedAt,endedAt,durationMs,skipReason,policySkip,landingState,landedAt,reactions');
    expect(csv.trimEnd().split('\r\n')).toHaveLength(24);
    const journal = await readFile(path.join(out, 'journal.jsonl'), 'utf8');
    expect(journal.length).toBeGreaterThan(0);

    for (const text of [result.stdout, result.stderr, csv, journal, JSON.stringify(summary)]) {
      expect(text).not.toContain('demo-github-token');
      expect(text).not.toContain('demo-codegen-token');
    }
  }, 60_000);

  describe('pco run against fakes started by the test', () => {
    const GH_TOKEN = 'ghp_e2eSigintTestToken0123456789abcdef';
    const CG_TOKEN = 'codegen-e2e-secret-token-42';
    let github: FakeGitHub;
    let codegen: FakeCodegen;
    let dir: string;
    /** Sees every request to the fake GitHub as it arrives; the answer waits for what it returns. */
    let onGitHubRequest: ((request: { readonly method: string; readonly path: string }) => void | Promise<void>) | undefined;

    beforeAll(async () => {
      github = await startFakeGitHub(
        {
          repos: [
            {
              owner: 'acme',
              name: 'api',
              issues: [
                { number: 1, title: 'Add health endpoint', labels: ['agent'] },
                { number: 2, title: 'Add metrics endpoint', labels: ['agent'] },
                { number: 3, title: 'Document both endpoints', body: 'Depends on #1 and #2', labels: ['agent'] },
              ],
            },
          ],
        },
        { token: GH_TOKEN, onRequest: (request) => onGitHubRequest?.(request) },
      );
      // Real time scale: every run takes minutes, so the run is surely mid-flight when interrupted.
      codegen = await startFakeCodegen({ tokens: [CG_TOKEN], orgId: 7, repos: [{ id: 3, fullName: 'acme/api' }] });
      dir = await mkdtemp(path.join(tmpdir(), 'pco-sigint-'));
      // Keep the write-back small: GitHub asks for 1 s between writes.
      await writeFakesConfig(dir, {
        githubUrl: github.url,
        codegenUrl: codegen.url,
        repos: ['acme/api'],
        orgId: 7,
        githubToken: '${GH_TOKEN}',
        codegenToken: '${CG_TOKEN}',
        more: ['automation:', '  postComments: false', '  statusLabels: false', 'journal:', '  path: state/journal.jsonl', '  resultsDir: out'],
      });
    });
    afterAll(async () => {
      await Promise.all([github.close(), codegen.close()]);
    });

    it('SIGINT while the tasks are loading: exits 130 and starts nothing', async () => {
      const createdBefore = codegen.created.length;
      let kill: ((signal: NodeJS.Signals) => void) | undefined;
      let release!: () => void;
      const released = new Promise<void>((resolve) => (release = resolve));
      // The first GraphQL request to the fake GitHub means the CLI is loading (handlers installed;
      // the preflight before it reads with REST).
      // Signal then, and hold that request until the CLI has taken the signal (its `shutdown`
      // line) or has exited, so the loading cannot finish before the signal lands however busy
      // the machine. (Polling the request log raced: under load the tasks could be loaded and
      // started before the signal arrived.) 20 s bound: a CLI that never reacts still ends.
      onGitHubRequest = (request) => {
        if (request.path !== '/graphql') return;
        onGitHubRequest = undefined;
        kill?.('SIGINT');
        let timer: NodeJS.Timeout | undefined;
        return Promise.race([released, new Promise<void>((resolve) => (timer = setTimeout(resolve, 20_000)))]).finally(() => clearTimeout(timer));
      };
      const result = await runCli(['run', '--json'], {
        cwd: dir,
        env: { GH_TOKEN, CG_TOKEN },
        onSpawn: (k) => (kill = k),
        onLine: (line) => {
          if (line.includes('"event":"shutdown"')) release();
        },
      }).finally(() => {
        onGitHubRequest = undefined;
        release();
      });
      expect(result.code).toBe(130);
      const lines = jsonLines(result.stdout);
      expect(lines.map((line) => line.event)).toEqual(['shutdown', 'interrupted']);
      expect(lines[0]).toMatchObject({ signal: 'SIGINT', running: 0 });
      expect(codegen.created.length).toBe(createdBefore);
    }, 60_000);

    it('SIGINT mid-run: stops dispatching, writes state, reports running tasks interrupted, exits 130', async () => {
      let started = 0;
      let signalled = false;
      const result = await runCli(['run', '--json'], {
        cwd: dir,
        env: { GH_TOKEN, CG_TOKEN },
        onLine: (line, kill) => {
          if (line.includes('"event":"task:checkpoint"')) started++;
          // Both independent tasks have a remote run; #3 waits for them.
          if (started === 2 && !signalled) {
            signalled = true;
            kill('SIGINT');
          }
        },
      });
      expect(signalled).toBe(true);
      expect(result.code).toBe(130);
      const lines = jsonLines(result.stdout);
      const events = lines.map((line) => line.event);
      expect(events).toContain('shutdown');
      expect(lines.find((line) => line.event === 'shutdown')).toMatchObject({ signal: 'SIGINT', running: 2 });
      expect(lines.filter((line) => line.event === 'task:interrupted').map((line) => line.taskId).sort()).toEqual(['acme/api#1', 'acme/api#2']);
      expect(lines.filter((line) => line.event === 'task:interrupted').every((line) => line.mode === 'detach')).toBe(true);
      expect(events).not.toContain('task:done');
      expect(lines.at(-1)).toMatchObject({ event: 'results', ok: false, interrupted: true });
      // Nothing new was dispatched: two runs created, the dependent never started.
      expect(codegen.created).toHaveLength(2);
      expect(events.filter((e) => e === 'task:start')).toHaveLength(2);

      // State written: results and the journal with both remote runs recorded.
      const summary = JSON.parse(await readFile(path.join(dir, 'out/results.json'), 'utf8')) as { stopped?: string; counts: Record<string, number> };
      expect(summary.stopped).toBe('detach');
      expect(summary.counts).toMatchObject({ interrupted: 2, done: 0 });
      expect(existsSync(path.join(dir, 'state/journal.jsonl'))).toBe(true);
      const journal = await readFile(path.join(dir, 'state/journal.jsonl'), 'utf8');
      for (const run of codegen.created) expect(journal).toContain(String(run.id));
      expect(result.stderr).toContain('Interrupted');

      for (const text of [result.stdout, result.stderr, journal, await readFile(path.join(dir, 'out/results.csv'), 'utf8')]) {
        expect(text).not.toContain(GH_TOKEN);
        expect(text).not.toContain(CG_TOKEN);
      }
    }, 60_000);
  });

  it('pco run to the end: exit 0, outcomes written back to GitHub, results on disk', async () => {
    const GH = 'ghp_e2eFullRunToken0123456789abcdefghij';
    const CG = 'codegen-e2e-full-run-token';
    const github = await startFakeGitHub(twoChainsBacklog({ issues: 2 }), { token: GH });
    // Agent runs take 3–12 "minutes" at 1/1000: well under a second.
    const codegen = await startFakeCodegen({ tokens: [CG], orgId: 3, repos: [{ id: 9, fullName: 'acme/web' }], timeScale: 0.001 });
    try {
      const dir = await mkdtemp(path.join(tmpdir(), 'pco-run-'));
      await writeFakesConfig(dir, {
        githubUrl: github.url,
        codegenUrl: codegen.url,
        repos: ['acme/web'],
        orgId: 3,
        githubToken: '${GH}',
        codegenToken: '${CG}',
        more: ['  repoId: 9', 'automation:', '  statusLabels: false'],
      });
      const result = await runCli(['run'], { cwd: dir, env: { GH, CG } });
      expect(result.stderr).toContain('All tasks done');
      expect(result.code).toBe(0);
      const events = jsonLines(result.stdout).map((line) => line.event);
      expect(events.filter((e) => e === 'task:done')).toHaveLength(2);
      expect(events.indexOf('task:done')).toBeLessThan(events.lastIndexOf('task:start'));
      // The dependency's run was created before its dependent's.
      expect(codegen.created.map((run) => run.metadata?.pco_task_id)).toEqual(['acme/web#1', 'acme/web#2']);
      // One result comment per issue, with the PR link.
      for (const ref of ['acme/web#1', 'acme/web#2']) {
        const comments = github.issue(ref).comments;
        expect(comments).toHaveLength(1);
        expect(comments[0]!.body).toContain('pco:result');
      }
      const summary = JSON.parse(await readFile(path.join(dir, '.pco/results.json'), 'utf8')) as { ok: boolean; counts: Record<string, number> };
      expect(summary).toMatchObject({ ok: true, counts: { done: 2, total: 2 } });
      expect(result.stdout + result.stderr).not.toContain(GH);
      expect(result.stdout + result.stderr).not.toContain(CG);
    } finally {
      await Promise.all([github.close(), codegen.close()]);
    }
  }, 60_000);
});
