/**
 * examples/github-actions/pco.yml against the fakes: the config the workflow writes is valid,
 * and each `pco` command it runs works as written (pointed at the fake GitHub with a `PCO_*`
 * override, as a user could do with GitHub Enterprise).
 */
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { sampleBacklogFixture, startFakeGitHub } from '@pco/testkit';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { parseConfigText } from '../config/index.js';
import type { CliContext } from './context.js';
import { main } from './program.js';

const WORKFLOW = new URL('../../../../examples/github-actions/pco.yml', import.meta.url);

interface Step {
  readonly name?: string;
  readonly run?: string;
  readonly env?: Record<string, string>;
}

async function workflowSteps(): Promise<Step[]> {
  const workflow = parse(await readFile(WORKFLOW, 'utf8')) as { on: unknown; jobs: { pco: { steps: Step[] } } };
  expect(workflow.on).toHaveProperty('schedule');
  return workflow.jobs.pco.steps;
}

function configOf(steps: Step[]): string {
  const script = steps.find((step) => step.name === 'Write the config')?.run ?? '';
  const match = /<<'YAML'\n([\s\S]*?)\n\s*YAML\s*$/m.exec(script);
  expect(match, 'heredoc with the config').not.toBeNull();
  const lines = match![1]!.split('\n');
  const indent = Math.min(...lines.filter((l) => l.trim()).map((l) => l.length - l.trimStart().length));
  return lines.map((l) => l.slice(indent)).join('\n') + '\n';
}

describe('examples/github-actions/pco.yml', () => {
  const env = { GITHUB_TOKEN: 'ghs_actionsTokenForTheTest0123456789', GITHUB_REPOSITORY: 'acme/shop', CODEGEN_ORG_ID: '7', CODEGEN_TOKEN: 'cg-token-0000' };

  it('writes a valid config', async () => {
    const result = parseConfigText(configOf(await workflowSteps()), { env });
    expect(result.ok ? [] : result.issues).toEqual([]);
    expect(result.ok && result.config.github.repos).toEqual(['acme/shop']);
    expect(result.ok && result.config.github.filters.labels).toEqual(['agent']);
  });

  it('runs its pco commands as written (against the fake GitHub)', async () => {
    const steps = await workflowSteps();
    const dir = await mkdtemp(path.join(tmpdir(), 'pco-actions-'));
    await writeFile(path.join(dir, 'pco.yaml'), configOf(steps));
    const github = await startFakeGitHub(sampleBacklogFixture(), { token: env.GITHUB_TOKEN });
    try {
      const commands = steps.flatMap((step) => (step.run ?? '').split('\n').filter((line) => line.includes('npx --yes @pco/cli ')));
      expect(commands).toHaveLength(2);
      for (const command of commands) {
        const args = command.trim().split(/\s+/).slice(3);
        // The Run step executes for real in CI; here its flags are checked with --dry-run.
        const argv = args[0] === 'run' ? [...args, '--dry-run'] : args;
        let out = '';
        let err = '';
        const ctx: CliContext = {
          stdout: { write: (s: string) => ((out += s), true) },
          stderr: { write: (s: string) => ((err += s), true) },
          env: { ...env, PCO_GITHUB__BASE_URL: github.url },
          cwd: dir,
        };
        const code = await main(['node', 'pco', ...argv], ctx);
        expect({ command, code, err }).toMatchObject({ code: 0, err: '' });
        expect(out).toContain('Critical path (7 tasks, length 7)');
        expect(out + err).not.toContain(env.GITHUB_TOKEN);
      }
    } finally {
      await github.close();
    }
  });
});
