export { DistributedExecutor, AGENT_RUN_JOB } from './distributed-executor.js';
export { WorkerHost } from './worker-host.js';
export { RedisBucketStore } from './redis-bucket-store.js';
export { readScaleOutStatus } from './status.js';
export { jobIdOf, queueNameOf } from './job-id.js';
export { ScaleOutJobError, RemoteExecutorError } from './errors.js';
export type {
  DistributedExecutorOptions,
  JobOrigin,
  JsonValue,
  LiveJob,
  RedisBucketStoreOptions,
  RedisCoordination,
  ScaleOutStatus,
  WorkerHostOptions,
} from './types.js';
