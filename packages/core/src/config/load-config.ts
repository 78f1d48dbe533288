/**
 * Loading a configuration: file (YAML or JSON) → `${VAR}` interpolation → `PCO_*` environment
 * overrides → explicit overrides (CLI flags) → unknown-key check → schema validation with
 * defaults → cross-field rules → relative paths resolved. Every problem found along the way is
 * returned together, each with its path, what was expected, what was found and where it came from.
 */
import { readFile, stat } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import path from 'node:path';
import * as v from 'valibot';
import { LineCounter, parseDocument, type Document } from 'yaml';
import { ConfigFileError } from './errors.js';
import { coerceOverride, coerceString, envOverrides, type ConfigOverride } from './env-overrides.js';
import { interpolate } from './interpolate.js';
import { describeReceived, type ConfigIssue, type ConfigResult } from './issues.js';
import { isSecretPath } from './redact.js';
import { PcoConfigSchema, PROMPT_PLACEHOLDERS, type PcoConfig, type FieldInfo } from './schema.js';
import { entryNames, isObjectSchema, schemaAt } from './schema-walk.js';

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

/** Validates config text (YAML or JSON); see {@link loadConfig}. Never throws on bad content. */
export function parseConfigText(text: string, options: LoadConfigOptions = {}): ConfigResult<PcoConfig> {
  const name = displayNameOf(options);
  const format = options.format ?? (options.path && /\.json$/i.test(options.path) ? 'json' : 'yaml');
  const lineCounter = new LineCounter();
  const issues: ConfigIssue[] = [];

  if (format === 'json' && text.trim() !== '') {
    try {
      JSON.parse(text);
    } catch (error) {
      return {
        ok: false,
        issues: [
          {
            path: '',
            expected: 'valid JSON',
            received: 'invalid JSON',
            message: `JSON syntax error: ${(error as Error).message}`,
            origin: name,
          },
        ],
      };
    }
  }

  const doc = parseDocument(text, { lineCounter, uniqueKeys: true, prettyErrors: true });
  if (doc.errors.length > 0) {
    for (const error of doc.errors) {
      const at = error.linePos?.[0];
      issues.push({
        path: '',
        expected: format === 'json' ? 'valid JSON' : 'valid YAML',
        received: 'a syntax error',
        message: `${format === 'json' ? 'JSON' : 'YAML'} syntax error: ${error.message.split('\n')[0]!.replace(/ at line \d+, column \d+:?$/, '')}`,
        origin: at ? `${name}:${at.line}:${at.col}` : name,
      });
    }
    return { ok: false, issues };
  }
  const raw: unknown = doc.toJS({ maxAliasCount: 100 });
  return validate(raw, options, { doc, lineCounter, name });
}

/**
 * Validates an already parsed config object (e.g. built in code) with the same rules, `${VAR}`
 * interpolation and overrides as a file.
 */
export function parseConfig(input: unknown, options: Omit<LoadConfigOptions, 'text' | 'format'> = {}): ConfigResult<PcoConfig> {
  return validate(input, options, { name: options.displayName ?? 'config' });
}

interface SourceMap {
  readonly doc?: Document;
  readonly lineCounter?: LineCounter;
  readonly name: string;
}

type Path = readonly (string | number)[];
const join = (p: Path) => p.map(String).join('.');

function getIn(value: unknown, p: Path): unknown {
  let current = value;
  for (const key of p) {
    if (current === null || typeof current !== 'object') return undefined;
    current = (current as Record<string, unknown>)[String(key)];
  }
  return current;
}

function setIn(target: Record<string, unknown>, p: readonly string[], value: unknown): void {
  let current = target;
  p.forEach((key, index) => {
    if (index === p.length - 1) {
      current[key] = value;
      return;
    }
    const next = current[key];
    if (next === null || typeof next !== 'object') current[key] = {};
    current = current[key] as Record<string, unknown>;
  });
}

function validate(raw: unknown, options: LoadConfigOptions, source: SourceMap): ConfigResult<PcoConfig> {
  const env = options.env ?? process.env;
  const issues: ConfigIssue[] = [];
  const overrideOrigins = new Map<string, string>();

  const originOf = (p: Path): string | undefined => {
    for (let length = p.length; length > 0; length--) {
      const origin = overrideOrigins.get(join(p.slice(0, length)));
      if (origin) return origin;
    }
    if (!source.doc || !source.lineCounter) return undefined;
    const node = source.doc.getIn(p as (string | number)[], true) as { range?: [number, number, number] } | undefined;
    const offset = node && typeof node === 'object' && node.range ? node.range[0] : undefined;
    if (offset === undefined) return undefined;
    const pos = source.lineCounter.linePos(offset);
    return `${source.name}:${pos.line}:${pos.col}`;
  };

  const expectedAt = (p: Path): string => {
    const info = schemaAt(PcoConfigSchema, p)?.info;
    return info?.expected ?? 'a valid value';
  };

  // The file as a whole must be a mapping (an empty file is an empty mapping).
  const rootValue = raw ?? {};
  if (typeof rootValue !== 'object' || Array.isArray(rootValue)) {
    return {
      ok: false,
      issues: [
        {
          path: '',
          expected: 'a mapping of sections (github, source, codegen, …)',
          received: describeReceived(rootValue),
          message: `expected a mapping of sections (github, source, codegen, …), got ${describeReceived(rootValue)}`,
          origin: source.name,
        },
      ],
    };
  }

  // 1. ${VAR} interpolation.
  const interpolation = interpolate(rootValue, env);
  const badPaths = new Set<string>();
  for (const problem of interpolation.problems) {
    badPaths.add(join(problem.path));
    issues.push({
      path: join(problem.path),
      expected: problem.expected,
      received: problem.received,
      message: problem.message,
      ...withOrigin(originOf(problem.path)),
    });
  }
  const merged = interpolation.value as Record<string, unknown>;
  // Interpolated strings are converted like environment values: `maxConcurrentAgents: ${N}`.
  for (const dotted of interpolation.interpolated) {
    if (badPaths.has(dotted)) continue;
    const p = dotted === '' ? [] : dotted.split('.');
    const value = getIn(merged, p);
    if (typeof value === 'string' && p.length > 0) {
      setIn(merged, p, coerceString(schemaAt(PcoConfigSchema, p)?.schema, value));
    }
  }

  // 2. PCO_* environment overrides, then explicit ones (flags): later wins.
  for (const override of [...envOverrides(env), ...(options.overrides ?? [])]) {
    setIn(merged, override.path, coerceOverride(PcoConfigSchema, override));
    overrideOrigins.set(join(override.path), override.origin);
    for (const dotted of [...badPaths]) if (dotted === join(override.path) || dotted.startsWith(`${join(override.path)}.`)) badPaths.delete(dotted);
  }
  // An override fixes an interpolation problem at the same path.
  for (let i = issues.length - 1; i >= 0; i--) {
    const issue = issues[i]!;
    if (!badPaths.has(issue.path)) issues.splice(i, 1);
  }

  // 3. Unknown keys (the schema strips them silently otherwise; a typo must not pass).
  const unknown = (value: unknown, p: string[]) => {
    if (value === null || typeof value !== 'object' || Array.isArray(value)) return;
    const node = schemaAt(PcoConfigSchema, p);
    if (!node || !isObjectSchema(node.schema)) return;
    const known = entryNames(node.schema);
    for (const [key, child] of Object.entries(value)) {
      if (known.includes(key)) {
        unknown(child, [...p, key]);
        continue;
      }
      const here = [...p, key];
      badPaths.add(join(here));
      const suggestion = suggest(key, known);
      const section = p.length === 0 ? 'the top level' : `"${join(p)}"`;
      issues.push({
        path: join(here),
        expected: `a key of ${section}: ${known.join(', ')}`,
        received: `unknown key "${key}"`,
        message: suggestion
          ? `unknown key; did you mean "${suggestion}"?`
          : `unknown key; ${section} accepts ${known.join(', ')}`,
        ...withOrigin(originOf(here)),
      });
    }
  };
  unknown(merged, []);

  // 4. The schema: types, ranges, defaults.
  const parsed = v.safeParse(PcoConfigSchema, merged, { abortEarly: false, abortPipeEarly: true });
  if (!parsed.success) {
    const seen = new Set<string>();
    for (const issue of parsed.issues) {
      const p: (string | number)[] = (issue.path ?? []).map((item) => (item as { key: string | number }).key);
      const dotted = join(p);
      if (seen.has(dotted) || [...badPaths].some((bad) => dotted === bad || dotted.startsWith(`${bad}.`))) continue;
      seen.add(dotted);
      const value = getIn(merged, p);
      const secret = isSecretPath(p) || ((schemaAt(PcoConfigSchema, p)?.info as FieldInfo | undefined)?.secret ?? false);
      const expected = expectedAt(p);
      const received = describeReceived(value, secret);
      issues.push({
        path: dotted,
        expected,
        received,
        message: `expected ${expected}, got ${received}`,
        ...withOrigin(originOf(p)),
      });
    }
  }
  if (issues.length > 0 || !parsed.success) return { ok: false, issues };

  // 5. Rules that span fields.
  const config = parsed.output;
  issues.push(...crossFieldIssues(config, originOf));
  if (issues.length > 0) return { ok: false, issues };

  // 6. Relative paths are relative to the config file, not to wherever pco was started.
  const baseDir = options.baseDir ?? (options.path ? path.dirname(path.resolve(options.path)) : process.cwd());
  const resolved: PcoConfig = {
    ...config,
    journal: {
      ...config.journal,
      path: path.resolve(baseDir, config.journal.path),
      resultsDir: path.resolve(baseDir, config.journal.resultsDir),
    },
  };
  return { ok: true, config: resolved };
}

function withOrigin(origin: string | undefined): { origin?: string } {
  return origin ? { origin } : {};
}

function crossFieldIssues(config: PcoConfig, originOf: (p: Path) => string | undefined): ConfigIssue[] {
  const issues: ConfigIssue[] = [];
  const { github, source } = config;
  if (source.type === 'issues' && github.repos.length === 0) {
    const expected = 'at least one repository as "owner/name" (source.type is "issues")';
    const received = describeReceived(github.repos.length === 0 ? undefined : github.repos);
    issues.push({
      path: 'github.repos',
      expected,
      received,
      message: `expected ${expected}, got ${received}`,
      ...withOrigin(originOf(['github', 'repos']) ?? originOf(['source', 'type'])),
    });
  }
  if (source.type === 'project' && !github.project) {
    const expected = 'the board to read, { owner, number } (source.type is "project")';
    issues.push({
      path: 'github.project',
      expected,
      received: 'nothing',
      message: `expected ${expected}, got nothing`,
      ...withOrigin(originOf(['source', 'type'])),
    });
  }
  const template = config.codegen.promptTemplate;
  if (template !== undefined) {
    const unknownNames = [...new Set([...template.matchAll(/\{\{\s*([^{}]*?)\s*\}\}/g)].map((m) => m[1] ?? ''))].filter(
      (name) => !(PROMPT_PLACEHOLDERS as readonly string[]).includes(name),
    );
    if (unknownNames.length > 0) {
      const expected = `placeholders among ${PROMPT_PLACEHOLDERS.map((p) => `{{${p}}}`).join(', ')}`;
      issues.push({
        path: 'codegen.promptTemplate',
        expected,
        received: unknownNames.map((name) => `{{${name}}}`).join(', '),
        message: `unknown placeholder${unknownNames.length === 1 ? '' : 's'} ${unknownNames.map((name) => `{{${name}}}`).join(', ')}; expected ${expected}`,
        ...withOrigin(originOf(['codegen', 'promptTemplate'])),
      });
    }
  }
  const seen = new Map<string, number>();
  github.repos.forEach((repo, index) => {
    const key = repo.toLowerCase();
    const first = seen.get(key);
    if (first !== undefined) {
      issues.push({
        path: `github.repos.${index}`,
        expected: 'each repository once',
        received: JSON.stringify(repo),
        message: `duplicate repository "${repo}" (already github.repos.${first})`,
        ...withOrigin(originOf(['github', 'repos', index])),
      });
    } else {
      seen.set(key, index);
    }
  });
  return issues;
}

/**
 * What `pco run` needs beyond a valid file: the Codegen credentials (`pco plan` works without
 * them). Returned in the same issue shape.
 */
export function runRequirementIssues(config: PcoConfig): ConfigIssue[] {
  const issues: ConfigIssue[] = [];
  for (const key of ['orgId', 'token'] as const) {
    if (config.codegen[key] === undefined) {
      const expected = schemaAt(PcoConfigSchema, ['codegen', key])?.info?.expected ?? 'a value';
      issues.push({
        path: `codegen.${key}`,
        expected,
        received: 'nothing',
        message: `expected ${expected}, got nothing (pco run needs it to start agents)`,
      });
    }
  }
  return issues;
}

/** The closest known key: same letters ignoring case and `_`/`-`, else edit distance ≤ 2 (≤ 3 for long keys). */
function suggest(key: string, known: readonly string[]): string | undefined {
  const normal = (text: string) => text.toLowerCase().replace(/[_-]/g, '');
  const exact = known.find((candidate) => normal(candidate) === normal(key));
  if (exact) return exact;
  // `maxAgents` → `maxConcurrentAgents`: every word of the key appears, in order, in one candidate.
  const words = (text: string) => text.replace(/([a-z0-9])([A-Z])/g, '$1 $2').toLowerCase().split(/[\s_-]+/).filter(Boolean);
  const keyWords = words(key);
  const containing = known.filter((candidate) => {
    const candidateWords = words(candidate);
    let at = 0;
    for (const word of candidateWords) if (word === keyWords[at]) at++;
    return keyWords.length > 1 && at === keyWords.length;
  });
  if (containing.length === 1) return containing[0];
  let best: string | undefined;
  let bestDistance = Number.POSITIVE_INFINITY;
  for (const candidate of known) {
    const distance = editDistance(normal(key), normal(candidate));
    if (distance < bestDistance) {
      bestDistance = distance;
      best = candidate;
    }
  }
  return bestDistance <= (key.length > 12 ? 3 : 2) ? best : undefined;
}

function editDistance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let previous = row[0]!;
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const current = row[j]!;
      row[j] = Math.min(row[j]! + 1, row[j - 1]! + 1, previous + (a[i - 1] === b[j - 1] ? 0 : 1));
      previous = current;
    }
  }
  return row[b.length]!;
}
