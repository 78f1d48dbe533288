/**
 * Config problems: one shape for every kind (syntax, `${VAR}`, unknown key, wrong value,
 * cross-field rule) and one formatter, so the CLI lists them all in a single message.
 */

/** One problem with the configuration. */
export interface ConfigIssue {
  /** Dotted key path (`agent.maxConcurrentAgents`, `github.repos.1`); empty for the file as a whole. */
  readonly path: string;
  /** What a valid value looks like. */
  readonly expected: string;
  /** What was found (secrets described, never shown): `12`, `"verbose"`, `nothing`, `a string (redacted)`. */
  readonly received: string;
  /** The problem in one sentence, without the path. */
  readonly message: string;
  /** Where the value came from: `pco.yaml:7:24`, an environment variable name, a CLI flag. */
  readonly origin?: string;
}

/** Outcome of loading or validating a configuration. */
export type ConfigResult<TConfig> =
  | { readonly ok: true; readonly config: TConfig }
  | { readonly ok: false; readonly issues: readonly ConfigIssue[] };

/** Describes a value for "got …" in messages: short, typed, and never a secret. */
export function describeReceived(value: unknown, secret = false): string {
  if (value === undefined) return 'nothing';
  if (value === null) return 'null';
  if (secret) {
    return `${Array.isArray(value) ? 'a list' : typeof value === 'object' ? 'an object' : `a ${typeof value}`} (redacted)`;
  }
  if (typeof value === 'string') {
    if (value === '') return 'an empty string';
    if (value.trim() === '') return 'a blank string';
    return JSON.stringify(value.length > 60 ? `${value.slice(0, 57)}...` : value);
  }
  if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint') return String(value);
  if (Array.isArray(value)) return value.length === 0 ? 'an empty list' : `a list of ${value.length}`;
  if (value instanceof Date) return `a date (${value.toISOString()}); quote it to pass a string`;
  if (typeof value === 'object') return 'an object';
  return typeof value;
}

/** `agent.maxConcurrentAgents: expected an integer from 1 to 10, got 12 (pco.yaml:7:24)` */
export function formatConfigIssue(issue: ConfigIssue): string {
  const where = issue.origin ? ` (${issue.origin})` : '';
  return issue.path ? `${issue.path}: ${issue.message}${where}` : `${issue.origin ?? 'config'}: ${issue.message}`;
}

/** Every issue in one message, one per line, headed by the count and the file. */
export function formatConfigIssues(issues: readonly ConfigIssue[], file?: string): string {
  const count = issues.length === 1 ? '1 problem' : `${issues.length} problems`;
  const head = `Invalid configuration${file ? ` in ${file}` : ''} (${count}):`;
  return [head, ...issues.map((issue) => `  - ${formatConfigIssue(issue)}`)].join('\n');
}
