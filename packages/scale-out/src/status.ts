/** What `pco status` shows of the scale-out mode: the organisation's queue now. */
import { Queue } from 'bullmq';
import { FairClock } from './fair-clock.js';
import type { AgentJobData } from './job-data.js';
import { queueNameOf } from './job-id.js';
import { connect, prefixOf } from './redis-connection.js';
import type { LiveJob, RedisCoordination, ScaleOutStatus } from './types.js';

/**
 * Reads the organisation's queue: job counts, the live (active) jobs with their backlog, task,
 * worker and agent run, live jobs per backlog and per worker, the cap, and the fair-queuing state
 * per backlog. Read-only; opens and closes its own connection.
 */
export async function readScaleOutStatus(options: { readonly redis: RedisCoordination; readonly orgId: number | string }): Promise<ScaleOutStatus> {
  const redis = connect(options.redis, { maxRetriesPerRequest: 3 });
  const prefix = prefixOf(options.redis);
  const name = queueNameOf(options.orgId);
  const queue = new Queue(name, { connection: redis, prefix });
  try {
    const [counts, active, cap, fair] = await Promise.all([
      queue.getJobCounts('waiting', 'prioritized', 'active', 'completed', 'failed', 'delayed'),
      queue.getJobs(['active']),
      queue.getGlobalConcurrency(),
      new FairClock(redis, prefix, name).state(),
    ]);
    const live: LiveJob[] = active.map((job) => {
      const data = job.data as AgentJobData;
      return {
        jobId: job.id ?? '',
        backlogId: data.backlogId,
        taskId: data.task.id,
        attempt: data.attempt,
        ...(job.processedBy === undefined ? {} : { worker: job.processedBy }),
        ...(data.agentRunId === undefined ? {} : { agentRunId: data.agentRunId }),
        ...(job.processedOn === undefined ? {} : { startedAt: job.processedOn }),
      };
    });
    const tally = (key: (job: LiveJob) => string | undefined) => {
      const out: Record<string, number> = {};
      for (const job of live) {
        const k = key(job) ?? '?';
        out[k] = (out[k] ?? 0) + 1;
      }
      return out;
    };
    return {
      queue: name,
      ...(cap === null || cap === undefined ? {} : { agentCap: Number(cap) }),
      counts: {
        waiting: (counts.waiting ?? 0) + (counts.prioritized ?? 0) + (counts.delayed ?? 0),
        active: counts.active ?? 0,
        completed: counts.completed ?? 0,
        failed: counts.failed ?? 0,
      },
      live,
      liveByBacklog: tally((job) => job.backlogId),
      liveByWorker: tally((job) => job.worker),
      backlogs: fair.backlogs,
    };
  } finally {
    await queue.close().catch(() => undefined);
    redis.disconnect();
  }
}
