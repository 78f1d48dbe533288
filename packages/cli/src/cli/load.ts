/** Config loading for commands: finds the file, applies flag overrides, prints problems. */
import { stringify } from 'yaml';
import {
  CONFIG_SECTIONS,
  ConfigFileError,
  findConfigFile,
  formatConfigIssues,
  loadConfig,
  PLAN_SECTIONS,
  redactConfig,
  type ConfigIssue,
  type ConfigOverride,
  type ConfigSection,
  type PcoConfig,
} from '../config/index.js';
import { CliUsageError, colorsFor, type CliContext } from './context.js';
import path from 'node:path';

export interface ConfigFlags {
  readonly config?: string;
  readonly concurrency?: string;
  readonly debug?: boolean;
}

/**
 * What a command reads of the config: `plan` (also `run --dry-run`) the sections of
 * {@link PLAN_SECTIONS}, so `${CODEGEN_TOKEN}` need not be set for a plan; `all` every section.
 */
export type ConfigUse = 'plan' | 'all';

const SECTIONS: Readonly<Record<ConfigUse, readonly ConfigSection[]>> = { plan: PLAN_SECTIONS, all: CONFIG_SECTIONS };

/**
 * Loads the config named by the flags, resolving `${VAR}` and `PCO_*` only in the sections `use`
 * reads; throws {@link CliUsageError} with every problem listed.
 */
export async function loadCliConfig(
  ctx: CliContext,
  flags: ConfigFlags,
  use: ConfigUse = 'all',
): Promise<{ config: PcoConfig; file: string; display: string }> {
  const file = findConfigFile(flags.config, ctx.cwd, ctx.env);
  if (!file) {
    throw new CliUsageError(
      'No config file found: pass --config FILE, set PCO_CONFIG, or create pco.yaml here with `pco init`.',
    );
  }
  const overrides: ConfigOverride[] = [];
  if (flags.concurrency !== undefined) {
    overrides.push({ path: ['agent', 'maxConcurrentAgents'], value: flags.concurrency, origin: '--concurrency' });
  }
  const relative = path.relative(ctx.cwd, file);
  const display = relative && !relative.startsWith('..') ? relative : file;
  let result;
  try {
    result = await loadConfig({ path: file, env: ctx.env, overrides, displayName: display, sections: SECTIONS[use] });
  } catch (error) {
    if (error instanceof ConfigFileError) throw new CliUsageError(error.message, { cause: error });
    throw error;
  }
  if (!result.ok) throw new ConfigInvalidError(result.issues, display);
  if (flags.debug) {
    const c = colorsFor(ctx.stderr, ctx.env);
    ctx.stderr.write(`${c.dim(`# effective configuration (${display}), secrets redacted`)}\n${stringify(redactConfig(result.config))}\n`);
  }
  return { config: result.config, file, display };
}

/** Invalid configuration: exit 2 with every issue. */
export class ConfigInvalidError extends CliUsageError {
  readonly issues: readonly ConfigIssue[];
  constructor(issues: readonly ConfigIssue[], file?: string) {
    super(formatConfigIssues(issues, file), { context: { issues: issues.length } });
    this.issues = issues;
  }
}
