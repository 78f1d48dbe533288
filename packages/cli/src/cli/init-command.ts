/** `pco init`: writes the commented starter config. */
import { mkdir, writeFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { renderStarterConfig } from '../config/index.js';
import { CliUsageError, colorsFor, EXIT, type CliContext } from './context.js';

export interface InitFlags {
  readonly repo?: readonly string[];
  readonly force?: boolean;
}

const REPO = /^[A-Za-z0-9-]+\/[A-Za-z0-9._-]+$/;

export async function initCommand(ctx: CliContext, file: string | undefined, flags: InitFlags): Promise<number> {
  const target = path.resolve(ctx.cwd, file ?? 'pco.yaml');
  const repos = flags.repo ?? [];
  const bad = repos.filter((repo) => !REPO.test(repo));
  if (bad.length > 0) throw new CliUsageError(`--repo expects owner/name, got ${bad.map((r) => JSON.stringify(r)).join(', ')}`);
  if (existsSync(target) && !flags.force) {
    throw new CliUsageError(`${path.relative(ctx.cwd, target) || target} already exists; pass --force to overwrite it.`);
  }
  await mkdir(path.dirname(target), { recursive: true });
  await writeFile(target, renderStarterConfig({ repos }), 'utf8');
  const c = colorsFor(ctx.stdout, ctx.env);
  const shown = path.relative(ctx.cwd, target) || target;
  ctx.stdout.write(
    [
      `${c.green('✔')} Wrote ${c.bold(shown)}`,
      '',
      'Next:',
      `  1. ${repos.length > 0 ? 'Check' : 'Set'} ${c.bold('github.repos')} in ${shown}`,
      `  2. export GITHUB_TOKEN=…`,
      `  3. ${c.bold(`pco plan --config ${shown}`)}   (see what would run)`,
      `  4. export CODEGEN_ORG_ID=…  CODEGEN_TOKEN=…   (codegen.com/token)`,
      `  5. ${c.bold(`pco run --config ${shown}`)}`,
      '',
    ].join('\n'),
  );
  return EXIT.ok;
}
