import { createHash } from 'node:crypto';

/** Keys whose values are secrets: left out of a fingerprint so a rotated token is the same config. */
const SECRET_KEY = /token|secret|password|passphrase|authorization|api[-_]?key|private[-_]?key|credential/i;

/**
 * A stable fingerprint of the parts of a configuration that decide which tasks a journal belongs
 * to (repositories, project, Codegen org and repo...): SHA-256 of its canonical JSON (keys
 * sorted, `undefined` dropped), with secret-looking keys left out. Pass only identity-relevant
 * settings: a changed concurrency or log level must not orphan a journal.
 */
export function configFingerprint(identity: unknown): string {
  return createHash('sha256').update(canonicalJson(identity)).digest('hex');
}

function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') {
    if (typeof value === 'bigint') return JSON.stringify(value.toString());
    if (typeof value === 'number' && !Number.isFinite(value)) return 'null';
    return JSON.stringify(value) ?? 'null';
  }
  if (Array.isArray(value)) return `[${value.map((item) => canonicalJson(item)).join(',')}]`;
  const entries = Object.keys(value)
    .filter((key) => !SECRET_KEY.test(key))
    .sort()
    .filter((key) => (value as Record<string, unknown>)[key] !== undefined)
    .map((key) => `${JSON.stringify(key)}:${canonicalJson((value as Record<string, unknown>)[key])}`);
  return `{${entries.join(',')}}`;
}

/** The settings that decide which tasks and remote runs a journal belongs to. */
export interface JournalIdentity {
  readonly github?: {
    readonly repos?: readonly string[];
    readonly project?: { readonly owner?: string; readonly number?: number } | undefined;
    readonly baseUrl?: string;
  };
  readonly source?: { readonly type?: string };
  readonly codegen?: { readonly orgId?: number | string; readonly baseUrl?: string };
}

/**
 * The fingerprint of a pco configuration's identity: the repositories or board the tasks come
 * from, and the Codegen organization (and API root) their runs live in. Concurrency, timeouts,
 * logging, templates and tokens can change between a crash and its resume; these cannot.
 */
export function journalFingerprint(config: JournalIdentity): string {
  const trim = (url: string | undefined) => url?.replace(/\/+$/, '');
  const source = config.source?.type ?? 'issues';
  const project = config.github?.project;
  return configFingerprint({
    source,
    // Only the settings of the source in use: a board configured but unused changes nothing.
    repos: source === 'issues' && config.github?.repos ? [...config.github.repos].map((repo) => repo.toLowerCase()).sort() : undefined,
    project: source === 'project' && project ? { owner: project.owner?.toLowerCase(), number: project.number } : undefined,
    githubApi: trim(config.github?.baseUrl),
    codegenOrg: config.codegen?.orgId === undefined ? undefined : String(config.codegen.orgId),
    codegenApi: trim(config.codegen?.baseUrl),
  });
}
