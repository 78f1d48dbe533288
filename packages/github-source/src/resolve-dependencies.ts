/**
 * Turns loaded issue records into tasks: collects every dependency kind (prose, labels, native
 * blocked-by links, sub-issues), then applies the resolution rules:
 *
 * - a dependency inside the task set stays a dependency (unless that issue is closed: done);
 * - a closed dependency outside the set is done and dropped;
 * - an open dependency outside the set blocks: the task gets `skip: external-blocker` (or, with
 *   `ignoreExternalBlockers`, the dependency is dropped with a warning);
 * - a reference that does not resolve (missing, inaccessible) is dropped with a warning;
 * - a reference whose state could not be looked up (the query failed) blocks like an open one,
 *   with a warning naming it and why: running the task could start work its blocker is not done
 *   with;
 * - untrusted authors get `skip: untrusted`, and their references are never looked up (a
 *   stranger's issue text must not cost API calls, nor be able to break the load of the rest).
 */
import { parseDependencies, parseDependencyLabels } from './parse-dependencies.js';
import { isTrustedAuthor, type TrustOptions } from './trust.js';
import type { DependencyOrigin, GitHubIssueRecord, GitHubTask, IssueLink } from './types.js';

/** State of an issue or pull request looked up by reference; `MISSING` when it does not resolve. */
export type ReferenceState = 'OPEN' | 'CLOSED' | 'MERGED' | 'MISSING';

/** A reference whose state could not be learnt: the lookup failed for it (`reason` says how). */
export interface ReferenceLookupFailure {
  readonly state: 'UNKNOWN';
  readonly reason: string;
}

/**
 * Looks up the states of references outside the task set (batched calls in the sources), keyed
 * by {@link refKey}. A failure about some references is returned as their
 * {@link ReferenceLookupFailure}; a throw fails the load (keep it for aborts and credentials).
 */
export type ReferenceStateLookup = (
  refs: readonly IssueLink[],
  signal?: AbortSignal,
) => Promise<ReadonlyMap<string, ReferenceState | ReferenceLookupFailure>>;

export interface ResolveDependenciesOptions extends TrustOptions {
  /** Read dependencies from issue bodies. @default true */
  readonly parseBodies?: boolean;
  /** Label patterns (first capture group is the reference); `[]` disables label dependencies. @default DEFAULT_DEPENDENCY_LABEL_PATTERNS */
  readonly labelPatterns?: readonly RegExp[];
  /** Use GitHub's native "blocked by" links. @default true */
  readonly nativeBlockedBy?: boolean;
  /** A parent issue waits for its sub-issues. @default true */
  readonly subIssues?: boolean;
  /** Run tasks whose open dependencies lie outside the task set (drop them with a warning). @default false */
  readonly ignoreExternalBlockers?: boolean;
  /** Hosts whose issue URLs count as references (GitHub Enterprise). @default ['github.com'] */
  readonly hosts?: readonly string[];
}

/** Case-insensitive key of `owner/repo#N`. */
export const refKey = (repo: string, number: number): string => `${repo.toLowerCase()}#${number}`;

interface Candidate {
  readonly link: IssueLink;
  readonly why: string;
  readonly via: DependencyOrigin;
}

/** Resolves dependencies of `records` into tasks (see the module comment for the rules). */
export async function resolveDependencies(
  records: readonly GitHubIssueRecord[],
  lookup: ReferenceStateLookup,
  options: ResolveDependenciesOptions = {},
  signal?: AbortSignal,
): Promise<GitHubTask[]> {
  const byKey = new Map<string, GitHubIssueRecord>();
  for (const r of records) {
    if (r.source.kind === 'issue' && r.source.repo !== undefined && r.source.number !== undefined) byKey.set(refKey(r.source.repo, r.source.number), r);
  }
  const known = new Map<string, string>(); // states known from native links
  const perRecord = records.map((r) => {
    const warnings = [...(r.warnings ?? [])];
    const candidates: Candidate[] = [];
    const repo = r.source.repo;
    if (options.parseBodies ?? true) {
      const parsed = parseDependencies(r.body, { ...(repo ? { repo } : {}), ...(options.hosts ? { hosts: options.hosts } : {}) });
      warnings.push(...parsed.warnings);
      for (const ref of parsed.references) candidates.push({ link: { repo: ref.repo, number: ref.number }, why: `"${ref.text}"`, via: ref.via });
    }
    const labels = parseDependencyLabels(r.labels, { ...(repo ? { repo } : {}), ...(options.labelPatterns ? { patterns: options.labelPatterns } : {}) });
    warnings.push(...labels.warnings);
    for (const ref of labels.references) candidates.push({ link: { repo: ref.repo, number: ref.number }, why: `label "${ref.text}"`, via: 'label' });
    if (options.nativeBlockedBy ?? true) for (const b of r.blockedBy) candidates.push({ link: b, why: 'blocked-by link', via: 'blocked-by' });
    if (options.subIssues ?? true) for (const c of r.subIssues) candidates.push({ link: c, why: 'sub-issue', via: 'sub-issue' });
    for (const c of candidates) if (c.link.state !== undefined) known.set(refKey(c.link.repo, c.link.number), c.link.state);
    const trusted = r.source.kind === 'draft' || isTrustedAuthor(r.author, r.authorAssociation, options);
    return { r, warnings, candidates, trusted };
  });

  // One batched lookup for references outside the task set whose state is unknown. An untrusted
  // issue is skipped whatever its dependencies are: its references are never looked up.
  const unknown = new Map<string, IssueLink>();
  for (const { r, candidates, trusted } of perRecord) {
    if (!trusted) continue;
    for (const c of candidates) {
      const key = refKey(c.link.repo, c.link.number);
      if (byKey.has(key) || known.has(key) || key === recordKey(r)) continue;
      unknown.set(key, { repo: c.link.repo, number: c.link.number });
    }
  }
  const looked = unknown.size > 0 ? await lookup([...unknown.values()], signal) : new Map<string, ReferenceState | ReferenceLookupFailure>();

  return perRecord.map(({ r, warnings, candidates, trusted }) => {
    const deps: string[] = [];
    const origins: Record<string, DependencyOrigin> = {};
    const blockers: string[] = [];
    const unknownBlockers: string[] = [];
    const self = recordKey(r);
    for (const c of candidates) {
      const key = refKey(c.link.repo, c.link.number);
      if (key === self) {
        warnings.push(`ignored a dependency on itself (${c.why})`);
        continue;
      }
      const inSet = byKey.get(key);
      if (inSet) {
        if (inSet.state === 'CLOSED') continue; // closed: done
        if (!deps.includes(inSet.id)) {
          deps.push(inSet.id);
          origins[inSet.id] = c.via;
        }
        continue;
      }
      if (!trusted) continue; // skipped anyway; never looked up
      const found = known.get(key) ?? looked.get(key) ?? 'MISSING';
      const label = `${c.link.repo}#${c.link.number}`;
      if (found === 'CLOSED' || found === 'MERGED') continue;
      if (found === 'MISSING') {
        warnings.push(`dependency ${label} (${c.why}) does not exist or is not accessible; ignored`);
        continue;
      }
      if (typeof found === 'object') {
        if (options.ignoreExternalBlockers) {
          warnings.push(`dependency ${label} (${c.why}) could not be looked up (${found.reason}); ignored (ignoreExternalBlockers)`);
          continue;
        }
        warnings.push(`dependency ${label} (${c.why}) could not be looked up (${found.reason}); the task waits as for an open blocker`);
        if (!unknownBlockers.includes(label)) unknownBlockers.push(label);
        continue;
      }
      if (options.ignoreExternalBlockers) {
        warnings.push(`dependency ${label} (${c.why}) is open but not in the task set; ignored (ignoreExternalBlockers)`);
      } else if (!blockers.includes(label)) {
        blockers.push(label);
      }
    }
    const skip = !trusted
      ? {
          reason: 'untrusted' as const,
          message: `${r.id} was opened by ${r.author ?? 'an unknown author'} (${r.authorAssociation ?? 'NONE'}), who is not trusted to give agents work`,
        }
      : blockers.length + unknownBlockers.length > 0
        ? {
            // An open blocker is the policy's decision; a failed lookup decided nothing, so such a
            // skip is unfinished work (a scheduled run must not go green on a GitHub outage).
            reason: blockers.length > 0 ? ('external-blocker' as const) : ('lookup-failed' as const),
            ...(blockers.length > 0 ? {} : { policy: false }),
            message: [
              ...(blockers.length > 0 ? [`${r.id} is blocked by ${blockers.join(', ')}, open and outside the task set`] : []),
              ...(unknownBlockers.length > 0 ? [`${r.id} waits for ${unknownBlockers.join(', ')}, whose state could not be looked up`] : []),
            ].join('; '),
          }
        : undefined;
    const task: GitHubTask = {
      id: r.id,
      title: r.title,
      body: r.body,
      ...(r.url !== undefined ? { url: r.url } : {}),
      labels: r.labels,
      dependencies: deps,
      ...(r.estimate !== undefined ? { estimate: r.estimate } : {}),
      ...(r.author !== undefined ? { author: r.author } : {}),
      ...(warnings.length > 0 ? { warnings } : {}),
      ...(skip ? { skip } : {}),
      source: deps.length > 0 ? { ...r.source, dependencyOrigins: origins } : r.source,
    };
    return task;
  });
}

function recordKey(r: GitHubIssueRecord): string | undefined {
  return r.source.repo !== undefined && r.source.number !== undefined ? refKey(r.source.repo, r.source.number) : undefined;
}
