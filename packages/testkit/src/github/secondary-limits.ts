/**
 * GitHub's secondary rate limits, opt-in (`startFakeGitHub(…, { secondaryLimits })`): content
 * creation per minute and per hour, and concurrent requests, counted per principal (token) in the
 * fake's API time. Rules: https://docs.github.com/rest/using-the-rest-api/rate-limits-for-the-rest-api#about-secondary-rate-limits
 * (research github-api.md §3.3). GitHub publishes neither the window shape nor the exact
 * `retry-after`; the fake uses sliding windows and the seconds until the oldest counted request
 * leaves the window, which is what a client that honours `retry-after` needs to get through.
 */
import { Kind, type DocumentNode, type OperationDefinitionNode } from 'graphql';
import { rootFields } from './graphql-documents.js';
import type { FakeSecondaryLimitKind, FakeSecondaryLimits } from './types.js';

const MINUTE_MS = 60_000;
const HOUR_MS = 3_600_000;

/**
 * REST routes that create content ("issues, comments, …"): issues, issue comments, labels added
 * to issues, pull requests, reviews and merges. Edits and deletions create nothing.
 */
const CONTENT_ROUTES: ReadonlySet<string> = new Set([
  'POST /repos/{owner}/{repo}/issues',
  'POST /repos/{owner}/{repo}/issues/{issue_number}/comments',
  'POST /repos/{owner}/{repo}/issues/{issue_number}/labels',
  'PUT /repos/{owner}/{repo}/issues/{issue_number}/labels',
  'POST /repos/{owner}/{repo}/pulls',
  'POST /repos/{owner}/{repo}/pulls/{pull_number}/reviews',
  'POST /repos/{owner}/{repo}/pulls/{pull_number}/comments',
  'PUT /repos/{owner}/{repo}/pulls/{pull_number}/merge',
]);

/** The GraphQL mutations that create the same content (the limit includes GraphQL and the web UI). */
const CONTENT_MUTATIONS: ReadonlySet<string> = new Set([
  'createIssue',
  'addComment',
  'addLabelsToLabelable',
  'createPullRequest',
  'addPullRequestReview',
  'submitPullRequestReview',
  'addPullRequestReviewThread',
  'mergePullRequest',
]);

/** Whether a REST route (template key) or a GraphQL document creates content. */
export function createsContent(routeKey: string, document?: DocumentNode): boolean {
  if (!document) return CONTENT_ROUTES.has(routeKey);
  const op = document.definitions.find((d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION);
  return op?.operation === 'mutation' && rootFields(document).some((f) => CONTENT_MUTATIONS.has(f.name.value));
}

/** A refusal: which limit, and the seconds (API time) the client should wait. */
export interface SecondaryRefusal {
  readonly kind: FakeSecondaryLimitKind;
  readonly retryAfter: number;
}

interface Usage {
  inFlight: number;
  /** API-time stamps (`now()`) of the counted content-creating requests of the last hour. */
  content: number[];
}

/** Per-principal counters. A principal is any object (a token's identity), held weakly. */
export class SecondaryLimiter {
  readonly #limits: FakeSecondaryLimits;
  readonly #now: () => number;
  readonly #timeScale: number;
  readonly #usage = new WeakMap<object, Usage>();

  constructor(limits: FakeSecondaryLimits, now: () => number, timeScale: number) {
    for (const key of ['contentPerMinute', 'contentPerHour', 'concurrent'] as const) {
      const v = limits[key];
      if (v !== undefined && !(Number.isInteger(v) && v > 0)) throw new RangeError(`startFakeGitHub: secondaryLimits.${key} must be an integer > 0, got ${String(v)}`);
    }
    this.#limits = limits;
    this.#now = now;
    this.#timeScale = timeScale;
  }

  #of(principal: object): Usage {
    let u = this.#usage.get(principal);
    if (!u) {
      u = { inFlight: 0, content: [] };
      this.#usage.set(principal, u);
    }
    return u;
  }

  /** A request of `principal` arrived; the returned function marks it answered. */
  enter(principal: object): () => void {
    const u = this.#of(principal);
    u.inFlight += 1;
    let left = false;
    return () => {
      if (!left) u.inFlight -= 1;
      left = true;
    };
  }

  /**
   * Admits or refuses a request that is in flight (after {@link enter}). An admitted
   * content-creating request is counted; a refused one is not.
   */
  admit(principal: object, content: boolean): SecondaryRefusal | undefined {
    const u = this.#of(principal);
    const { concurrent, contentPerMinute, contentPerHour } = this.#limits;
    // GitHub gives no wait for concurrency; one second lets the other requests finish.
    if (concurrent !== undefined && u.inFlight > concurrent) return { kind: 'concurrent', retryAfter: 1 };
    if (!content) return undefined;
    const now = this.#now();
    const minute = MINUTE_MS * this.#timeScale;
    const hour = HOUR_MS * this.#timeScale;
    while (u.content.length > 0 && u.content[0]! <= now - hour) u.content.shift();
    const refusal =
      this.#over(u.content, now, minute, contentPerMinute, 'content-per-minute') ??
      this.#over(u.content, now, hour, contentPerHour, 'content-per-hour');
    if (!refusal) u.content.push(now);
    return refusal;
  }

  #over(stamps: readonly number[], now: number, windowMs: number, max: number | undefined, kind: FakeSecondaryLimitKind): SecondaryRefusal | undefined {
    if (max === undefined) return undefined;
    const inWindow = stamps.filter((t) => t > now - windowMs);
    if (inWindow.length < max) return undefined;
    // The request may go once the oldest of the last `max` leaves the window (API seconds, rounded up).
    const freeAt = inWindow[inWindow.length - max]! + windowMs;
    return { kind, retryAfter: Math.max(1, Math.ceil((freeAt - now) / (1000 * this.#timeScale))) };
  }
}
