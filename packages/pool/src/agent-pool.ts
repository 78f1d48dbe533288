import { PoolError } from './errors.js';
import type {
  AcquireOptions,
  AgentLease,
  AgentPoolEvents,
  AgentPoolOptions,
  AgentState,
  AgentStats,
  PoolStats,
  ReleaseOutcome,
} from './types.js';
import { InvalidOptionsError, systemClock, systemTimers, type Clock, type Timers } from '@pco/contract';
import { PoolEvents } from './events.js';

const DEFAULTS = {
  capacity: 10,
  maxCapacity: 10,
  quarantineAfter: 3,
  coolDownMs: 60_000,
} as const;

/** The system timers, unref'd: a cool-down must not keep a finished process alive. */
const unrefTimers: Timers = {
  setTimeout(callback, ms) {
    const handle = systemTimers.setTimeout(callback, ms);
    (handle as { unref?: () => void } | undefined)?.unref?.();
    return handle;
  },
  clearTimeout: (handle) => systemTimers.clearTimeout(handle),
};

interface Slot {
  readonly index: number;
  readonly id: string;
  state: AgentState;
  tasks: number;
  succeeded: number;
  failed: number;
  consecutiveFailures: number;
  quarantines: number;
  busyMs: number;
  busySince: number;
  quarantinedUntil: number | undefined;
  timer: unknown;
  /** The current lease; a stale lease (released, slot reused) can be told apart. */
  lease: Lease | undefined;
}

interface Waiter {
  resolve(lease: AgentLease): void;
  reject(reason: unknown): void;
  cleanup(): void;
}

class Lease implements AgentLease {
  readonly agent: string;
  readonly acquiredAt: number;
  released = false;
  constructor(
    readonly pool: AgentPool,
    readonly slot: Slot,
    acquiredAt: number,
  ) {
    this.agent = slot.id;
    this.acquiredAt = acquiredAt;
  }
  release(outcome: ReleaseOutcome = 'success'): void {
    if (this.released) {
      throw new PoolError('POOL_LEASE_RELEASED', `The lease on ${this.agent} was already released.`, {
        context: { agent: this.agent },
      });
    }
    this.released = true;
    releaseSlot(this.pool, this.slot, outcome);
  }
}

// Module-private access to the pool's internals for Lease (keeps the class surface small).
let releaseSlot: (pool: AgentPool, slot: Slot, outcome: ReleaseOutcome) => void;

/**
 * A fixed set of agent slots (IDLE / BUSY / FAILED) handed out one task at a time.
 *
 * - Allocation is race-free: every state change is synchronous, and a released slot goes straight
 *   to the first waiter (FIFO), so no other caller can take it in between. `acquire()` waits on a
 *   promise queue, never on a sleep loop, and can be cancelled with an AbortSignal.
 * - Invariant: there are waiters only while no slot is IDLE.
 * - A slot that fails `quarantineAfter` times in a row is quarantined (FAILED) for `coolDownMs`
 *   and then comes back half-open.
 * - Statistics: busy time, utilisation, tasks per agent.
 *
 * @example
 * const pool = new AgentPool({ capacity: 4 });
 * const lease = await pool.acquire({ signal });
 * try { await work(lease.agent); lease.release('success'); } catch { lease.release('failure'); }
 */
export class AgentPool {
  readonly capacity: number;
  readonly #slots: Slot[];
  /** IDLE slots, least recently used first (spreads work over the agents). */
  readonly #idle: Slot[] = [];
  /** Insertion-ordered: O(1) removal when a waiter aborts. */
  readonly #waiters = new Set<Waiter>();
  readonly #events: PoolEvents;
  readonly #quarantineAfter: number;
  readonly #coolDownMs: number;
  readonly #clock: Clock;
  readonly #timers: Timers;
  readonly #createdAt: number;
  #busy = 0;
  #closed = false;
  #idleWaiters: (() => void)[] = [];

  constructor(options: AgentPoolOptions = {}) {
    const maxCapacity = options.maxCapacity ?? DEFAULTS.maxCapacity;
    const capacity = options.capacity ?? Math.min(DEFAULTS.capacity, maxCapacity);
    if (!Number.isInteger(maxCapacity) || maxCapacity < 1) {
      throw invalid('maxCapacity', 'expected an integer ≥ 1', maxCapacity);
    }
    if (!Number.isInteger(capacity) || capacity < 1 || capacity > maxCapacity) {
      throw invalid('capacity', `expected an integer in 1..${maxCapacity}`, capacity);
    }
    const quarantineAfter = options.quarantineAfter ?? DEFAULTS.quarantineAfter;
    if (!(quarantineAfter === Infinity || (Number.isInteger(quarantineAfter) && quarantineAfter >= 1))) {
      throw invalid('quarantineAfter', 'expected an integer ≥ 1 or Infinity', quarantineAfter);
    }
    const coolDownMs = options.coolDownMs ?? DEFAULTS.coolDownMs;
    if (!(Number.isFinite(coolDownMs) && coolDownMs >= 0)) {
      throw invalid('coolDownMs', 'expected a finite number ≥ 0', coolDownMs);
    }
    const ids = options.agentIds ?? Array.from({ length: capacity }, (_, i) => `agent-${i + 1}`);
    if (ids.length !== capacity) {
      throw invalid('agentIds', `expected ${capacity} ids (the capacity)`, ids);
    }
    if (new Set(ids).size !== ids.length) throw invalid('agentIds', 'expected unique ids', ids);

    this.capacity = capacity;
    this.#quarantineAfter = quarantineAfter;
    this.#coolDownMs = coolDownMs;
    this.#clock = options.clock ?? systemClock;
    this.#timers = options.timers ?? unrefTimers;
    this.#events = new PoolEvents(
      options.onListenerError ?? ((error, event) => console.error(`@pco/pool: a listener of '${event}' threw`, error)),
    );
    this.#createdAt = this.#clock.now();
    this.#slots = ids.map((id, index) => ({
      index,
      id,
      state: 'IDLE' as AgentState,
      tasks: 0,
      succeeded: 0,
      failed: 0,
      consecutiveFailures: 0,
      quarantines: 0,
      busyMs: 0,
      busySince: 0,
      quarantinedUntil: undefined,
      timer: undefined,
      lease: undefined,
    }));
    this.#idle.push(...this.#slots);
  }

  /** Slots currently IDLE. */
  get idle(): number {
    return this.#idle.length;
  }
  /** Slots currently BUSY. */
  get busy(): number {
    return this.#busy;
  }
  /** Callers waiting for a slot. */
  get waiting(): number {
    return this.#waiters.size;
  }
  /** True after {@link close}. */
  get closed(): boolean {
    return this.#closed;
  }

  /** State of one slot, or undefined for an unknown id. */
  state(agent: string): AgentState | undefined {
    return this.#slots.find((slot) => slot.id === agent)?.state;
  }

  /**
   * Takes an IDLE slot right away, or returns undefined (none idle, or the pool is closed).
   * Never jumps the queue: when callers wait, no slot is idle.
   */
  tryAcquire(): AgentLease | undefined {
    if (this.#closed) return undefined;
    const slot = this.#idle.shift();
    return slot === undefined ? undefined : this.#take(slot);
  }

  /**
   * Resolves with a lease as soon as a slot is free (FIFO among waiters). Rejects with
   * `signal.reason` when the signal aborts first, and with `PoolError` (`POOL_CLOSED`) when the
   * pool is closed.
   */
  acquire(options: AcquireOptions = {}): Promise<AgentLease> {
    const { signal } = options;
    if (this.#closed) return Promise.reject(closedError());
    if (signal?.aborted) return Promise.reject(signal.reason);
    const lease = this.tryAcquire();
    if (lease !== undefined) return Promise.resolve(lease);
    return new Promise<AgentLease>((resolve, reject) => {
      const onAbort = (): void => {
        this.#waiters.delete(waiter);
        reject(signal?.reason);
      };
      const waiter: Waiter = {
        resolve,
        reject,
        cleanup: () => signal?.removeEventListener('abort', onAbort),
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      this.#waiters.add(waiter);
    });
  }

  /** Resolves when no slot is BUSY (right away if none is). */
  onIdle(): Promise<void> {
    if (this.#busy === 0) return Promise.resolve();
    return new Promise((resolve) => this.#idleWaiters.push(resolve));
  }

  /**
   * Subscribes to an event; returns the unsubscribe function. A listener that throws is reported
   * through `onListenerError` and does not affect the pool.
   */
  on<E extends keyof AgentPoolEvents>(event: E, listener: (event: AgentPoolEvents[E]) => void): () => void {
    return this.#events.on(event, listener);
  }

  /** A snapshot of the statistics. */
  stats(): PoolStats {
    const now = this.#clock.now();
    const agents = this.#slots.map((slot): AgentStats => {
      const busyMs = slot.busyMs + (slot.state === 'BUSY' ? now - slot.busySince : 0);
      return {
        id: slot.id,
        state: slot.state,
        tasks: slot.tasks,
        succeeded: slot.succeeded,
        failed: slot.failed,
        consecutiveFailures: slot.consecutiveFailures,
        quarantines: slot.quarantines,
        busyMs,
        ...(slot.quarantinedUntil === undefined ? {} : { quarantinedUntil: slot.quarantinedUntil }),
      };
    });
    const busyMs = agents.reduce((sum, agent) => sum + agent.busyMs, 0);
    const elapsedMs = now - this.#createdAt;
    return {
      capacity: this.capacity,
      idle: this.#idle.length,
      busy: this.#busy,
      failed: this.#slots.filter((slot) => slot.state === 'FAILED').length,
      waiting: this.#waiters.size,
      busyMs,
      elapsedMs,
      utilisation: elapsedMs > 0 ? Math.min(1, busyMs / (this.capacity * elapsedMs)) : 0,
      agents,
    };
  }

  /**
   * Closes the pool: waiters reject with `PoolError` (`POOL_CLOSED`), cool-down timers are
   * cleared, no slot is handed out any more. Leases still held can be released. Idempotent.
   */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    for (const slot of this.#slots) {
      if (slot.timer !== undefined) this.#timers.clearTimeout(slot.timer);
      slot.timer = undefined;
    }
    const waiters = [...this.#waiters];
    this.#waiters.clear();
    for (const waiter of waiters) {
      waiter.cleanup();
      waiter.reject(closedError());
    }
  }

  #take(slot: Slot): Lease {
    slot.state = 'BUSY';
    slot.tasks++;
    slot.busySince = this.#clock.now();
    this.#busy++;
    const lease = new Lease(this, slot, slot.busySince);
    slot.lease = lease;
    return lease;
  }

  static {
    releaseSlot = (pool, slot, outcome) => pool.#release(slot, outcome);
  }

  #release(slot: Slot, outcome: ReleaseOutcome): void {
    const now = this.#clock.now();
    slot.busyMs += now - slot.busySince;
    slot.lease = undefined;
    this.#busy--;
    if (outcome === 'success') {
      slot.succeeded++;
      slot.consecutiveFailures = 0;
    } else if (outcome === 'failure') {
      slot.failed++;
      slot.consecutiveFailures++;
    }
    if (outcome === 'failure' && slot.consecutiveFailures >= this.#quarantineAfter) {
      this.#quarantine(slot, now);
    } else {
      this.#makeAvailable(slot);
    }
    if (this.#busy === 0 && this.#idleWaiters.length > 0) {
      const waiters = this.#idleWaiters;
      this.#idleWaiters = [];
      for (const resolve of waiters) resolve();
    }
  }

  #makeAvailable(slot: Slot): void {
    slot.state = 'IDLE';
    if (this.#closed) {
      this.#idle.push(slot);
      return;
    }
    if (this.#waiters.size > 0) {
      // Hand the slot over directly: it never becomes visible as IDLE, so nobody can steal it.
      const waiter = this.#waiters.values().next().value as Waiter;
      this.#waiters.delete(waiter);
      waiter.cleanup();
      waiter.resolve(this.#take(slot));
      return;
    }
    this.#idle.push(slot);
  }

  #quarantine(slot: Slot, now: number): void {
    slot.state = 'FAILED';
    slot.quarantines++;
    const until = now + this.#coolDownMs;
    slot.quarantinedUntil = until;
    if (!this.#closed) {
      slot.timer = this.#timers.setTimeout(() => this.#recover(slot), this.#coolDownMs);
    }
    this.#events.emit('agent:failed', { agent: slot.id, at: now, consecutiveFailures: slot.consecutiveFailures, until });
  }

  #recover(slot: Slot): void {
    slot.timer = undefined;
    if (this.#closed || slot.state !== 'FAILED') return;
    slot.quarantinedUntil = undefined;
    // Half-open: one more failure quarantines the slot again.
    slot.consecutiveFailures = Math.max(0, this.#quarantineAfter - 1);
    this.#makeAvailable(slot);
    this.#events.emit('agent:recovered', { agent: slot.id, at: this.#clock.now() });
  }
}

function invalid(field: string, expected: string, got: unknown): InvalidOptionsError {
  return new InvalidOptionsError('AgentPool', field, expected, got);
}

function closedError(): PoolError {
  return new PoolError('POOL_CLOSED', 'The agent pool is closed.');
}
