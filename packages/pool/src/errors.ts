import { PcoError } from '@pco/contract';

/** Codes of {@link PoolError}. */
export type PoolErrorCode = 'POOL_CLOSED' | 'POOL_LEASE_RELEASED';

/**
 * Misuse of an {@link AgentPool}: a lease released twice, use after close. (Bad options throw
 * `InvalidOptionsError` from @pco/contract.)
 */
export class PoolError extends PcoError {
  declare readonly code: PoolErrorCode;
  constructor(code: PoolErrorCode, message: string, options: { readonly cause?: unknown; readonly context?: Readonly<Record<string, unknown>> } = {}) {
    super(code, message, options);
  }
}
