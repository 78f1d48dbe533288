/**
 * Validating parsed config data: `${VAR}` interpolation → `PCO_*` environment overrides →
 * explicit overrides (CLI flags) → unknown-key check → schema validation with defaults →
 * cross-field rules → relative paths resolved. Every problem found along the way is returned
 * together, each with its path, what was expected, what was found and where it came from.
 */
import path from 'node:path';
import * as v from 'valibot';
import type { Document, LineCounter } from 'yaml';
import { coerceOverride, coerceString, envOverrides, type ConfigOverride } from './env-overrides.js';
import { defineOwn, interpolate } from './interpolate.js';
import { describeReceived, type ConfigIssue, type ConfigResult } from './issues.js';
import { isSecretPath } from './redact.js';
import { crossFieldIssues, withOrigin } from './rules.js';
import { PcoConfigSchema, type FieldInfo, type PcoConfig } from './schema.js';
import { entryNames, isObjectSchema, schemaAt } from './schema-walk.js';
import { CONFIG_SECTIONS, type ConfigSection } from './sections.js';
import { suggest } from './suggest.js';

/** What {@link validateConfig} needs from the loader's options. */
export interface ValidateOptions {
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly overrides: readonly ConfigOverride[];
  readonly sections: readonly ConfigSection[];
  /** Folder relative `journal.*` paths are resolved against. */
  readonly baseDir: string;
}

/** Where the data came from, for `pco.yaml:7:24` origins. */
export interface SourceMap {
  readonly doc?: Document;
  readonly lineCounter?: LineCounter;
  readonly name: string;
}

type Path = readonly (string | number)[];
const join = (p: Path) => p.map(String).join('.');

/** The value at `p`, reading own properties only (never a prototype's). */
function getIn(value: unknown, p: Path): unknown {
  let current = value;
  for (const key of p) {
    if (current === null || typeof current !== 'object' || !Object.hasOwn(current, key)) return undefined;
    current = (current as Record<string, unknown>)[String(key)];
  }
  return current;
}

/** Sets `p` to `value`, creating objects on the way; own properties only, so no key reaches a prototype. */
function setIn(target: Record<string, unknown>, p: readonly string[], value: unknown): void {
  let current = target;
  p.forEach((key, index) => {
    if (index === p.length - 1) {
      defineOwn(current, key, value);
      return;
    }
    const next = Object.hasOwn(current, key) ? current[key] : undefined;
    if (next === null || typeof next !== 'object') defineOwn(current, key, {});
    current = current[key] as Record<string, unknown>;
  });
}

/** Validates parsed config data (see the module comment). Never throws on bad content. */
export function validateConfig(raw: unknown, options: ValidateOptions, source: SourceMap): ConfigResult<PcoConfig> {
  const { env } = options;
  const issues: ConfigIssue[] = [];
  const overrideOrigins = new Map<string, string>();
  // A section the command does not read is not resolved: its `${VAR}`s and PCO_* overrides are
  // left out, so `pco plan` works without the Codegen variables (keys outside the schema are
  // still resolved, and reported as unknown).
  const used = new Set<string>(options.sections);
  const resolved = (p: Path) => p.length === 0 || !(CONFIG_SECTIONS as readonly (string | number)[]).includes(p[0]!) || used.has(String(p[0]));

  const originOf = (p: Path): string | undefined => {
    for (let length = p.length; length > 0; length--) {
      const origin = overrideOrigins.get(join(p.slice(0, length)));
      if (origin) return origin;
    }
    // An unknown key that only an override created (PCO_CONSTRUCTOR__PROTOTYPE__X → constructor).
    for (const [dotted, origin] of overrideOrigins) if (dotted.startsWith(`${join(p)}.`)) return origin;
    if (!source.doc || !source.lineCounter) return undefined;
    const node = source.doc.getIn(p as (string | number)[], true) as { range?: [number, number, number] } | undefined;
    const offset = node && typeof node === 'object' && node.range ? node.range[0] : undefined;
    if (offset === undefined) return undefined;
    const pos = source.lineCounter.linePos(offset);
    return `${source.name}:${pos.line}:${pos.col}`;
  };

  // The file as a whole must be a mapping (an empty file is an empty mapping).
  const rootValue = raw ?? {};
  if (typeof rootValue !== 'object' || Array.isArray(rootValue)) {
    const expected = 'a mapping of sections (github, source, codegen, …)';
    const received = describeReceived(rootValue);
    return { ok: false, issues: [{ path: '', expected, received, message: `expected ${expected}, got ${received}`, origin: source.name }] };
  }

  // 1. ${VAR} interpolation.
  const interpolation = interpolate(rootValue, env, { resolve: resolved });
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

  // 2. PCO_* environment overrides (of the sections read), then explicit ones (flags): later wins.
  for (const override of [...envOverrides(env).filter((o) => resolved(o.path)), ...options.overrides]) {
    setIn(merged, override.path, coerceOverride(PcoConfigSchema, override));
    overrideOrigins.set(join(override.path), override.origin);
    for (const dotted of [...badPaths]) if (dotted === join(override.path) || dotted.startsWith(`${join(override.path)}.`)) badPaths.delete(dotted);
  }
  // An override fixes an interpolation problem at the same path.
  for (let i = issues.length - 1; i >= 0; i--) {
    if (!badPaths.has(issues[i]!.path)) issues.splice(i, 1);
  }

  // 3. Unknown keys (the schema strips them silently otherwise; a typo must not pass). Own keys
  // only, `__proto__`, `constructor` and `prototype` included: they are unknown like any other.
  const unknown = (value: unknown, p: string[]) => {
    if (value === null || typeof value !== 'object' || Array.isArray(value)) return;
    const node = schemaAt(PcoConfigSchema, p);
    if (!node || !isObjectSchema(node.schema)) return;
    const known = entryNames(node.schema);
    for (const key of Object.keys(value)) {
      if (known.includes(key)) {
        unknown((value as Record<string, unknown>)[key], [...p, key]);
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
        message: suggestion ? `unknown key; did you mean "${suggestion}"?` : `unknown key; ${section} accepts ${known.join(', ')}`,
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
      const secret = isSecretPath(p) || ((schemaAt(PcoConfigSchema, p)?.info as FieldInfo | undefined)?.secret ?? false);
      const expected = schemaAt(PcoConfigSchema, p)?.info?.expected ?? 'a valid value';
      const received = describeReceived(getIn(merged, p), secret);
      issues.push({ path: dotted, expected, received, message: `expected ${expected}, got ${received}`, ...withOrigin(originOf(p)) });
    }
  }
  if (issues.length > 0 || !parsed.success) return { ok: false, issues };

  // 5. Rules that span fields.
  const config = parsed.output;
  issues.push(...crossFieldIssues(config, originOf));
  if (issues.length > 0) return { ok: false, issues };

  // 6. Relative paths are relative to the config file, not to wherever pco was started.
  return {
    ok: true,
    config: {
      ...config,
      journal: {
        ...config.journal,
        path: path.resolve(options.baseDir, config.journal.path),
        resultsDir: path.resolve(options.baseDir, config.journal.resultsDir),
      },
    },
  };
}
