/**
 * `PCO_*` environment overrides.
 *
 * Mapping: strip `PCO_`, split on a double underscore `__` (one segment per nesting level), and
 * turn each SNAKE_CASE segment into a camelCase key:
 *
 *     PCO_AGENT__MAX_CONCURRENT_AGENTS=4        → agent.maxConcurrentAgents = 4
 *     PCO_GITHUB__FILTERS__LABELS=ready,backend → github.filters.labels = ["ready", "backend"]
 *     PCO_AUTOMATION__PROJECT_STATUS__DONE=Shipped → automation.projectStatus.done = "Shipped"
 *
 * Only names with at least one `__` are overrides, so `PCO_CONFIG` (the default config path) and
 * the like are not. The value is converted to the type the schema expects at that path (numbers,
 * booleans `true|false|1|0|yes|no|on|off`, lists as comma-separated values or a JSON array).
 * A name that maps to no config key is reported like an unknown key in the file.
 */
import type { GenericSchema } from 'valibot';
import { schemaAt, unwrap, type SchemaShape } from './schema-walk.js';

export const ENV_PREFIX = 'PCO_';

/** A value set from outside the file (environment, command-line flag). */
export interface ConfigOverride {
  /** Key path, e.g. `['agent', 'maxConcurrentAgents']`. */
  readonly path: readonly string[];
  /** The value; strings are converted to the type the schema expects at `path`. */
  readonly value: unknown;
  /** Where it came from, for messages: `PCO_AGENT__MAX_CONCURRENT_AGENTS`, `--concurrency`. */
  readonly origin: string;
}

const SEGMENT = /^[A-Z0-9]+(?:_[A-Z0-9]+)*$/;

/** `PCO_AGENT__MAX_CONCURRENT_AGENTS` → `['agent', 'maxConcurrentAgents']`; undefined when not an override name. */
export function envNameToPath(name: string): string[] | undefined {
  if (!name.startsWith(ENV_PREFIX)) return undefined;
  const segments = name.slice(ENV_PREFIX.length).split('__');
  if (segments.length < 2 || !segments.every((segment) => SEGMENT.test(segment))) return undefined;
  return segments.map((segment) =>
    segment.toLowerCase().replace(/_([a-z0-9])/g, (_match, char: string) => char.toUpperCase()),
  );
}

/** `['agent', 'maxConcurrentAgents']` → `PCO_AGENT__MAX_CONCURRENT_AGENTS`. */
export function pathToEnvName(path: readonly string[]): string {
  return (
    ENV_PREFIX +
    path.map((key) => key.replace(/([a-z0-9])([A-Z])/g, '$1_$2').toUpperCase()).join('__')
  );
}

/** Every `PCO_*__*` variable of `env`, as overrides, sorted by name for stable output. */
export function envOverrides(env: Readonly<Record<string, string | undefined>>): ConfigOverride[] {
  const overrides: ConfigOverride[] = [];
  for (const name of Object.keys(env).sort()) {
    const value = env[name];
    const path = envNameToPath(name);
    if (path && value !== undefined) overrides.push({ path, value, origin: name });
  }
  return overrides;
}

const TRUE = new Set(['true', '1', 'yes', 'on']);
const FALSE = new Set(['false', '0', 'no', 'off']);

/**
 * Converts a string to the type `schema` expects. Values that cannot be converted are returned
 * unchanged, so validation reports them with the field's usual message.
 */
export function coerceString(schema: SchemaShape | undefined, raw: string): unknown {
  if (!schema) return raw;
  const { schema: inner } = unwrap(schema);
  const text = raw.trim();
  switch (inner.type) {
    case 'number':
      return /^[-+]?(?:\d+\.?\d*|\.\d+)(?:e[-+]?\d+)?$/i.test(text) ? Number(text) : raw;
    case 'boolean': {
      const lower = text.toLowerCase();
      return TRUE.has(lower) ? true : FALSE.has(lower) ? false : raw;
    }
    case 'array': {
      if (text.startsWith('[')) {
        try {
          const parsed: unknown = JSON.parse(text);
          return parsed;
        } catch {
          return raw;
        }
      }
      if (text === '') return [];
      return text
        .split(',')
        .map((item) => item.trim())
        .filter((item) => item !== '')
        .map((item) => coerceString(inner.item, item));
    }
    case 'object':
    case 'strict_object':
    case 'loose_object':
      if (text.startsWith('{')) {
        try {
          return JSON.parse(text) as unknown;
        } catch {
          return raw;
        }
      }
      return raw;
    case 'union': {
      const options = (inner as { options?: readonly SchemaShape[] }).options ?? [];
      if (options.some((option) => unwrap(option).schema.type === 'string')) return raw;
      for (const option of options) {
        const converted = coerceString(option, raw);
        if (converted !== raw) return converted;
      }
      return raw;
    }
    default:
      return raw;
  }
}

/** Converts an override's string value using the schema at its path. */
export function coerceOverride(root: GenericSchema, override: ConfigOverride): unknown {
  if (typeof override.value !== 'string') return override.value;
  return coerceString(schemaAt(root, override.path)?.schema, override.value);
}
