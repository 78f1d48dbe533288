/**
 * The config's secrets: which fields they are (from the schema), their values (what the one
 * redactor of @pco/contract must scrub), and a copy of a config with them replaced (`--debug`).
 */
import { REDACTED } from '@pco/contract';
import type { GenericSchema } from 'valibot';
import { PcoConfigSchema, type FieldInfo } from './schema.js';
import { entriesOf, unwrap } from './schema-walk.js';

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
