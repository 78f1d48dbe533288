/**
 * The exit code of `pco run` (issue 13, point 6): policy skips (untrusted author, open external
 * blocker, and what waits on them) do not fail a run; `--fail-on` picks what does.
 */
import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseConfigText } from '../config/index.js';
import type { RunSummary } from '@pco/core';
import type { Executor, Task, TaskResult } from '@pco/contract';
import type { CliContext } from './context.js';
import { DEFAULT_FAIL_ON, exitCodeFor, parseFailOn } from './exit-code.js';
import { runPcoInProcess } from './in-process-cli.js';
import { executeRun } from './run-command.js';

function summaryOf(results: TaskResult[], over: Partial<RunSummary> = {}): RunSummary {
  const counts: { -readonly [K in keyof RunSummary['counts']]: number } = { pending: 0, ready: 0, running: 0, retrying: 0, 'in-review': 0, done: 0, failed: 0, skipped: 0, 'needs-input': 0, interrupted: 0, total: 0 };
  for (const result of results) {
    counts[result.state]++;
    counts.total++;
  }
  return {
    runId: 'r1',
    startedAt: '',
    endedAt: '',
    makespanMs: 1,
    counts,
    ok: counts.done === counts.total,
    concurrency: 1,
    attempts: 1,
    retries: 0,
    utilisation: 1,
    agents: [],
    results,
    ...over,
  };
}

const done = (id: string): TaskResult => ({ id, state: 'done', attempts: 1, pullRequests: [] });
const policy = (id: string, because?: string): TaskResult => ({
  id,
  state: 'skipped',
  attempts: 0,
  pullRequests: [],
  policySkip: true,
  skipReason: because ? 'dependency-skipped' : 'untrusted',
  ...(because ? { skippedBecause: because } : {}),
});
const blocked = (id: string, because: string): TaskResult => ({ id, state: 'skipped', attempts: 0, pullRequests: [], skipReason: 'dependency-failed', skippedBecause: because });

describe('exitCodeFor', () => {
  it('is 0 when every task allowed to run is done, policy skips and their dependents aside', () => {
    expect(exitCodeFor(summaryOf([done('a'), policy('b'), policy('c', 'b')]))).toBe(0);
  });

  it('is 1 for a failure, a skip behind a failure, needs-input, interrupted tasks, or a task that never finished', () => {
    const failed: TaskResult = { id: 'f', state: 'failed', attempts: 1, pullRequests: [] };
    expect(exitCodeFor(summaryOf([done('a'), failed, blocked('c', 'f')]))).toBe(1);
    expect(exitCodeFor(summaryOf([done('a'), policy('b'), blocked('c', 'x')]))).toBe(1);
    expect(exitCodeFor(summaryOf([{ id: 'n', state: 'needs-input', attempts: 1, pullRequests: [] }]))).toBe(1);
    expect(exitCodeFor(summaryOf([{ id: 'i', state: 'interrupted', attempts: 1, pullRequests: [] }]))).toBe(1);
    expect(exitCodeFor(summaryOf([{ id: 'p', state: 'pending', attempts: 0, pullRequests: [] }]), { failOn: ['failed'] })).toBe(1);
  });

  it('--fail-on decides: policy-skipped makes policy skips fail, a list without skipped lets blocked skips pass', () => {
    const results = [done('a'), policy('b')];
    expect(exitCodeFor(summaryOf(results), { failOn: [...DEFAULT_FAIL_ON, 'policy-skipped'] })).toBe(1);
    expect(exitCodeFor(summaryOf([done('a'), blocked('c', 'x')]), { failOn: ['failed'] })).toBe(0);
  });

  it('is 130 when interrupted, whatever the tasks did', () => {
    expect(exitCodeFor(summaryOf([done('a')]), { interrupted: true })).toBe(130);
  });

  it('without the results (retainResults: false) every skip counts as skipped', () => {
    const summary = summaryOf([done('a'), policy('b')]);
    expect(exitCodeFor({ ...summary, results: [] })).toBe(1);
  });
});

describe('parseFailOn', () => {
  it('reads a comma-separated list, spaces and repeats allowed', () => {
    expect(parseFailOn('failed, policy-skipped,failed')).toEqual(['failed', 'policy-skipped']);
  });

  it('names an unknown state', () => {
    expect(() => parseFailOn('failed,skiped')).toThrow('unknown state "skiped"; expected one or more of failed, needs-input, skipped, policy-skipped, interrupted');
    expect(() => parseFailOn(' , ')).toThrow('expected one or more of');
  });
});

describe('pco run --fail-on', () => {
  it('an unknown state is a usage error (exit 2) naming the value, before any config is read', async () => {
    const { code, stderr } = await runPcoInProcess(['run', '--fail-on', 'failed,bogus']);
    expect(code).toBe(2);
    expect(stderr).toContain('unknown state "bogus"');
    expect(stderr).not.toContain('No config file found');
  });

  it('--help lists the states and the exit codes', async () => {
    const { code, stdout } = await runPcoInProcess(['run', '--help']);
    expect(code).toBe(0);
    expect(stdout).toContain('--fail-on <states>');
    expect(stdout).toContain('policy-skipped');
    expect(stdout).toMatch(/0 {4}every task allowed to run is done/);
  });
});

describe('executeRun: a backlog whose only unfinished tasks are policy skips', () => {
  const tasks: Task[] = [
    { id: 'acme/app#1', title: 'Trusted work' },
    { id: 'acme/app#2', title: 'From a stranger', skip: { reason: 'untrusted', message: 'acme/app#2 was opened by mallory (NONE), who is not trusted to give agents work' } },
    { id: 'acme/app#3', title: 'Waits for the stranger', dependencies: ['acme/app#2'] },
    { id: 'acme/app#4', title: 'Blocked outside', skip: { reason: 'external-blocker', message: 'acme/app#4 is blocked by acme/lib#9, open and outside the task set' } },
  ];
  const executor: Executor = { execute: async () => ({ status: 'done' }) };

  async function run(flags: { failOn?: ReturnType<typeof parseFailOn> } = {}) {
    const dir = await mkdtemp(path.join(tmpdir(), 'pco-exit-'));
    const parsed = parseConfigText(`github:\n  token: t\n  repos: [acme/app]\njournal:\n  resultsDir: ${dir}\n`);
    if (!parsed.ok) throw new Error('bad test config');
    let stdout = '';
    const ctx: CliContext = { stdout: { write: (chunk: string) => ((stdout += chunk), true) }, stderr: { write: () => true }, env: {}, cwd: dir };
    const report = await executeRun(ctx, { ...parsed.config, logging: { ...parsed.config.logging, format: 'pretty' } }, { source: { load: async () => tasks }, executor, secrets: [] }, flags);
    return { report, stdout, csv: await readFile(path.join(dir, 'results.csv'), 'utf8'), json: JSON.parse(await readFile(path.join(dir, 'results.json'), 'utf8')) as RunSummary };
  }

  it('exits 0, says so, and the result files tell the policy skips apart', async () => {
    const { report, stdout, csv, json } = await run();
    expect(report.code).toBe(0);
    expect(stdout).toContain('All tasks allowed to run are done (3 held back by policy)');
    expect(stdout).toContain('skipped 3 (3 by policy)');
    const lines = csv.trim().split('\r\n');
    // The new columns come last: readers that go by position keep working.
    expect(lines[0]).toBe(
      'id,state,attempts,agent,runId,webUrl,pullRequests,summary,error,skippedBecause,startedAt,endedAt,durationMs,skipReason,policySkip,landingState,landedAt,reactions',
    );
    // The landing columns are empty here (no lander): the policy columns are the three before them.
    const row = (id: string) => lines.find((line) => line.startsWith(`${id},`))?.replace(/,,,$/, '');
    expect(row('acme/app#1')).toMatch(/,,$/);
    expect(row('acme/app#2')).toMatch(/,untrusted,true$/);
    expect(row('acme/app#3')).toMatch(/^acme\/app#3,skipped,0,.*,Dependency acme\/app#2 was skipped\.,acme\/app#2,.*,dependency-skipped,true$/);
    expect(row('acme/app#4')).toMatch(/,external-blocker,true$/);
    expect(json.results.filter((r) => r.policySkip).map((r) => r.id)).toEqual(['acme/app#2', 'acme/app#3', 'acme/app#4']);
  });

  it('exits 1 with --fail-on policy-skipped', async () => {
    const { report } = await run({ failOn: parseFailOn('failed,policy-skipped') });
    expect(report.code).toBe(1);
  });

  it('a skip the source could not decide (a blocker whose state was not looked up) is unfinished work: exit 1', async () => {
    tasks.push({ id: 'acme/app#5', title: 'Blocker unknown', skip: { reason: 'lookup-failed', policy: false, message: 'acme/app#5 waits for acme/lib#3, whose state could not be looked up' } });
    try {
      const { report, json } = await run();
      expect(report.code).toBe(1);
      const result = json.results.find((r) => r.id === 'acme/app#5');
      expect(result).toMatchObject({ state: 'skipped', skipReason: 'lookup-failed' });
      expect(result?.policySkip).toBeUndefined();
    } finally {
      tasks.pop();
    }
  });
});
