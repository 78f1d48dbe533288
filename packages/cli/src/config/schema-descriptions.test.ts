// The field descriptions are the user's documentation (docs/configuration.md is generated from
// them): each claim here is checked against what the code does.
import type { TaskState as GitHubTaskState } from '@pco/contract';
import { createGitHubClient } from '@pco/github-source';
import { describe, expect, it } from 'vitest';
import type { CliContext } from '../cli/context.js';
import { reporterOptions } from '../cli/pipeline.js';
import { outputMode } from '../cli/run-command.js';
import { parseConfig, type PcoConfig } from './index.js';
import { PcoConfigSchema } from './schema.js';
import { schemaAt } from './schema-walk.js';

function describeField(path: string): string {
  const info = schemaAt(PcoConfigSchema, path.split('.'))?.info;
  if (info === undefined) throw new Error(`no description at ${path}`);
  return info.description;
}

function config(extra: Record<string, unknown>): PcoConfig {
  const result = parseConfig({ github: { token: 'x', repos: ['octo/app'] }, ...extra }, { env: {} });
  if (!result.ok) throw new Error(JSON.stringify(result.issues));
  return result.config;
}

const ctx = (tty: boolean) => ({ stdout: { isTTY: tty, write: () => true }, env: {} }) as unknown as CliContext;

describe('config field descriptions', () => {
  it('retryAttempts and taskTimeoutSeconds agree: a task timeout is not retried', () => {
    const retry = describeField('agent.retryAttempts');
    const timeout = describeField('agent.taskTimeoutSeconds');
    expect(timeout).toMatch(/timeout is not retried/);
    // retryAttempts may name request timeouts (transient API errors) but must exclude task timeouts.
    expect(retry).not.toMatch(/\(network, 5xx, 429, timeouts\)/);
    expect(retry).toMatch(/taskTimeoutSeconds` are not retried/);
  });

  it('statusLabels lists every label the reporter sets, needs-input included', () => {
    const text = describeField('automation.statusLabels');
    const list = /`status:([a-z|-]+)`/.exec(text)?.[1]?.split('|');
    // GitHubReporter's default label names per state (interrupted: none).
    const labels = new Set<string>(['queued', 'running', 'done', 'failed', 'skipped', 'needs-input']);
    expect(new Set(list)).toEqual(labels);
  });

  it('projectStatus applies to issues too when github.project is set', () => {
    expect(describeField('automation.projectStatus')).toMatch(/github\.project/);
    const client = createGitHubClient({ token: 'x', baseUrl: 'http://127.0.0.1:9' });
    const options = reporterOptions(
      config({ github: { token: 'x', repos: ['octo/app'], project: { owner: 'octo', number: 3 } }, automation: { projectStatus: { failed: 'Blocked' } } }),
      client,
    );
    expect(options.project).toEqual({ owner: 'octo', number: 3 });
    expect((options.projectStatus as Partial<Record<GitHubTaskState, string | null>>).failed).toBe('Blocked');
  });

  it('logging.format pretty says what happens without a terminal', () => {
    expect(describeField('logging.format')).toMatch(/`pretty`: the live view on a terminal, plain text lines without one/);
    const pretty = config({ logging: { format: 'pretty' } });
    expect(outputMode(ctx(true), pretty, {})).toBe('live');
    expect(outputMode(ctx(false), pretty, {})).toBe('lines');
  });
});
