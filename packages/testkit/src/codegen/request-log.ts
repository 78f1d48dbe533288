/** The fake Codegen's request log and the counts tests read from it. */
import type { FakeCodegenOperation } from './rate-limits.js';
import type { FakeCodegenStats, FakeRequestRecord } from './types.js';

/** Counts over `requests`; `maxInWindow` comes from the rate limiter's windows. */
export function requestStats(requests: readonly FakeRequestRecord[], maxInWindow: Record<string, number>): FakeCodegenStats {
  const byOperation: Partial<Record<FakeCodegenOperation, number>> = {};
  const rateLimitedByOperation: Partial<Record<FakeCodegenOperation, number>> = {};
  let rateLimited = 0;
  let overLimitCount = 0;
  let serverErrors = 0;
  let dropped = 0;
  for (const record of requests) {
    if (record.operation) byOperation[record.operation] = (byOperation[record.operation] ?? 0) + 1;
    if (record.status === 429) {
      rateLimited += 1;
      if (record.operation) rateLimitedByOperation[record.operation] = (rateLimitedByOperation[record.operation] ?? 0) + 1;
    }
    if (record.overLimit) overLimitCount += 1;
    if (typeof record.status === 'number' && record.status >= 500) serverErrors += 1;
    if (record.status === 'dropped') dropped += 1;
  }
  return {
    total: requests.length,
    byOperation,
    rateLimited,
    rateLimitedByOperation,
    overLimit: overLimitCount,
    maxInWindow,
    serverErrors,
    dropped,
  };
}
