export { AgentPool } from './agent-pool.js';
export { PoolError } from './errors.js';
export type { PoolErrorCode } from './errors.js';
export type {
  AcquireOptions,
  AgentLease,
  AgentPoolEvents,
  AgentPoolOptions,
  AgentState,
  AgentStats,
  PoolStats,
  ReleaseOutcome,
} from './types.js';
