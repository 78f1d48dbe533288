import { createGitHubClient } from '@pco/github-source';
import { describe, expect, it } from 'vitest';
import { parseConfig, type PcoConfig } from '../config/index.js';
import type { CliContext } from './context.js';
import { createLander, landingOptions } from './landing-pipeline.js';
import { reporterOptions } from './pipeline.js';
import { gitHubNeeds } from './preflight.js';
import { orchestratorOptions, outputMode } from './run-command.js';

function config(extra: Record<string, unknown> = {}): PcoConfig {
  const result = parseConfig({ github: { token: 'x', repos: ['octo/app'] }, ...extra }, { env: {} });
  if (!result.ok) throw new Error(JSON.stringify(result.issues));
  return result.config;
}

const client = createGitHubClient({ token: 'x', baseUrl: 'http://127.0.0.1:9' });

describe('config → parts', () => {
  it('maps automation to the reporter: task states, labels, comments, merge, branches', () => {
    const options = reporterOptions(
      config({
        automation: {
          statusLabelPrefix: 'pco/',
          postComments: false,
          projectStatus: { queued: null, failed: 'Blocked', needsInput: 'Waiting' },
          autoMerge: true,
          mergeMethod: 'rebase',
          branchPerTask: true,
          branchPrefix: 'agent/',
        },
        landing: { enabled: false },
      }),
      client,
    );
    expect(options).toMatchObject({
      statusLabels: { prefix: 'pco/' },
      commentStates: [],
      projectStatus: { pending: null, ready: null, running: 'In Progress', retrying: 'In Progress', done: 'Done', failed: 'Blocked', 'needs-input': 'Waiting' },
      autoMerge: { method: 'rebase', mode: 'auto' },
      branches: { prefix: 'agent/' },
    });
    expect(options.projectStatus).not.toHaveProperty('skipped');
    const defaults = reporterOptions(config(), client);
    expect(defaults).toMatchObject({ statusLabels: { prefix: 'status:' }, autoMerge: false, branches: false });
    expect(defaults).not.toHaveProperty('commentStates');
  });

  it('maps landing to the lander and the orchestrator, and asks push access of the token unless nothing merges', () => {
    const writes = { issues: true, contents: false, board: false };
    const on = config({});
    const lander = createLander(on, client);
    expect(landingOptions(on, lander)).toEqual({ landing: { lander, dependentsStartWhen: 'merged' } });
    expect(gitHubNeeds(on, writes).writeContents).toBe(true);
    const humans = config({ landing: { merge: 'none', dependentsStartWhen: 'pr-opened' } });
    expect(landingOptions(humans, createLander(humans, client)).landing?.dependentsStartWhen).toBe('pr-opened');
    expect(gitHubNeeds(humans, writes).writeContents).toBe(false);
    const off = config({ landing: { enabled: false } });
    expect(createLander(off, client)).toBeUndefined();
    expect(landingOptions(off, undefined)).toEqual({});
    expect(gitHubNeeds(off, writes).writeContents).toBe(false);
  });

  it('maps agent settings to the orchestrator (retries are attempts after the first)', () => {
    expect(orchestratorOptions(config({ agent: { maxConcurrentAgents: 4, retryAttempts: 0, retryDelaySeconds: 5, taskTimeoutSeconds: 120 } }))).toEqual({
      concurrency: 4,
      retry: { attempts: 1, baseDelayMs: 5000 },
      timeoutMs: 120_000,
      // Codegen's create limit, for the ETA.
      startRate: { limit: 10, windowMs: 60_000 },
    });
  });

  it('picks the output: --json or format json → JSON lines; auto → live on a TTY only; pretty without a TTY → plain lines', () => {
    const ctx = (isTTY: boolean, env: Record<string, string> = {}): CliContext => ({ stdout: { write: () => true, isTTY }, stderr: { write: () => true }, env, cwd: '/' });
    expect(outputMode(ctx(true), config(), {})).toBe('live');
    expect(outputMode(ctx(false), config(), {})).toBe('json');
    expect(outputMode(ctx(true), config(), { json: true })).toBe('json');
    expect(outputMode(ctx(true, { TERM: 'dumb' }), config(), {})).toBe('json');
    expect(outputMode(ctx(true), config({ logging: { format: 'json' } }), {})).toBe('json');
    expect(outputMode(ctx(false), config({ logging: { format: 'pretty' } }), {})).toBe('lines');
  });
});
