import type { Clock, Timers } from '@pco/contract';

/** State of one agent slot. */
export type AgentState = 'IDLE' | 'BUSY' | 'FAILED';

/**
 * How a lease ended, for the slot's health record: `failure` counts towards quarantine,
 * `success` clears the count, `neutral` (cancelled, needs input) leaves it as it is.
 */
export type ReleaseOutcome = 'success' | 'failure' | 'neutral';

/** Options of {@link AgentPool}. */
export interface AgentPoolOptions {
  /**
   * Number of agent slots. Must be an integer in 1..`maxCapacity`.
   * @default 10
   */
  readonly capacity?: number;
  /**
   * Upper bound accepted for `capacity`. Codegen allows at most 10 concurrent agents; raise it for
   * executors without that limit.
   * @default 10
   */
  readonly maxCapacity?: number;
  /**
   * Names of the slots (length must equal `capacity`, unique).
   * @default ['agent-1', 'agent-2', ...]
   */
  readonly agentIds?: readonly string[];
  /**
   * Consecutive failures after which a slot is quarantined (state FAILED). `Infinity` disables
   * quarantine.
   * @default 3
   */
  readonly quarantineAfter?: number;
  /**
   * How long a quarantined slot stays out. It then comes back half-open: one more failure
   * quarantines it again, a success clears its record.
   * @default 60_000
   */
  readonly coolDownMs?: number;
  /** @default Date */
  readonly clock?: Clock;
  /** @default globalThis setTimeout / clearTimeout (handles are unref'd where supported) */
  readonly timers?: Timers;
  /**
   * Called when an event listener throws; the pool carries on either way.
   * @default reports to console.error
   */
  readonly onListenerError?: (error: unknown, event: keyof AgentPoolEvents) => void;
}

/** A slot held by one task; hand it back with {@link AgentLease.release} exactly once. */
export interface AgentLease {
  /** Id of the slot, e.g. `agent-3`. */
  readonly agent: string;
  /** Clock time the slot was taken. */
  readonly acquiredAt: number;
  /** Returns the slot to the pool. Throws `PoolError` (`POOL_LEASE_RELEASED`) when called twice. */
  release(outcome?: ReleaseOutcome): void;
}

/** Options of {@link AgentPool.acquire}. */
export interface AcquireOptions {
  /** Gives up waiting: the promise rejects with `signal.reason`. */
  readonly signal?: AbortSignal;
}

/** Statistics of one slot. */
export interface AgentStats {
  readonly id: string;
  readonly state: AgentState;
  /** Leases handed out. */
  readonly tasks: number;
  readonly succeeded: number;
  readonly failed: number;
  readonly consecutiveFailures: number;
  /** Times the slot was quarantined. */
  readonly quarantines: number;
  /** Total time held by a lease, including the current one. */
  readonly busyMs: number;
  /** When a quarantined slot comes back. */
  readonly quarantinedUntil?: number;
}

/** Statistics of the whole pool. */
export interface PoolStats {
  readonly capacity: number;
  readonly idle: number;
  readonly busy: number;
  readonly failed: number;
  /** Callers waiting in {@link AgentPool.acquire}. */
  readonly waiting: number;
  /** Sum of the slots' busy time. */
  readonly busyMs: number;
  /** Time since the pool was created. */
  readonly elapsedMs: number;
  /** busyMs / (capacity × elapsedMs), 0..1 (0 when no time has passed). */
  readonly utilisation: number;
  readonly agents: readonly AgentStats[];
}

/** Events of {@link AgentPool}. */
export interface AgentPoolEvents {
  /** A slot was quarantined after `consecutiveFailures` failures in a row. */
  'agent:failed': { readonly agent: string; readonly at: number; readonly consecutiveFailures: number; readonly until: number };
  /** A quarantined slot is back (IDLE, half-open). */
  'agent:recovered': { readonly agent: string; readonly at: number };
}
