/**
 * A command resolves only the config sections it reads: `pco plan` with the `pco init` starter
 * config needs no Codegen variables; `pco run` still does. In-process `main()` against the fake
 * GitHub over HTTP.
 */
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { sampleBacklogFixture, startFakeGitHub, type FakeGitHub } from '@pco/testkit/github';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runPcoInProcess } from './in-process-cli.js';

const GH_TOKEN = 'ghp_sectionsTestToken0123456789abcdefgh';

const pco = (args: string[], cwd: string, env: Record<string, string>) => runPcoInProcess(args, { cwd, env });

describe('the starter config without CODEGEN_ORG_ID / CODEGEN_TOKEN', () => {
  let github: FakeGitHub;
  let dir: string;
  let env: Record<string, string>;

  beforeAll(async () => {
    github = await startFakeGitHub(sampleBacklogFixture(), { token: GH_TOKEN });
    dir = await mkdtemp(path.join(tmpdir(), 'pco-sections-'));
    // The starter has no github.baseUrl: the override points it at the fake.
    env = { GITHUB_TOKEN: GH_TOKEN, PCO_GITHUB__BASE_URL: github.url };
    expect((await pco(['init', '--repo', 'acme/shop'], dir, {})).code).toBe(0);
  });
  afterAll(async () => {
    await github.close();
  });

  it('pco plan and pco run --dry-run plan the backlog', async () => {
    for (const args of [['plan'], ['run', '--dry-run']]) {
      const result = await pco(args, dir, env);
      expect(result.stderr, args.join(' ')).not.toContain('CODEGEN');
      expect(result.code, args.join(' ')).toBe(0);
      expect(result.stdout).toContain('Plan: 23 tasks');
    }
  });

  it('pco run exits 2 naming both variables and their keys, before calling GitHub', async () => {
    const before = github.requests.length;
    const result = await pco(['run'], dir, env);
    expect(result.code).toBe(2);
    expect(result.stderr).toBe(
      [
        'Invalid configuration in pco.yaml (2 problems):',
        '  - codegen.orgId: environment variable CODEGEN_ORG_ID is not set (referenced as ${CODEGEN_ORG_ID}) (pco.yaml:39:10)',
        '  - codegen.token: environment variable CODEGEN_TOKEN is not set (referenced as ${CODEGEN_TOKEN}) (pco.yaml:40:10)',
        '',
      ].join('\n'),
    );
    expect(github.requests.length).toBe(before);
  });

  it('pco plan still needs the variables of the sections it reads', async () => {
    const result = await pco(['plan'], dir, { PCO_GITHUB__BASE_URL: github.url });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('github.token: environment variable GITHUB_TOKEN is not set (referenced as ${GITHUB_TOKEN}) (pco.yaml:11:10)');
  });
});
