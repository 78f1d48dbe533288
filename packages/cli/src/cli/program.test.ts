/**
 * The CLI in-process (`main()` with captured streams): every malformed config, init, plan in
 * every format against the fake GitHub over HTTP, cycles, run's requirements, --debug redaction.
 * The subprocess tests (cli.test.ts) cover the binary itself, signals and the demo.
 */
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import { cyclicBacklogFixture, sampleBacklogFixture, startFakeGitHub, type FakeGitHub } from '@pco/testkit/github';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseConfigText } from '../config/index.js';
import { FileJournal } from '@pco/core';
import { MALFORMED } from '../config/malformed-configs.fixture.js';
import { runPcoInProcess } from './in-process-cli.js';
import { main } from './program.js';

const GH_TOKEN = 'ghp_inProcessTestToken0123456789abcdef';

function capture() {
  let text = '';
  return { stream: { write: (chunk: string) => ((text += chunk), true), isTTY: false }, text: () => text };
}

const pco = runPcoInProcess;

async function tempDir(): Promise<string> {
  return mkdtemp(path.join(tmpdir(), 'pco-cli-'));
}

describe('help', () => {
  it.each([[[]], [['run']], [['plan']], [['demo']], [['init']]])('--help %j exits 0', async (command) => {
    const result = await pco([...command, '--help']);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain(`Usage: pco${command.length > 0 ? ` ${command[0]}` : ''}`);
  });

  it('an unknown command or option is a usage error (2)', async () => {
    expect((await pco(['launch'])).code).toBe(2);
    const bad = await pco(['plan', '--format', 'svg']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain("option '-f, --format <format>' argument 'svg' is invalid. Allowed choices are text, mermaid, dot, json.");
  });
});

describe('a reader that goes away (EPIPE)', () => {
  const epipe = () => Object.assign(new Error('write EPIPE'), { code: 'EPIPE', errno: -32, syscall: 'write' });

  it('pco --help | head -1: the command ends with its own code, no stack trace', async () => {
    // Like process.stdout on a pipe whose reader has exited: the write fails, and the stream
    // reports it as an 'error' event after the write returned (an uncaught exception without a listener).
    const stdout = new Writable({ write: (_chunk, _encoding, callback) => callback(epipe()) });
    const err = capture();
    const code = await main(['node', 'pco', '--help'], { stdout, stderr: err.stream, env: {}, cwd: tmpdir() });
    await new Promise((resolve) => setImmediate(resolve));
    expect(code).toBe(0);
    expect(stdout.destroyed).toBe(true);
    expect(err.text()).toBe('');
    // Later writes (a run's live view, say) go nowhere, quietly; other stream errors still surface.
    expect(() => stdout.emit('error', epipe())).not.toThrow();
    expect(() => stdout.emit('error', Object.assign(new Error('EIO'), { code: 'EIO' }))).toThrow('EIO');
  });

  it('stderr too, for every command', async () => {
    const stderr = new Writable({ write: (_chunk, _encoding, callback) => callback(epipe()) });
    const code = await main(['node', 'pco', 'launch'], { stdout: capture().stream, stderr, env: {}, cwd: tmpdir() });
    await new Promise((resolve) => setImmediate(resolve));
    expect(code).toBe(2);
    expect(() => stderr.emit('error', epipe())).not.toThrow();
  });
});

describe('malformed configs: exit 2, every problem on stderr', () => {
  it.each(MALFORMED)('$name', async ({ text, env, format, expected }) => {
    const dir = await tempDir();
    const name = format === 'json' ? 'pco.json' : 'pco.yaml';
    await writeFile(path.join(dir, name), text);
    const result = await pco(['plan', '--config', name], { cwd: dir, env: env ?? {} });
    expect(result.code).toBe(2);
    expect(result.stdout).toBe('');
    const lines = expected.map((line) => line.replaceAll('pco.yaml', name));
    expect(result.stderr).toBe(`Invalid configuration in ${name} (${lines.length} problem${lines.length === 1 ? '' : 's'}):\n${lines.map((l) => `  - ${l}\n`).join('')}`);
  });

  it('a missing config file is a usage error naming the way out', async () => {
    const dir = await tempDir();
    const missing = await pco(['plan'], { cwd: dir });
    expect(missing).toMatchObject({ code: 2, stdout: '' });
    expect(missing.stderr).toBe('No config file found: pass --config FILE, set PCO_CONFIG, or create pco.yaml here with `pco init`.\n');
    const named = await pco(['run', '--config', 'nope.yaml'], { cwd: dir });
    expect(named.code).toBe(2);
    expect(named.stderr).toContain('does not exist (run `pco init` to create one)');
  });

  it('--concurrency is validated by the schema and named as the origin', async () => {
    const dir = await tempDir();
    await writeFile(path.join(dir, 'pco.yaml'), 'github:\n  token: abcd\n  repos: [octo/app]\n');
    const result = await pco(['plan', '--concurrency', '11'], { cwd: dir });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('agent.maxConcurrentAgents: expected an integer from 1 to 10, got 11 (--concurrency)');
  });
});

describe('init', () => {
  it('writes a commented, valid starter config and refuses to overwrite without --force', async () => {
    const dir = await tempDir();
    const first = await pco(['init', '--repo', 'octo/app', 'octo/lib'], { cwd: dir });
    expect(first.code).toBe(0);
    expect(first.stdout).toContain('Wrote pco.yaml');
    const text = await readFile(path.join(dir, 'pco.yaml'), 'utf8');
    expect(text).toContain('# pco configuration.');
    const parsed = parseConfigText(text, { env: { GITHUB_TOKEN: 'x', CODEGEN_TOKEN: 'y', CODEGEN_ORG_ID: '3' } });
    expect(parsed.ok && parsed.config.github.repos).toEqual(['octo/app', 'octo/lib']);
    const again = await pco(['init'], { cwd: dir });
    expect(again).toMatchObject({ code: 2, stderr: 'pco.yaml already exists; pass --force to overwrite it.\n' });
    expect((await pco(['init', '--force'], { cwd: dir })).code).toBe(0);
    expect((await pco(['init', 'other.yaml', '--repo', 'not a repo'], { cwd: dir })).code).toBe(2);
  });
});

describe('plan against the fake GitHub', () => {
  let github: FakeGitHub;
  let cycle: FakeGitHub;
  let dir: string;
  const env = { GH_TOKEN };

  beforeAll(async () => {
    github = await startFakeGitHub(sampleBacklogFixture(), { token: GH_TOKEN });
    cycle = await startFakeGitHub(cyclicBacklogFixture(), { token: GH_TOKEN });
    dir = await tempDir();
    await writeFile(
      path.join(dir, 'pco.yaml'),
      `github:\n  token: \${GH_TOKEN}\n  baseUrl: ${github.url}\n  repos: [acme/shop]\nagent:\n  maxConcurrentAgents: 3\n`,
    );
    await writeFile(path.join(dir, 'cyclic.yaml'), `github:\n  token: \${GH_TOKEN}\n  baseUrl: ${cycle.url}\n  repos: [acme/loop]\n`);
  });
  afterAll(async () => {
    await Promise.all([github.close(), cycle.close()]);
  });

  it('prints tasks, skips, warnings, the critical path and the bounds', async () => {
    const result = await pco(['plan'], { cwd: dir, env });
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('Plan: 23 tasks — 20 runnable, 3 skipped, 0 blocked');
    expect(result.stdout).toContain(
      'Critical path (7 tasks, length 7): acme/shop#1 → acme/shop#2 → acme/shop#3 → acme/shop#4 → acme/shop#21 → acme/shop#22 → acme/shop#23',
    );
    expect(result.stdout).toContain('Total work 20 · lower bound 7 · simulated makespan 7 with 3 agents');
    expect(result.stdout).toMatch(/↷ acme\/shop#15 {2}acme\/shop#15 was opened by mallory \(FIRST_TIME_CONTRIBUTOR\)/);
    expect(result.stdout).toContain('! acme/shop#14: dependency phrase without a resolvable reference');
    expect(result.stdout + result.stderr).not.toContain(GH_TOKEN);
    // Read only: a plan writes nothing back.
    expect(github.requests.filter((r) => r.method !== 'GET' && !(r.route === 'POST /graphql' && !String(r.operation).startsWith('mutation')))).toEqual([]);
  });

  it('--format json is one parseable document; --concurrency changes the simulation', async () => {
    const result = await pco(['plan', '--format', 'json', '--concurrency', '1'], { cwd: dir, env });
    expect(result.code).toBe(0);
    const plan = JSON.parse(result.stdout) as { ok: boolean; workers: number; criticalPath: { ids: string[]; length: number }; lowerBound: number; simulatedMakespan: number; tasks: { id: string; status: string }[] };
    expect(plan.ok).toBe(true);
    expect(plan.workers).toBe(1);
    expect(plan.criticalPath.ids).toEqual(['acme/shop#1', 'acme/shop#2', 'acme/shop#3', 'acme/shop#4', 'acme/shop#21', 'acme/shop#22', 'acme/shop#23']);
    expect(plan.lowerBound).toBe(20);
    expect(plan.simulatedMakespan).toBe(20);
    expect(plan.tasks.filter((t) => t.status === 'skipped').map((t) => t.id)).toEqual(['acme/shop#15', 'acme/shop#17', 'acme/shop#24']);
  });

  it('--format mermaid and dot', async () => {
    const mermaid = await pco(['plan', '-f', 'mermaid'], { cwd: dir, env });
    expect(mermaid.code).toBe(0);
    expect(mermaid.stdout.startsWith('flowchart LR\n')).toBe(true);
    expect(mermaid.stdout).toContain('acme/shop#23: API reference docs');
    const dot = await pco(['plan', '-f', 'dot'], { cwd: dir, env });
    expect(dot.code).toBe(0);
    expect(dot.stdout).toMatch(/^digraph/);
  });

  it('a cyclic backlog exits 2 and names the cycle; dependents of the cycle are not planned', async () => {
    const result = await pco(['plan', '--config', 'cyclic.yaml'], { cwd: dir, env });
    expect(result.code).toBe(2);
    expect(result.stdout).toContain('Dependency cycles (1): nothing can run until they are broken');
    expect(result.stdout).toMatch(/↻ acme\/loop#(\d) → acme\/loop#\d → acme\/loop#\d → acme\/loop#\1/);
    const cyclePath = /↻ (.*)/.exec(result.stdout)![1]!.split(' → ');
    expect(new Set(cyclePath)).toEqual(new Set(['acme/loop#1', 'acme/loop#2', 'acme/loop#3']));
    expect(result.stdout).not.toContain('Critical path');
    expect(result.stderr).toContain('The plan cannot run: 1 dependency cycle.');
    const json = await pco(['plan', '--config', 'cyclic.yaml', '--format', 'json'], { cwd: dir, env });
    expect(json.code).toBe(2);
    expect((JSON.parse(json.stdout) as { cycles: string[][] }).cycles).toHaveLength(1);
  });

  it('run --dry-run prints the plan and needs no Codegen credentials', async () => {
    const result = await pco(['run', '--dry-run'], { cwd: dir, env });
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('Critical path (7 tasks, length 7)');
  });

  it('run without Codegen credentials is a config error naming both keys', async () => {
    const result = await pco(['run'], { cwd: dir, env });
    expect(result.code).toBe(2);
    expect(result.stderr).toBe(
      [
        'Invalid configuration in pco.yaml (2 problems):',
        '  - codegen.orgId: expected an organization id (integer ≥ 1), got nothing (pco run needs it to start agents)',
        '  - codegen.token: expected a Codegen API token (non-empty string), got nothing (pco run needs it to start agents)',
        '',
      ].join('\n'),
    );
  });

  it('--debug prints the effective config with secrets redacted', async () => {
    const result = await pco(['plan', '--debug'], { cwd: dir, env });
    expect(result.code).toBe(0);
    expect(result.stderr).toContain('# effective configuration (pco.yaml), secrets redacted');
    expect(result.stderr).toContain('token: "[REDACTED]"');
    expect(result.stderr).toContain('maxConcurrentAgents: 3');
    expect(result.stdout + result.stderr).not.toContain(GH_TOKEN);
  });

  it('a token GitHub refuses exits 2 without printing it', async () => {
    const result = await pco(['plan'], { cwd: dir, env: { GH_TOKEN: 'ghp_wrongTokenValue0123456789abcdefgh' } });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('Check github.token (GITHUB_TOKEN): GitHub does not accept it');
    expect(result.stdout + result.stderr).not.toContain('ghp_wrongTokenValue0123456789abcdefgh');
  });

  it('a journal written for another configuration is refused with exit 2 before anything runs', async () => {
    const other = await FileJournal.open({ path: path.join(dir, 'other/journal.jsonl'), fingerprint: 'another-config', sync: false });
    await other.close();
    await writeFile(
      path.join(dir, 'journal.yaml'),
      `github:\n  token: \${GH_TOKEN}\n  baseUrl: ${github.url}\n  repos: [acme/shop]\ncodegen:\n  orgId: 1\n  token: cg-token-1234\njournal:\n  path: other/journal.jsonl\n`,
    );
    const before = github.requests.length;
    const result = await pco(['run', '--config', 'journal.yaml'], { cwd: dir, env });
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/^✖ .*journal/i);
    expect(github.requests.length).toBe(before);
  });
});
