/**
 * Loading a configuration: find the file, read it, parse it (parse-text.ts), validate it
 * (validate.ts). Every problem with the content is returned together as `{ ok: false, issues }`.
 */
import { readFile, stat } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { ConfigFileError } from './errors.js';
import type { ConfigOverride } from './env-overrides.js';
import type { ConfigResult } from './issues.js';
import { parseText } from './parse-text.js';
import type { PcoConfig } from './schema.js';
import { CONFIG_SECTIONS, type ConfigSection } from './sections.js';
import { validateConfig, type SourceMap } from './validate.js';

/** Options of {@link loadConfig} and {@link parseConfigText}. */
export interface LoadConfigOptions {
  /**
   * Config file (`.yaml`, `.yml` or `.json`). Omit it to validate `text`, or an empty config
   * built only from overrides.
   */
  readonly path?: string;
  /** Config text to parse instead of reading `path`. */
  readonly text?: string;
  /**
   * Syntax of `text`. Defaults from the file extension, else `yaml` (which also reads JSON).
   * @default 'yaml'
   */
  readonly format?: 'yaml' | 'json';
  /**
   * Environment for `${VAR}` and `PCO_*` overrides. Pass `{}` to ignore the environment.
   * @default process.env
   */
  readonly env?: Readonly<Record<string, string | undefined>>;
  /** Overrides applied after the environment's, e.g. from CLI flags. */
  readonly overrides?: readonly ConfigOverride[];
  /**
   * The sections the caller reads. `${VAR}` references and `PCO_*` overrides are resolved only
   * there: elsewhere a value holding a reference is left out (the field takes its default, an
   * unset variable is not an error) and overrides are ignored. Everything else in the file (keys,
   * literal values, reference syntax) is validated in every section.
   * @default CONFIG_SECTIONS (all)
   */
  readonly sections?: readonly ConfigSection[];
  /**
   * Folder relative `journal.*` paths are resolved against.
   * @default the config file's folder, else process.cwd()
   */
  readonly baseDir?: string;
  /**
   * How the file is named in messages.
   * @default `path` relative to process.cwd()
   */
  readonly displayName?: string;
}

/** The files {@link findConfigFile} looks for, in order. */
export const CONFIG_FILE_NAMES = ['pco.yaml', 'pco.yml', 'pco.json', '.pco.yaml', '.pco.yml', '.pco.json'] as const;

/**
 * The config file to use: `explicit` when given, else `$PCO_CONFIG`, else the first of
 * {@link CONFIG_FILE_NAMES} in `cwd`; undefined when there is none.
 */
export function findConfigFile(
  explicit: string | undefined,
  cwd: string = process.cwd(),
  env: Readonly<Record<string, string | undefined>> = process.env,
): string | undefined {
  if (explicit) return path.resolve(cwd, explicit);
  if (env.PCO_CONFIG) return path.resolve(cwd, env.PCO_CONFIG);
  for (const name of CONFIG_FILE_NAMES) {
    const candidate = path.join(cwd, name);
    if (existsSync(candidate)) return candidate;
  }
  return undefined;
}

/**
 * Reads and validates a config file. Throws {@link ConfigFileError} only when the file cannot be
 * read; everything about its content is returned as `{ ok: false, issues }`.
 */
export async function loadConfig(options: LoadConfigOptions = {}): Promise<ConfigResult<PcoConfig>> {
  let text = options.text;
  if (text === undefined && options.path !== undefined) {
    const file = path.resolve(options.path);
    try {
      const info = await stat(file);
      if (!info.isFile()) {
        throw new ConfigFileError('CONFIG_UNREADABLE', `Config file ${options.path} is not a file`, {
          context: { path: file },
        });
      }
      text = await readFile(file, 'utf8');
    } catch (error) {
      if (error instanceof ConfigFileError) throw error;
      const code = (error as NodeJS.ErrnoException).code;
      if (code === 'ENOENT') {
        throw new ConfigFileError('CONFIG_NOT_FOUND', `Config file ${options.path} does not exist (run \`pco init\` to create one)`, {
          cause: error,
          context: { path: file },
        });
      }
      throw new ConfigFileError('CONFIG_UNREADABLE', `Cannot read config file ${options.path}: ${(error as Error).message}`, {
        cause: error,
        context: { path: file },
      });
    }
  }
  return parseConfigText(text ?? '', options);
}

function displayNameOf(options: LoadConfigOptions): string {
  if (options.displayName) return options.displayName;
  if (!options.path) return 'config';
  const relative = path.relative(process.cwd(), path.resolve(options.path));
  return relative && !relative.startsWith('..') && !path.isAbsolute(relative) ? relative : path.resolve(options.path);
}

function validateOptions(options: Omit<LoadConfigOptions, 'text' | 'format'>) {
  return {
    env: options.env ?? process.env,
    overrides: options.overrides ?? [],
    sections: options.sections ?? CONFIG_SECTIONS,
    baseDir: options.baseDir ?? (options.path ? path.dirname(path.resolve(options.path)) : process.cwd()),
  };
}

/** Validates config text (YAML or JSON); see {@link loadConfig}. Never throws on bad content. */
export function parseConfigText(text: string, options: LoadConfigOptions = {}): ConfigResult<PcoConfig> {
  const name = displayNameOf(options);
  const format = options.format ?? (options.path && /\.json$/i.test(options.path) ? 'json' : 'yaml');
  const parsed = parseText(text, format, name);
  if (!parsed.ok) return parsed;
  const source: SourceMap = { doc: parsed.doc, lineCounter: parsed.lineCounter, name };
  return validateConfig(parsed.raw, validateOptions(options), source);
}

/**
 * Validates an already parsed config object (e.g. built in code) with the same rules, `${VAR}`
 * interpolation and overrides as a file.
 */
export function parseConfig(input: unknown, options: Omit<LoadConfigOptions, 'text' | 'format'> = {}): ConfigResult<PcoConfig> {
  return validateConfig(input, validateOptions(options), { name: options.displayName ?? 'config' });
}
