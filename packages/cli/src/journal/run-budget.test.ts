import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startFakeCodegen, type FakeCodegen } from '@pco/testkit';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createCodegenExecutor } from '../cli/pipeline.js';
import { parseConfig, type PcoConfig } from '../config/index.js';
import { runBudgetPath, runBudgetStore } from './run-budget.js';

const TOKEN = 'codegen-budget-token-0123';
const SCALE = 0.01; // creates: 10 per 600 ms
let dir: string;
let fake: FakeCodegen | undefined;

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'pco-run-budget-'));
});
afterEach(async () => {
  await fake?.close();
  fake = undefined;
  await rm(dir, { recursive: true, force: true });
});

function configFor(url: string): PcoConfig {
  const parsed = parseConfig(
    {
      github: { token: 'ghp_unused', repos: ['acme/app'] },
      codegen: { orgId: 1, token: TOKEN, baseUrl: url },
      journal: { path: join(dir, '.pco', 'journal.jsonl'), resultsDir: dir },
    },
    { env: {}, baseDir: dir },
  );
  if (!parsed.ok) throw new Error(parsed.issues.map((issue) => `${issue.path}: ${issue.message}`).join('; '));
  return parsed.config;
}

describe('run budget beside the journal', () => {
  it('pco run keeps the Codegen budget in <journal>.budget.json: a resumed process waits instead of meeting a 429', async () => {
    fake = await startFakeCodegen({ timeScale: SCALE, tokens: [TOKEN], orgId: 1 });
    const config = configFor(fake.url);
    const first = createCodegenExecutor(config, { timeScale: SCALE, persistBudget: true });
    await Promise.all(Array.from({ length: 10 }, (_, i) => first.client.createRun({ prompt: `task ${i}` })));
    first.executor.close();
    // The process is gone; the next one (a resume) starts at once, inside the server's window.
    const second = createCodegenExecutor(config, { timeScale: SCALE, persistBudget: true });
    await second.client.createRun({ prompt: 'task 10' });
    second.executor.close();

    expect(fake.created).toHaveLength(11);
    expect(fake.stats().rateLimited).toBe(0);
    const text = await readFile(runBudgetPath(config.journal.path), 'utf8');
    expect(text).not.toContain(TOKEN);
    expect(Object.keys((JSON.parse(text) as { buckets: object }).buckets)).toEqual([expect.stringMatching(/^codegen:[0-9a-f]{16}:createRun$/)]);
  });

  it('counts a request a killed process had in flight for 30 s of API time, never under 1 s of real time', async () => {
    const journal = join(dir, 'journal.jsonl');
    await runBudgetStore(journal, { timeScale: 0.1 }).take('k', 1, 100, 10_000);
    // 30 s × 0.1 = 3 s in flight, then a window of 100 ms.
    expect(await runBudgetStore(journal, { timeScale: 0.1 }).take('k', 1, 100, 10_000)).toEqual({ waitMs: 3_100 });
    await runBudgetStore(journal, { timeScale: 0.001 }).take('other', 1, 100, 20_000);
    expect(await runBudgetStore(journal, { timeScale: 0.001 }).take('other', 1, 100, 20_000)).toEqual({ waitMs: 1_100 });
    await runBudgetStore(journal).take('real', 1, 60_500, 30_000);
    expect(await runBudgetStore(journal).take('real', 1, 60_500, 30_000)).toEqual({ waitMs: 90_500 });
  });
});
