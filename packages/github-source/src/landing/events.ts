/**
 * The lander's events, on eventemitter3; a listener that throws cannot break a landing.
 */
import { guardListener } from '@pco/contract';
import { EventEmitter } from 'eventemitter3';

/** What `GitHubLander` emits, by event name. */
export interface GitHubLanderEvents {
  /** One poll of every pull request in review. */
  tick: {
    readonly pullRequests: number;
    /** `nodes(ids:)` queries sent (one per batch of ≤ 50). */
    readonly queries: number;
    /** Sum of `rateLimit.cost` of those queries (points). */
    readonly cost: number;
    /** Highest `rateLimit.cost` of one query. */
    readonly maxQueryCost: number;
    /** `rateLimit.remaining` after the last query. */
    readonly remaining: number | undefined;
    readonly nextInMs: number;
  };
  /** A poll failed; the pull requests are read again next tick (transient) or their landings fail. */
  'poll-error': { readonly error: unknown; readonly pullRequests: readonly string[] };
  /** The lander reacted: a follow-up asked, a branch updated, a merge sent, auto-merge enabled, … */
  reaction: { readonly taskId: string; readonly pullRequest: string; readonly key: string; readonly kind: 'follow-up' | 'step'; readonly outcome?: string };
}

export type EmitLanderEvent = <K extends keyof GitHubLanderEvents>(event: K, payload: GitHubLanderEvents[K]) => void;

export class LanderEvents {
  readonly #ee = new EventEmitter<keyof GitHubLanderEvents>();

  on<K extends keyof GitHubLanderEvents>(event: K, listener: (payload: GitHubLanderEvents[K]) => unknown): () => void {
    const safe = guardListener(listener);
    this.#ee.on(event, safe);
    return () => {
      this.#ee.off(event, safe);
    };
  }

  readonly emit: EmitLanderEvent = (event, payload) => {
    this.#ee.emit(event, payload);
  };
}
