/**
 * One poller for every pull request in review (like codegen-client's RunWatcher): each tick sends
 * ONE `nodes(ids: [...])` GraphQL query per batch of ≤ 50 pull requests, never one request per
 * pull request, in the cheap shape (snapshot.ts: two connections per PR, 1 point per 50 PRs),
 * and reads `rateLimit { cost remaining resetAt }` from each answer to pace itself (cadence.ts).
 * Pull request URLs are resolved to node ids once, batched with aliases, and cached.
 */
import { PcoError, type Clock, type PullRequestRef, type Timers } from '@pco/contract';
import { GitHubNotFoundError, toGitHubError } from '../errors.js';
import type { GitHubClient } from '../octokit.js';
import { nextInterval } from './cadence.js';
import type { EmitLanderEvent } from './events.js';
import type { LanderSettings } from './options.js';
import { parsePoll, pullRequestFields, type PullRequestSnapshot } from './snapshot.js';

interface Waiter {
  readonly resolve: (snapshot: PullRequestSnapshot) => void;
  readonly reject: (error: unknown) => void;
  readonly cleanup: () => void;
}

interface Entry {
  readonly waiters: Set<Waiter>;
  readAt: number | undefined;
}

/** Where a pull request lives, from its ref or its URL. */
export function locatePullRequest(pr: PullRequestRef): { owner: string; name: string; number: number } | undefined {
  const m = /\/([^/\s]+)\/([^/\s]+)\/pulls?\/(\d+)/.exec(pr.url);
  const repo = pr.repo ?? (m ? `${m[1]}/${m[2]}` : undefined);
  const number = pr.number ?? (m ? Number(m[3]) : undefined);
  const [owner, name] = repo?.split('/') ?? [];
  return owner && name && number !== undefined ? { owner, name, number } : undefined;
}

const sleep = (timers: Timers, ms: number, signal: AbortSignal): Promise<void> =>
  new Promise((resolve, reject) => {
    if (signal.aborted) return reject(signal.reason);
    const onAbort = () => {
      timers.clearTimeout(handle);
      reject(signal.reason);
    };
    const handle = timers.setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve();
    }, Math.max(0, ms));
    signal.addEventListener('abort', onAbort, { once: true });
  });

/** Transient: a network error or a 5xx / GraphQL internal error the client's retries did not absorb. */
function isTransient(error: PcoError): boolean {
  const status = (error as { status?: number }).status;
  return error.code === 'GITHUB_API' && (status === undefined || status >= 500 || status === 200);
}

export class PullRequestWatcher {
  readonly #settings: LanderSettings;
  readonly #client: GitHubClient;
  readonly #clock: Clock;
  readonly #emit: EmitLanderEvent;
  readonly #entries = new Map<string, Entry>();
  /** `owner/name#number` (lower case) → node id. */
  readonly #ids = new Map<string, string>();
  /** Pull requests to look up in the next round of {@link resolve}. */
  readonly #wanted = new Map<string, { owner: string; name: string; number: number }>();
  #resolving: Promise<void> | undefined;
  readonly #stop = new AbortController();
  #running = false;
  #wake: AbortController | undefined;
  #lastTickAt: number | undefined;
  #nextTickAt = 0;
  #hurry = false;
  /** Pull requests the last tick read (waiters re-register after handling their snapshot). */
  #lastPolled = 0;
  #lastCost = 1;
  #remaining = Number.POSITIVE_INFINITY;
  #resetAt = 0;

  constructor(settings: LanderSettings, emit: EmitLanderEvent) {
    this.#settings = settings;
    this.#client = settings.client;
    this.#clock = settings.clock;
    this.#emit = emit;
    const external = settings.signal;
    if (external?.aborted) this.close(external.reason);
    else external?.addEventListener('abort', () => this.close(external.reason), { once: true });
  }

  /**
   * Node ids of `prs`, resolved once and cached. Lookups of concurrent callers (tasks entering
   * review together) share one aliased query per round: `repository(owner, name) { pN:
   * pullRequest(number) { id } }` for every repository asked for.
   */
  async resolve(prs: readonly PullRequestRef[], signal: AbortSignal): Promise<string[]> {
    const located = prs.map((pr) => {
      const at = locatePullRequest(pr);
      if (!at) throw new GitHubNotFoundError(`cannot tell the repository and number of ${pr.url}`, { url: pr.url });
      return { ...at, key: `${at.owner}/${at.name}#${at.number}`.toLowerCase() };
    });
    for (const at of located) if (!this.#ids.has(at.key)) this.#wanted.set(at.key, at);
    // Whoever is first starts a round; later callers join the next one if theirs is not in it.
    while (located.some((at) => !this.#ids.has(at.key) && this.#wanted.has(at.key))) {
      if (signal.aborted) throw signal.reason;
      this.#resolving ??= this.#resolveRound(signal).finally(() => (this.#resolving = undefined));
      await this.#resolving;
    }
    return located.map((at) => {
      const id = this.#ids.get(at.key);
      if (!id) throw new GitHubNotFoundError(`${at.owner}/${at.name}#${at.number} does not exist or is not visible`, { pullRequest: at.key });
      return id;
    });
  }

  /** Looks up everything wanted so far in one query; what GitHub does not resolve stays unknown. */
  async #resolveRound(signal: AbortSignal): Promise<void> {
    await Promise.resolve(); // let callers of the same turn join
    const taken = [...this.#wanted.values()];
    this.#wanted.clear();
    const byRepo = new Map<string, { owner: string; name: string; numbers: number[] }>();
    for (const at of taken) {
      const repo = `${at.owner}/${at.name}`.toLowerCase();
      const group = byRepo.get(repo) ?? { owner: at.owner, name: at.name, numbers: [] };
      if (!group.numbers.includes(at.number)) group.numbers.push(at.number);
      byRepo.set(repo, group);
    }
    const groups = [...byRepo.values()];
    const vars: Record<string, unknown> = {};
    const defs: string[] = [];
    const body = groups.map((g, r) => {
      vars[`o${r}`] = g.owner;
      vars[`n${r}`] = g.name;
      defs.push(`$o${r}: String!`, `$n${r}: String!`);
      const pulls = g.numbers.map((n, p) => {
        vars[`p${r}_${p}`] = n;
        defs.push(`$p${r}_${p}: Int!`);
        return `p${p}: pullRequest(number: $p${r}_${p}) { id }`;
      });
      return `r${r}: repository(owner: $o${r}, name: $n${r}) { ${pulls.join(' ')} }`;
    });
    type Data = Record<string, Record<string, { id: string } | null> | null>;
    let data: Data;
    try {
      data = await this.#client.graphql<Data>(`query PcoPullRequestIds(${defs.join(', ')}) { ${body.join(' ')} }`, { ...vars, request: { signal } });
    } catch (error) {
      // A missing repository or pull request is a NOT_FOUND error next to the others' data.
      const partial = (error as { name?: string; data?: Data }).data;
      if ((error as { name?: string }).name !== 'GraphqlResponseError' || !partial) throw toGitHubError(error, 'resolving pull request ids');
      data = partial;
    }
    groups.forEach((g, r) =>
      g.numbers.forEach((n, p) => {
        const id = data[`r${r}`]?.[`p${p}`]?.id;
        if (id) this.#ids.set(`${g.owner}/${g.name}#${n}`.toLowerCase(), id);
      }),
    );
  }

  /** Pull requests with a pending {@link next}. */
  get watching(): number {
    return this.#entries.size;
  }

  /**
   * The pull request as the next tick that starts after this call reads it. Rejects with the
   * signal's reason, a `GitHubNotFoundError` when GitHub no longer resolves it, or a permanent
   * API error.
   */
  next(nodeId: string, signal: AbortSignal): Promise<PullRequestSnapshot> {
    return new Promise((resolve, reject) => {
      if (this.#stop.signal.aborted) return reject(this.#stop.signal.reason);
      if (signal.aborted) return reject(signal.reason);
      let entry = this.#entries.get(nodeId);
      if (!entry) {
        entry = { waiters: new Set(), readAt: undefined };
        this.#entries.set(nodeId, entry);
        // A pull request not read yet is read soon, but never sooner than hurryMs after a tick.
        this.#nextTickAt = Math.min(this.#nextTickAt, (this.#lastTickAt ?? -Infinity) + this.#settings.poll.hurryMs);
      }
      const target = entry;
      const onAbort = () => {
        this.#remove(nodeId, waiter);
        reject(signal.reason);
      };
      const waiter: Waiter = { resolve, reject, cleanup: () => signal.removeEventListener('abort', onAbort) };
      signal.addEventListener('abort', onAbort, { once: true });
      target.waiters.add(waiter);
      this.#kick();
    });
  }

  /** The next tick comes `hurryMs` after the last one (a reaction happened, mergeability is UNKNOWN). */
  hurry(): void {
    this.#hurry = true;
    this.#nextTickAt = Math.min(this.#nextTickAt, (this.#lastTickAt ?? -Infinity) + this.#settings.poll.hurryMs);
    this.#wake?.abort();
  }

  /** Stops polling; pending {@link next} calls reject with `reason`. */
  close(reason: unknown = new DOMException('PullRequestWatcher closed', 'AbortError')): void {
    if (!this.#stop.signal.aborted) this.#stop.abort(reason);
    this.#wake?.abort();
    for (const entry of this.#entries.values()) {
      for (const w of entry.waiters) {
        w.cleanup();
        w.reject(reason);
      }
    }
    this.#entries.clear();
  }

  #remove(nodeId: string, waiter: Waiter): void {
    waiter.cleanup();
    const entry = this.#entries.get(nodeId);
    if (!entry) return;
    entry.waiters.delete(waiter);
    if (entry.waiters.size === 0) this.#entries.delete(nodeId);
  }

  #kick(): void {
    if (this.#running) {
      this.#wake?.abort();
      return;
    }
    this.#running = true;
    void this.#loop().finally(() => {
      this.#running = false;
      if (this.#entries.size > 0 && !this.#stop.signal.aborted) this.#kick();
    });
  }

  #interval(): number {
    const p = this.#settings.poll;
    return nextInterval({
      pullRequests: Math.max(this.#entries.size, this.#lastPolled),
      batchSize: p.batchSize,
      lastCost: this.#lastCost,
      remaining: this.#remaining,
      msToReset: this.#resetAt > 0 ? this.#resetAt - this.#clock.now() : 0,
      minIntervalMs: p.minIntervalMs,
      maxIntervalMs: p.maxIntervalMs,
      budgetShare: p.budgetShare,
      hurry: this.#hurry,
      hurryMs: p.hurryMs,
    });
  }

  async #loop(): Promise<void> {
    while (this.#entries.size > 0 && !this.#stop.signal.aborted) {
      const now = this.#clock.now();
      if (this.#nextTickAt > now) {
        this.#wake = new AbortController();
        try {
          await sleep(this.#settings.timers, this.#nextTickAt - now, AbortSignal.any([this.#wake.signal, this.#stop.signal]));
        } catch {
          // Woken early (a new pull request, hurry, close): recompute.
        }
        this.#wake = undefined;
        continue;
      }
      const startedAt = now;
      this.#hurry = false;
      await this.#tick();
      this.#lastTickAt = startedAt;
      this.#nextTickAt = startedAt + this.#interval();
    }
  }

  /** One tick: one query per batch of ≤ `batchSize` pull requests with waiters. */
  async #tick(): Promise<void> {
    const ids = [...this.#entries.keys()];
    this.#lastPolled = ids.length;
    const size = this.#settings.poll.batchSize;
    let cost = 0;
    let maxQueryCost = 0;
    let queries = 0;
    for (let i = 0; i < ids.length; i += size) {
      const batch = ids.slice(i, i + size);
      // Only the waiters registered before the query went out get its answer.
      const waiting = new Map(batch.map((id) => [id, [...(this.#entries.get(id)?.waiters ?? [])]]));
      queries++;
      const spent = await this.#poll(batch, waiting);
      cost += spent;
      maxQueryCost = Math.max(maxQueryCost, spent);
      if (this.#stop.signal.aborted) return;
    }
    const remaining = Number.isFinite(this.#remaining) ? this.#remaining : undefined;
    this.#emit('tick', { pullRequests: ids.length, queries, cost, maxQueryCost, remaining, nextInMs: this.#interval() });
  }

  /** Sends one batch; returns its cost in points. */
  async #poll(batch: readonly string[], waiting: ReadonlyMap<string, readonly Waiter[]>): Promise<number> {
    const query = `query PcoPullRequestStates($ids: [ID!]!) {
      rateLimit { cost remaining resetAt }
      nodes(ids: $ids) { __typename ... on PullRequest { ${pullRequestFields(this.#settings.poll.contextsPerPullRequest)} } }
    }`;
    let data: unknown;
    try {
      data = await this.#client.graphql(query, { ids: batch, request: { signal: this.#stop.signal } });
    } catch (error) {
      // Unresolvable ids come back as null nodes plus NOT_FOUND errors: use the partial data.
      const partial = (error as { name?: string; data?: { nodes?: unknown } }).data;
      if ((error as { name?: string }).name === 'GraphqlResponseError' && Array.isArray(partial?.nodes)) data = partial;
      else {
        if (this.#stop.signal.aborted) return 0;
        const e = toGitHubError(error, 'polling pull requests');
        this.#emit('poll-error', { error: e, pullRequests: batch });
        if (!isTransient(e)) for (const id of batch) this.#settle(id, waiting.get(id), (w) => w.reject(e));
        return 0;
      }
    }
    let parsed: ReturnType<typeof parsePoll>;
    try {
      parsed = parsePoll(data, batch);
    } catch (error) {
      this.#emit('poll-error', { error, pullRequests: batch });
      for (const id of batch) this.#settle(id, waiting.get(id), (w) => w.reject(error));
      return 0;
    }
    if (parsed.rateLimit) {
      this.#lastCost = parsed.rateLimit.cost;
      this.#remaining = parsed.rateLimit.remaining;
      const reset = Date.parse(parsed.rateLimit.resetAt);
      // A primary window is at most an hour (github-api.md §3.1): a reset further out is a clock mismatch.
      if (Number.isFinite(reset)) this.#resetAt = Math.min(reset, this.#clock.now() + 3_600_000);
    }
    const now = this.#clock.now();
    batch.forEach((id, i) => {
      const snapshot = parsed.snapshots[i];
      const entry = this.#entries.get(id);
      if (entry) entry.readAt = now;
      if (snapshot) this.#settle(id, waiting.get(id), (w) => w.resolve(snapshot));
      else {
        const e = new GitHubNotFoundError(`pull request ${id} does not exist or is not visible`, { nodeId: id });
        this.#settle(id, waiting.get(id), (w) => w.reject(e));
      }
    });
    return parsed.rateLimit?.cost ?? 1;
  }

  #settle(nodeId: string, waiters: readonly Waiter[] | undefined, fn: (w: Waiter) => void): void {
    for (const w of waiters ?? []) {
      this.#remove(nodeId, w);
      fn(w);
    }
  }
}
