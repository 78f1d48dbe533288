/**
 * A wrong or weak credential writes nothing (issue 13, point 2). `pco run` in-process against
 * the fake GitHub and the fake Codegen over HTTP:
 * - refused before anything is written (preflight): wrong Codegen token, wrong organization,
 *   wrong GitHub token, a read-only GitHub user, a classic token without the repo scope;
 * - refused in the middle of a run (a fine-grained token that may not write issues; a Codegen
 *   token revoked while agents run): dispatch stops, nothing is marked failed or skipped;
 * every one exits 2 and names the setting to fix.
 */
import { existsSync } from 'node:fs';
import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { startFakeCodegen, startFakeGitHub, type FakeCodegen, type FakeGitHub } from '@pco/testkit';
import type { FakeGitHubToken } from '@pco/testkit/github';
import { afterEach, describe, expect, it } from 'vitest';
import { runPcoInProcess, twoChainsBacklog, writeFakesConfig } from './in-process-cli.js';

const GH = 'ghp_credentialsTestToken0123456789abcdef';
const CG = 'cg-credentials-test-token-0123456789';
const ORG = 7;

const BACKLOG = twoChainsBacklog({
  viewer: 'octo',
  // Finished by an earlier run: its result must survive whatever this run does.
  issue4: { number: 4, title: 'Add a logo', body: 'Depends on #1', labels: ['agent', 'status:done'] },
});

let fakes: { github: FakeGitHub; codegen: FakeCodegen } | undefined;
afterEach(async () => {
  await Promise.all([fakes?.github.close(), fakes?.codegen.close()]);
  fakes = undefined;
});

async function start(githubToken: FakeGitHubToken = { type: 'classic', scopes: ['repo'] }, codegenTimeScale = 0.0005) {
  const github = await startFakeGitHub(BACKLOG, { tokens: { [GH]: githubToken } });
  const codegen = await startFakeCodegen({ tokens: [CG], orgId: ORG, repos: [{ id: 9, fullName: 'acme/web' }], timeScale: codegenTimeScale });
  fakes = { github, codegen };
  return fakes;
}

async function run(env: { GH: string; CG: string; ORG?: string }) {
  const { github, codegen } = fakes!;
  const dir = await mkdtemp(path.join(tmpdir(), 'pco-credentials-'));
  await writeFakesConfig(dir, { githubUrl: github.url, codegenUrl: codegen.url, repos: ['acme/web'], orgId: '${ORG}', githubToken: '${GH}', codegenToken: '${CG}', more: ['agent:', '  retryDelaySeconds: 0'] });
  const result = await runPcoInProcess(['run', '--json'], { cwd: dir, env: { ORG: String(ORG), ...env } });
  return { ...result, dir };
}

/** Writes the fake GitHub accepted (refused ones changed nothing). */
function acceptedWrites(github: FakeGitHub): string[] {
  return github.requests
    .filter((r) => r.status < 400 && (r.method !== 'GET' && r.route !== 'POST /graphql' ? true : r.operation?.startsWith('mutation') === true))
    .map((r) => `${r.method} ${r.path} ${r.operation ?? ''}`.trim());
}

describe('refused before anything is written', () => {
  it('a wrong Codegen token: exit 2 naming codegen.token, 0 GitHub writes, no agent run', async () => {
    const { github, codegen } = await start();
    const result = await run({ GH, CG: 'cg-wrong-token-0123456789abcdef' });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('codegen.token: Codegen refused the token (401)');
    expect(result.stderr).toContain('CODEGEN_TOKEN');
    expect(acceptedWrites(github)).toEqual([]);
    expect(codegen.created).toHaveLength(0);
    expect(github.issue('acme/web#4').labels).toEqual(['agent', 'status:done']);
    expect(result.stdout + result.stderr).not.toContain('cg-wrong-token');
    // Nothing left behind for a "resume": no journal, no budget file.
    expect(existsSync(path.join(result.dir, '.pco/journal.jsonl'))).toBe(false);
    expect(existsSync(path.join(result.dir, '.pco/journal.jsonl.budget.json'))).toBe(false);
  });

  it('an organization the token does not belong to: exit 2 naming codegen.orgId', async () => {
    const { github } = await start();
    const result = await run({ GH, CG, ORG: '8' });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('codegen.orgId: The token has no access to Codegen organization 8 (403)');
    expect(acceptedWrites(github)).toEqual([]);
  });

  it('a wrong GitHub token: exit 2 naming github.token, 0 writes', async () => {
    const { github, codegen } = await start();
    const result = await run({ GH: 'ghp_wrongTokenWrongToken0123456789abcd', CG });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('github.token: GitHub refused the token (401');
    expect(acceptedWrites(github)).toEqual([]);
    expect(codegen.created).toHaveLength(0);
  });

  it('a user with read access only: exit 2 naming the repository and the way out', async () => {
    const { github } = await start({ type: 'classic', scopes: ['repo'], repoRoles: { '*': 'read' } });
    const result = await run({ GH, CG });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('acme/web: octo may only read acme/web; status labels and comments need triage access or more.');
    expect(acceptedWrites(github)).toEqual([]);
  });

  it('a classic token without the repo scope: exit 2 naming the scope to add', async () => {
    const { github } = await start({ type: 'classic', scopes: ['read:org'] });
    const result = await run({ GH, CG });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('Add the public_repo (or repo) scope to the token.');
    expect(acceptedWrites(github)).toEqual([]);
  });
});

describe('refused in the middle of a run', () => {
  it('a fine-grained token that may not write issues: the first refused write stops the run; exit 2, nothing written, nothing failed', async () => {
    const { github, codegen } = await start({ type: 'fine-grained', permissions: { issues: 'read' } });
    const result = await run({ GH, CG });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('Check github.token (GITHUB_TOKEN): it lacks a permission');
    expect(acceptedWrites(github)).toEqual([]);
    const summary = JSON.parse(await readFile(path.join(result.dir, '.pco/results.json'), 'utf8')) as { counts: { failed: number; skipped: number }; halted?: { service: string } };
    expect(summary.halted?.service).toBe('github');
    expect(summary.counts.failed + summary.counts.skipped).toBe(0);
    // At most the agents already asked for before the refusal; never a dependent.
    expect(codegen.created.map((r) => r.metadata?.pco_task_id)).not.toContain('acme/web#2');
  });

  it('a Codegen token refused while agents run: running tasks detached, nothing failed or skipped on GitHub, exit 2', async () => {
    // Slow agents (minutes at 1/2000), so the refusal comes while #1 and #3 run.
    const { github, codegen } = await start(undefined, 0.0005);
    codegen.injectFault({ operation: 'getRun', type: 'error', status: 401, count: 1000 });
    const result = await run({ GH, CG });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('Check codegen.token (CODEGEN_TOKEN)');
    const summary = JSON.parse(await readFile(path.join(result.dir, '.pco/results.json'), 'utf8')) as { counts: { failed: number; skipped: number }; halted?: { service: string }; stopped?: string };
    expect(summary).toMatchObject({ halted: { service: 'codegen' }, stopped: 'detach' });
    expect(summary.counts.failed + summary.counts.skipped).toBe(0);
    for (const ref of ['acme/web#1', 'acme/web#2', 'acme/web#3']) {
      const issue = github.issue(ref);
      expect(issue.labels.filter((l) => /status:(failed|skipped)/.test(l)), ref).toEqual([]);
      expect(issue.comments.filter((c) => /failed|skipped/i.test(c.body)), ref).toEqual([]);
    }
    // The issue an earlier run finished keeps its label and gets no comment.
    expect(github.issue('acme/web#4').labels).toEqual(['agent', 'status:done']);
    expect(github.issue('acme/web#4').comments).toEqual([]);
  });
});
