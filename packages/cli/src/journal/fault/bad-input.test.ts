/**
 * Bad input through the whole pipeline (fake GitHub → issues source → orchestrator → Codegen
 * executor → fake Codegen → journal → status and export): an issue body of 1 MB, titles and bodies
 * full of unicode and control characters, an issue that references 10,000 issues. Clear warnings
 * or errors, no crash, nothing lost: every character survives the journal round trip.
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startFakeCodegen, startFakeGitHub, type FakeCodegen, type FakeGitHub } from '@pco/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCodegenExecutor, createGitHubClientFor, createTaskSource } from '../../cli/pipeline.js';
import { parseConfig } from '../../config/index.js';
import { Orchestrator, FileJournal, readJournal } from '@pco/core';
import type { RunSummary } from '@pco/core';
import type { Task } from '@pco/contract';
import { exportJournal, journalFingerprint, journalStatus } from '../index.js';

const SPEED = 1000;
const GITHUB_TOKEN = 'ghp_BadInputToken0123456789abcdefghij';
const CODEGEN_TOKEN = 'cg-bad-input-token-0123';
const NASTY_TITLE = 'Ünïcödé ✓ 🚀 \u202Eevil\u202C tab\there "quotes", commas; \\backslash\\ \u0007bell \u001b[31mred\u001b[0m';
const NASTY_BODY = `Control: \u0000\u0001\u0008\u000b\u000c\u007f\u0085 line\r\nbreaks\u2028\u2029 zero\u200Bwidth, RTL \u05e9\u05dc\u05d5\u05dd, 𝔘𝔫𝔦𝔠𝔬𝔡𝔢, 🏳️‍🌈.\n\nDepends on #4`;
const HUGE_BODY = `Depends on #4\n\n${'A megabyte of specification text. '.repeat(32_768)}`; // ≈ 1.1 MB
const MANY_REFS = `Depends on ${Array.from({ length: 10_000 }, (_, i) => `#${1000 + i}`).join(', ')}`;

describe('bad input through the pipeline', () => {
  let dir: string;
  let github: FakeGitHub;
  let codegen: FakeCodegen;
  let summary: RunSummary;
  let loaded: readonly Task[] = [];
  let journalPath: string;
  let elapsedMs = 0;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'pco-bad-input-'));
    journalPath = join(dir, 'journal.jsonl');
    const issue = (number: number, title: string, body: string) => ({ number, title, body, labels: ['agent'], author: 'alice', authorAssociation: 'OWNER' as const });
    github = await startFakeGitHub(
      {
        viewer: 'pco-bot',
        repos: [
          {
            owner: 'acme',
            name: 'bad',
            labels: ['agent'],
            issues: [
              issue(1, 'Huge body', HUGE_BODY),
              issue(2, NASTY_TITLE, NASTY_BODY),
              issue(3, 'References ten thousand issues', MANY_REFS),
              issue(4, 'Plain task', 'Nothing special.'),
              issue(5, 'Depends on the one with many references', 'Depends on #3'),
            ],
          },
        ],
      },
      { token: GITHUB_TOKEN },
    );
    codegen = await startFakeCodegen({
      tokens: [CODEGEN_TOKEN],
      repos: [{ id: 1, fullName: 'acme/bad' }],
      timeScale: 1 / SPEED,
      // The agent answers with the nastiest text too.
      defaultScript: { durationMs: 60_000, result: `${NASTY_TITLE}\n${NASTY_BODY}`, summary: NASTY_TITLE },
    });
    const parsed = parseConfig(
      {
        github: { token: GITHUB_TOKEN, baseUrl: github.url, repos: ['acme/bad'] },
        codegen: { orgId: 1, token: CODEGEN_TOKEN, baseUrl: codegen.url, repoId: 1 },
        journal: { path: journalPath, resultsDir: dir },
      },
      { env: {}, baseDir: dir },
    );
    if (!parsed.ok) throw new Error(parsed.issues.map((i) => `${i.path}: ${i.message}`).join('; '));
    const config = parsed.config;
    const client = createGitHubClientFor(config, { github: { timeScale: 1, writeSpacingMs: 0, notificationSpacingMs: 0, throttleId: `pco-bad-${process.pid}` } });
    const source = createTaskSource(config, client);
    const { executor } = createCodegenExecutor(config, { timeScale: 1 / SPEED });
    const journal = await FileJournal.open({ path: journalPath, fingerprint: journalFingerprint(config), secrets: [GITHUB_TOKEN, CODEGEN_TOKEN] });
    const started = Date.now();
    try {
      summary = await new Orchestrator({
        source: { load: async (signal) => (loaded = await source.load(signal)) },
        executor,
        journal,
        secrets: [GITHUB_TOKEN, CODEGEN_TOKEN],
        timeoutMs: 3_600_000 / SPEED,
      }).run();
    } finally {
      elapsedMs = Date.now() - started;
      executor.close();
      await journal.close();
    }
  }, 120_000);

  afterAll(async () => {
    await Promise.allSettled([github?.close(), codegen?.close()]);
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('runs every task it can, and names the problem of the one it cannot', () => {
    const state = Object.fromEntries(summary.results.map((r) => [r.id, r.state]));
    const many = loaded.find((task) => task.id === 'acme/bad#3');
    const warnings = loaded.flatMap((task) => task.warnings ?? []);
    console.log(
      `bad input: ${summary.results.length} tasks in ${elapsedMs} ms, states ${JSON.stringify(state)}, ` +
        `${warnings.length} warning(s), #3 ${many?.skip ? `skipped (${many.skip.message.slice(0, 160)}…)` : `has ${many?.dependencies?.length ?? 0} dependencies`}; ` +
        `${github.requests.length} GitHub requests`,
    );
    expect(state['acme/bad#1']).toBe('done');
    expect(state['acme/bad#2']).toBe('done');
    expect(state['acme/bad#4']).toBe('done');
    // The 10,000 references name issues that do not exist: one warning each, naming it; the
    // task and its dependent still run. Nothing hangs, nothing crashes.
    const warningChars = (many?.warnings ?? []).reduce((sum, w) => sum + w.length, 0);
    console.log(`  first warning of #3 (${(many?.warnings?.[0] ?? '').length} chars; all: ${warningChars} chars): ${many?.warnings?.[0]?.slice(0, 160)}`);
    expect(many?.warnings).toHaveLength(10_000);
    expect(many?.warnings?.[0]).toContain('#1000');
    expect(many?.warnings?.[9_999]).toContain('#10999');
    expect(state['acme/bad#3']).toBe('done');
    expect(state['acme/bad#5']).toBe('done');
    // The lookups are batched, not one request per reference.
    expect(github.requests.length).toBeLessThan(500);
    const routes = new Map<string, number>();
    for (const r of github.requests) routes.set(r.operation ?? r.route, (routes.get(r.operation ?? r.route) ?? 0) + 1);
    console.log(`  GitHub requests by route: ${JSON.stringify(Object.fromEntries(routes))}`);
  });

  // Known issue (github-source's dependency parser): each unresolved-reference warning quotes the
  // whole matched phrase, so 10,000 references in one sentence make 10,000 warnings of ~71 KB
  // (about 710 MB of text for anything that prints them). Flip to `it` once warnings are capped.
  it('keeps the warnings of one issue small enough to print', () => {
    const many = loaded.find((task) => task.id === 'acme/bad#3');
    const chars = (many?.warnings ?? []).reduce((sum, warning) => sum + warning.length, 0);
    expect(chars).toBeLessThan(10_000_000);
  });

  it('sent the 1 MB body to the agent whole, and kept unicode and control characters intact', () => {
    const prompts = new Map(codegen.created.map((record) => [String(record.metadata?.pco_task_id), record.prompt]));
    expect(prompts.get('acme/bad#1')).toContain(HUGE_BODY.slice(-200));
    expect(prompts.get('acme/bad#1')!.length).toBeGreaterThan(1_000_000);
    expect(prompts.get('acme/bad#2')).toContain(NASTY_TITLE);
    expect(prompts.get('acme/bad#2')).toContain(NASTY_BODY.slice(0, 60));
  });

  it('journal, status and export keep every character, one record per line', async () => {
    const text = await readFile(journalPath, 'utf8');
    // Control characters are escaped by JSON: no raw line break splits a record.
    for (const line of text.trimEnd().split('\n')) expect(() => JSON.parse(line)).not.toThrow();
    const { entries, warnings } = await readJournal(journalPath);
    expect(warnings).toEqual([]);
    const done = entries.filter((e) => e.type === 'result' && e.result.id === 'acme/bad#2');
    expect(done).toHaveLength(1);
    expect(done[0]!.type === 'result' && done[0]!.result.summary).toBe(NASTY_TITLE);

    const status = await journalStatus(journalPath);
    expect(status).toMatchObject({ total: 5, unfinished: false, counts: { done: 5 } });
    const exported = JSON.parse((await exportJournal(journalPath, { format: 'json' })).text);
    expect(exported.results.find((r: { id: string }) => r.id === 'acme/bad#2').result).toBe(`${NASTY_TITLE}\n${NASTY_BODY}`);
    const csv = (await exportJournal(journalPath, { format: 'csv' })).text;
    expect(csv).toContain(`"${NASTY_TITLE.replace(/"/g, '""')}"`);
    expect(text).not.toContain(GITHUB_TOKEN);
    expect(text).not.toContain(CODEGEN_TOKEN);
  });
});
