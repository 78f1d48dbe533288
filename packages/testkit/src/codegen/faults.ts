/**
 * The fake Codegen's faults: deterministic ones queued by `injectFault` (served first, to the
 * first matching request), then random ones (`faults` option, seeded), plus added latency.
 */
import type { FakeCodegenOperation } from './rate-limits.js';
import type { FakeCodegenFaults, FakeCodegenInjectedFault } from './types.js';

/** The fault a request meets: an error status, or a dropped connection (before or after handling). */
export type PickedFault = { readonly type: 'error'; readonly status: number } | { readonly type: 'drop'; readonly afterHandling: boolean };

export class FaultInjector {
  private readonly injected: { fault: FakeCodegenInjectedFault; remaining: number }[] = [];

  constructor(
    private faults: FakeCodegenFaults,
    /** The fake's seeded PRNG (shared with the runs: draws stay in request order). */
    private readonly random: () => number,
  ) {}

  /** Queues a deterministic fault for the next matching request(s). */
  inject(fault: FakeCodegenInjectedFault): void {
    this.injected.push({ fault, remaining: fault.count ?? 1 });
  }

  /** Replaces the random faults. */
  set(faults: FakeCodegenFaults): void {
    this.faults = faults;
  }

  /** The fault for this request, if any (uses up an injected one). */
  pick(operation: FakeCodegenOperation | null, body: Readonly<Record<string, unknown>>): PickedFault | undefined {
    const { injected, faults, random } = this;
    const index = injected.findIndex(
      (entry) => (entry.fault.operation === undefined || entry.fault.operation === operation) && (entry.fault.when?.(body) ?? true),
    );
    if (index >= 0) {
      const entry = injected[index] as { fault: FakeCodegenInjectedFault; remaining: number };
      entry.remaining -= 1;
      if (entry.remaining <= 0) injected.splice(index, 1);
      return entry.fault.type === 'error'
        ? { type: 'error', status: entry.fault.status ?? 500 }
        : { type: 'drop', afterHandling: entry.fault.afterHandling ?? true };
    }
    if (operation === null || (faults.operations && !faults.operations.includes(operation))) return undefined;
    if (faults.dropRate && random() < faults.dropRate) return { type: 'drop', afterHandling: faults.dropAfterHandling ?? true };
    if (faults.errorRate && random() < faults.errorRate) {
      const statuses = faults.errorStatuses ?? [500, 502, 503];
      return { type: 'error', status: statuses[Math.floor(random() * statuses.length)] ?? 500 };
    }
    return undefined;
  }

  /** Added latency for one request, in real milliseconds. */
  latency(): number {
    const value = this.faults.latencyMs;
    if (value === undefined) return 0;
    if (typeof value === 'number') return value;
    return value[0] + this.random() * (value[1] - value[0]);
  }
}
