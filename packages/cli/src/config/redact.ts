/**
 * Secret redaction. Tokens never appear in output: the config's secret fields are replaced in
 * anything printed (`--debug`), and a redactor scrubs their values (and anything shaped like a
 * GitHub token or a bearer credential) out of free text such as error messages and log lines.
 */
import type { GenericSchema } from 'valibot';
import { PcoConfigSchema, type FieldInfo } from './schema.js';
import { entriesOf, unwrap } from './schema-walk.js';

/** What replaces a secret. */
export const REDACTED = '[redacted]';

/** Paths of the secret fields, e.g. `['github', 'token']`, read from the schema. */
export function secretPaths(root: GenericSchema = PcoConfigSchema): string[][] {
  const found: string[][] = [];
  const walk = (schema: GenericSchema | ReturnType<typeof unwrap>['schema'], path: string[]) => {
    const { schema: inner, info } = unwrap(schema);
    if ((info as FieldInfo | undefined)?.secret) found.push(path);
    for (const [key, child] of entriesOf(inner)) walk(child, [...path, key]);
  };
  walk(root, []);
  return found;
}

/** True when `path` (dotted or segments) names a secret field. Array indices are ignored. */
export function isSecretPath(path: readonly (string | number)[]): boolean {
  const keys = path.filter((segment) => typeof segment === 'string' && !/^\d+$/.test(segment));
  return secretPaths().some((secret) => secret.length === keys.length && secret.every((key, i) => key === keys[i]));
}

function getIn(value: unknown, path: readonly string[]): unknown {
  let current = value;
  for (const key of path) {
    if (current === null || typeof current !== 'object') return undefined;
    current = (current as Record<string, unknown>)[key];
  }
  return current;
}

/** The secret values set in a (parsed or raw) config: what a redactor must scrub. */
export function secretValues(config: unknown): string[] {
  return secretPaths()
    .map((path) => getIn(config, path))
    .filter((value): value is string => typeof value === 'string' && value.trim() !== '');
}

/** A deep copy of `config` with every secret field replaced by {@link REDACTED}. */
export function redactConfig<T>(config: T): T {
  const copy = structuredClone(config) as unknown;
  for (const path of secretPaths()) {
    const parent = getIn(copy, path.slice(0, -1));
    const key = path[path.length - 1]!;
    if (parent && typeof parent === 'object' && (parent as Record<string, unknown>)[key] !== undefined) {
      (parent as Record<string, unknown>)[key] = REDACTED;
    }
  }
  return copy as T;
}

// Token shapes worth scrubbing even when pco did not load them itself.
// https://github.blog/engineering/platform-security/behind-githubs-new-authentication-token-formats/
const TOKEN_SHAPES = [
  /\bgh[pousr]_[A-Za-z0-9]{20,}\b/g,
  /\bgithub_pat_[A-Za-z0-9_]{20,}\b/g,
  /(\bBearer\s+)[A-Za-z0-9._~+/=-]{8,}/gi,
];

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** A function that removes the given secrets (and token-shaped strings) from text. */
export type Redactor = (text: string) => string;

/**
 * Builds a {@link Redactor} for `secrets`. Secrets shorter than 4 characters are ignored: they
 * would mangle ordinary text and cannot be real tokens.
 */
export function createRedactor(secrets: Iterable<string>): Redactor {
  const literal = [...new Set([...secrets].filter((secret) => secret.length >= 4))]
    .sort((a, b) => b.length - a.length)
    .map(escapeRegExp);
  const pattern = literal.length > 0 ? new RegExp(literal.join('|'), 'g') : undefined;
  return (text) => {
    let out = pattern ? text.replace(pattern, REDACTED) : text;
    for (const shape of TOKEN_SHAPES) {
      out = out.replace(shape, (match, prefix?: string) =>
        typeof prefix === 'string' && /^Bearer/i.test(prefix) ? `${prefix}${REDACTED}` : REDACTED,
      );
    }
    return out;
  };
}
