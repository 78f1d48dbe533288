/**
 * `pco run` on a backlog with a dependency cycle (issue 7): exit 2 naming the cycle, like
 * `pco plan`; with --json the error is a JSON line on stdout; no journal is left behind.
 */
import { access, mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { startFakeCodegen, type FakeCodegen } from '@pco/testkit/codegen';
import { cyclicBacklogFixture, startFakeGitHub, type FakeGitHub } from '@pco/testkit/github';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runPcoInProcess, writeFakesConfig } from './in-process-cli.js';

const GH_TOKEN = 'ghp_cycleTestToken0123456789abcdefgh';
const CG_TOKEN = 'cg-cycle-token-0123456789';

const pco = (args: string[], cwd: string) => runPcoInProcess(args, { cwd, env: { GH_TOKEN, CG_TOKEN } });

const exists = (file: string) =>
  access(file).then(
    () => true,
    () => false,
  );

describe('pco run on a cyclic backlog', () => {
  let github: FakeGitHub;
  let codegen: FakeCodegen;
  let dir: string;

  beforeAll(async () => {
    github = await startFakeGitHub(cyclicBacklogFixture(), { token: GH_TOKEN });
    codegen = await startFakeCodegen({ tokens: [CG_TOKEN], orgId: 1 });
    dir = await mkdtemp(path.join(tmpdir(), 'pco-run-cycle-'));
    // The preflight reads the Codegen account; no agent run may be created (checked below).
    await writeFakesConfig(dir, {
      githubUrl: github.url,
      codegenUrl: codegen.url,
      repos: ['acme/loop'],
      orgId: 1,
      githubToken: '${GH_TOKEN}',
      codegenToken: '${CG_TOKEN}',
      more: ['journal:', `  path: ${path.join(dir, 'state', 'journal.jsonl')}`, `  resultsDir: ${path.join(dir, 'state')}`],
    });
  });
  afterAll(() => Promise.all([github.close(), codegen.close()]));

  it('exits 2 naming the cycle and leaves no journal', async () => {
    const result = await pco(['run', '--config', 'pco.yaml'], dir);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/cycle/i);
    for (const id of ['acme/loop#1', 'acme/loop#2', 'acme/loop#3']) expect(result.stderr).toContain(id);
    // Only the cycle: not the task waiting on it (#4), not the independent one (#5).
    expect(result.stderr).not.toMatch(/acme\/loop#[45]/);
    expect(result.stderr).not.toContain(GH_TOKEN);
    expect(await exists(path.join(dir, 'state', 'journal.jsonl'))).toBe(false);
    expect(codegen.created).toHaveLength(0);
  });

  it('with --json the error is a JSON line on stdout carrying the cycle path', async () => {
    const result = await pco(['run', '--config', 'pco.yaml', '--json'], dir);
    expect(result.code).toBe(2);
    const lines = result.stdout
      .split('\n')
      .filter((line) => line.length > 0)
      .map((line) => JSON.parse(line) as Record<string, unknown>);
    const failed = lines.find((line) => line.event === 'run:failed');
    expect(failed).toMatchObject({ level: 'error', code: 'GRAPH_INVALID' });
    const cycles = failed!.cycles as string[][];
    expect(cycles).toHaveLength(1);
    expect(new Set(cycles[0])).toEqual(new Set(['acme/loop#1', 'acme/loop#2', 'acme/loop#3']));
    expect(String(failed!.msg)).toMatch(/cycle/i);
    expect(await exists(path.join(dir, 'state', 'journal.jsonl'))).toBe(false);
  });
});
