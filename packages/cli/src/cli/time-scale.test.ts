/**
 * `pco run --time-scale` (issue 15): against fakes whose clocks run 1000× faster, every wait of
 * pco shrinks with them (GitHub write spacing, Codegen polling, retry delays), so a backlog whose
 * agent runs last minutes of API time finishes in about a second; a bad factor is a usage error.
 */
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { startFakeCodegen, startFakeGitHub, type FakeCodegen, type FakeGitHub } from '@pco/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseConfig } from '../config/index.js';
import { runPcoInProcess, twoChainsBacklog, writeFakesConfig } from './in-process-cli.js';
import { parseTimeScale, scaledRunTiming } from './time-scale.js';

const GH = 'ghp_timeScaleTestToken0123456789abcdef';
const CG = 'cg-time-scale-test-token-0123456789';
const SCALE = 0.001;
/** Each agent run: 8 minutes of API time (480 ms of real time at SCALE). */
const RUN_MS = 8 * 60_000;

describe('parseTimeScale', () => {
  it('takes a finite factor in (0, 1]; none is real time', () => {
    expect(parseTimeScale(undefined)).toBe(1);
    expect(parseTimeScale('1')).toBe(1);
    expect(parseTimeScale('0.001')).toBe(0.001);
    expect(parseTimeScale('5e-4')).toBe(0.0005);
    for (const bad of ['0', '-0.5', '1.5', 'fast', '', 'Infinity', 'NaN']) expect(() => parseTimeScale(bad), bad).toThrow(/^--time-scale: .*got /);
  });

  it('scales the waits as the demo always did: GitHub spacing, retry delay, abort grace, cool-down, start rate; the timeout keeps 30 s of real time', () => {
    const parsed = parseConfig({ github: { token: 'x', repos: ['o/r'] }, agent: { retryDelaySeconds: 30, retryAttempts: 2, taskTimeoutSeconds: 7200 } }, { env: {} });
    if (!parsed.ok) throw new Error(JSON.stringify(parsed.issues));
    expect(scaledRunTiming(parsed.config, 0.01)).toEqual({
      timeScale: 0.01,
      github: { timeScale: 10, writeSpacingMs: 10, notificationSpacingMs: 30 },
      orchestrator: {
        timeoutMs: 72_000,
        retry: { attempts: 3, baseDelayMs: 300 },
        abortGraceMs: 300,
        pool: { coolDownMs: 600 },
        startRate: { limit: 10, windowMs: 600 },
      },
    });
    expect(scaledRunTiming(parsed.config, 0.001).orchestrator.timeoutMs).toBe(30_000);
  });
});

describe('pco run --time-scale against sped-up fakes', () => {
  let github: FakeGitHub;
  let codegen: FakeCodegen;
  let dir: string;

  beforeAll(async () => {
    github = await startFakeGitHub(twoChainsBacklog(), { token: GH, timeScale: SCALE });
    codegen = await startFakeCodegen({ tokens: [CG], orgId: 3, repos: [{ id: 9, fullName: 'acme/web' }], timeScale: SCALE, defaultScript: { durationMs: RUN_MS } });
    dir = await mkdtemp(path.join(tmpdir(), 'pco-time-scale-'));
    await writeFakesConfig(dir, {
      githubUrl: github.url,
      codegenUrl: codegen.url,
      repos: ['acme/web'],
      orgId: 3,
      githubToken: '${GH}',
      codegenToken: '${CG}',
      more: ['  repoId: 9', 'journal:', `  path: ${path.join(dir, 'state', 'journal.jsonl')}`, `  resultsDir: ${path.join(dir, 'state')}`],
    });
  });
  afterAll(() => Promise.all([github?.close(), codegen?.close()]));

  it('refuses a factor outside (0, 1], naming --time-scale, before anything is read or written (pco run and pco worker)', async () => {
    for (const [command, bad] of [['run', '0'], ['run', '2'], ['run', 'fast'], ['worker', '1.5']] as const) {
      const result = await runPcoInProcess([command, '--json', '--time-scale', bad], { cwd: dir, env: { GH, CG } });
      expect(result.code).toBe(2);
      expect(result.stderr).toContain('--time-scale');
      expect(result.stderr).toContain(JSON.stringify(bad));
    }
    expect(github.requests).toHaveLength(0);
    expect(codegen.created).toHaveLength(0);
  });

  it('with --time-scale 0.001 runs 32 minutes of agent work (two chains of two) in a few seconds', async () => {
    const started = Date.now();
    const result = await runPcoInProcess(['run', '--json', '--time-scale', String(SCALE)], { cwd: dir, env: { GH, CG } });
    const elapsedMs = Date.now() - started;
    expect(result.stderr).toContain('All tasks done');
    expect(result.code).toBe(0);
    const events = result.stdout
      .split('\n')
      .filter((line) => line.startsWith('{'))
      .map((line) => JSON.parse(line) as { event?: string });
    expect(events.filter((e) => e.event === 'task:done')).toHaveLength(4);
    expect(codegen.created).toHaveLength(4);
    // The critical path alone is 16 API minutes (960 ms here). Unscaled, the same run waits
    // 2 s between polls of each agent run and 1–3 s between GitHub writes: about 22 s (measured
    // with the flag's wiring removed). Scaled, about 2 s: HTTP and CPU remain.
    expect(elapsedMs).toBeLessThan(10_000);
    expect(result.stdout + result.stderr).not.toContain(GH);
    expect(result.stdout + result.stderr).not.toContain(CG);
  }, 60_000);
});
