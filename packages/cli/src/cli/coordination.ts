/**
 * The scale-out wiring of `pco run` and `pco worker` (config `coordination`, docs/scale-out.md):
 * the Codegen client's budget in Redis (`RedisBucketStore`), the GitHub client clustered per
 * principal, a `WorkerHost` running the real `CodegenExecutor` for the organisation's jobs, and
 * the `DistributedExecutor` the orchestrator dispatches to, so that every process running the
 * backlog adds the same job per attempt and one of them runs it.
 */
import { createHash } from 'node:crypto';
import { Redis } from 'ioredis';
import { closeGitHubClient, type GitHubClient } from '@pco/github-source';
import { CodegenExecutor, type CodegenClient, type RunWatcher } from '@pco/codegen-client';
import { DistributedExecutor, RedisBucketStore, WorkerHost, type JobOrigin, type JsonValue, type RedisCoordination } from '@pco/scale-out';
import type { Executor } from '@pco/contract';
import type { OrchestratorOptions } from '@pco/core';
import type { PcoConfig } from '../config/index.js';
import { CliUsageError } from './context.js';
import { createGitHubClientFor, type PipelineTuning } from './pipeline.js';

/** The config's `coordination`, present. */
export type CoordinationConfig = NonNullable<PcoConfig['coordination']>;

/** What `pco run` / `pco worker` use in the scale-out mode. */
export interface Coordination {
  readonly redis: RedisCoordination;
  readonly backlogId: string;
  /** The GitHub principal the budget is shared under (`gh:<login>`, `gh:<login>@<host>` off github.com). */
  readonly githubId: string;
  /** The GitHub client, clustered with every process acting as the same principal. */
  readonly github: GitHubClient;
  /** The Codegen client's budget, shared by every process using the organisation's token. */
  readonly bucketStore: RedisBucketStore;
  /** Orchestrator settings every process of the backlog must share (the run id: idempotency keys hold it). */
  readonly orchestrator: Pick<OrchestratorOptions, 'runId'>;
  /**
   * Starts this process's `WorkerHost` and returns the executor the orchestrator dispatches to.
   * The host runs this backlog's jobs on `own` (the real `CodegenExecutor`), and the jobs of the
   * organisation's other backlogs on executors of `client` with their backlog's Codegen settings
   * (repository, model, agent type, prompt), which travel with each job; all of them poll their
   * runs through `watcher`, `own`'s (one read per tick for the whole process).
   */
  distribute(own: Executor, client: CodegenClient, watcher: RunWatcher): Promise<DistributedExecutor>;
  /** Hands running jobs back to the queue and closes every connection. */
  close(): Promise<void>;
}

/** Hooks of {@link openCoordination}. */
export interface CoordinationOptions {
  /** Hears Redis and queue errors the parts survive (they retry). */
  readonly onError?: (error: Error) => void;
  /** GitHub client overrides (tests against the fake). */
  readonly tuning?: PipelineTuning;
  /** This process's name in `pco status`. @default `<hostname>:<pid>` */
  readonly name?: string;
}

/** `redis://host:port/db` without credentials: what messages may show. */
export function redisDisplay(url: string): string {
  try {
    const u = new URL(url);
    return `${u.protocol}//${u.host}${u.pathname === '/' ? '' : u.pathname}`;
  } catch {
    return 'the configured Redis';
  }
}

/** The secrets of the section: the URL and, on its own, its password. */
export function coordinationSecrets(config: PcoConfig): string[] {
  const url = config.coordination?.redis.url;
  if (!url) return [];
  const out = [url];
  try {
    const password = new URL(url).password;
    if (password) out.push(password, decodeURIComponent(password));
  } catch {
    // validated by the schema
  }
  return out;
}

/** The backlog id: `coordination.backlog.id`, else the repositories, else the board. */
export function backlogIdOf(config: PcoConfig): string {
  const configured = config.coordination?.backlog.id;
  if (configured) return configured;
  const project = config.github.project;
  if (config.source.type === 'project' && project) return `${project.owner}/${project.number}`.toLowerCase();
  return [...config.github.repos].map((repo) => repo.toLowerCase()).sort().join(',');
}

/** The backlog's Codegen settings, handed with each of its jobs to whichever process runs it. */
function backlogCodegen(config: PcoConfig): Record<string, JsonValue> {
  const c = config.codegen;
  return {
    ...(c.repoId !== undefined ? { repoId: c.repoId } : {}),
    ...(c.model !== undefined ? { model: c.model } : {}),
    ...(c.agentType !== undefined ? { agentType: c.agentType } : {}),
    ...(c.promptTemplate !== undefined ? { promptTemplate: c.promptTemplate } : {}),
    stopRunOnCancel: c.stopRunOnCancel,
  };
}

/** A `CodegenExecutor` on `client` for another backlog's settings (see {@link backlogCodegen}). */
function codegenExecutorFor(client: CodegenClient, watcher: RunWatcher, data: Readonly<Record<string, JsonValue>>): CodegenExecutor {
  const pick = <T>(key: string, type: string) => (typeof data[key] === type ? { [key]: data[key] as T } : {});
  return new CodegenExecutor({
    client,
    watcher,
    ...pick<number>('repoId', 'number'),
    ...pick<string>('model', 'string'),
    ...pick<string>('agentType', 'string'),
    ...pick<string>('promptTemplate', 'string'),
    ...pick<boolean>('stopRunOnCancel', 'boolean'),
  });
}

/** Fails fast (exit 2) when the configured Redis does not answer: the run would otherwise wait for it. */
export async function checkRedis(url: string): Promise<void> {
  const probe = new Redis(url, { lazyConnect: true, connectTimeout: 3000, maxRetriesPerRequest: 0, retryStrategy: () => null, enableOfflineQueue: false });
  let reason = '';
  probe.on('error', (error: Error) => void (reason = error.message));
  try {
    await probe.connect();
    await probe.ping();
  } catch (error) {
    const why = reason || (error instanceof Error ? error.message : String(error));
    throw new CliUsageError(`coordination.redis.url: Redis at ${redisDisplay(url)} did not answer (${why.replaceAll(url, redisDisplay(url))}). Start it, or remove the coordination section to run in one process.`);
  } finally {
    probe.disconnect();
  }
}

/**
 * The GitHub principal's id: `gh:<login>` from `GET /user` (`gh:<login>@<host>` on another host
 * than github.com: GitHub Enterprise Server counts its own budgets); for a token without a user
 * (an App installation) a hash of the token, so that processes using the same token still share.
 */
async function githubPrincipal(config: PcoConfig, tuning: PipelineTuning): Promise<string> {
  const host = new URL(config.github.baseUrl).hostname;
  const where = host === 'api.github.com' ? '' : `@${host}`;
  const plain = createGitHubClientFor(config, tuning);
  try {
    const { data } = await plain.request('GET /user');
    if (typeof data.login === 'string' && data.login !== '') return `gh:${data.login.toLowerCase()}${where}`;
  } catch {
    // The preflight reports a refused token; sharing falls back to the token's hash.
  }
  return `gh:token-${createHash('sha256').update(config.github.token).digest('hex').slice(0, 16)}${where}`;
}

/** Opens the scale-out parts for `config` (which must have `coordination`). */
export async function openCoordination(config: PcoConfig, options: CoordinationOptions = {}): Promise<Coordination> {
  const section = config.coordination;
  if (!section) throw new CliUsageError('This command needs the coordination section (docs/scale-out.md).');
  const { codegen } = config;
  if (codegen.orgId === undefined) throw new CliUsageError('codegen.orgId is required to coordinate: the queue and the agent cap are the organisation\'s.');
  await checkRedis(section.redis.url);
  const redis: RedisCoordination = { url: section.redis.url, prefix: section.redis.prefix };
  const onError = options.onError ?? (() => {});
  const tuning = options.tuning ?? {};
  const githubId = await githubPrincipal(config, tuning);
  const github = createGitHubClientFor(config, {
    ...tuning,
    github: { ...tuning.github, cluster: { redis: section.redis.url, id: githubId, prefix: section.redis.prefix } },
  });
  const bucketStore = new RedisBucketStore({ redis, onError });
  const backlogId = backlogIdOf(config);
  const backlogData = backlogCodegen(config);
  const others = new Map<string, CodegenExecutor>();
  let host: WorkerHost | undefined;
  let distributed: DistributedExecutor | undefined;
  let closing: Promise<void> | undefined;
  return {
    redis,
    backlogId,
    githubId,
    github,
    bucketStore,
    orchestrator: { runId: backlogId },
    async distribute(own, client, watcher) {
      const mine = JSON.stringify(backlogData);
      const executor = (origin: JobOrigin): Executor => {
        const key = JSON.stringify(origin.backlogData);
        if (origin.backlogId === backlogId || key === mine) return own;
        let found = others.get(key);
        if (!found) {
          found = codegenExecutorFor(client, watcher, origin.backlogData);
          others.set(key, found);
        }
        return found;
      };
      host = new WorkerHost({
        redis,
        orgId: codegen.orgId!,
        executor,
        agentCap: config.agent.maxConcurrentAgents,
        ...(options.name ? { name: options.name } : {}),
        onError,
      });
      await host.start();
      distributed = new DistributedExecutor({ redis, orgId: codegen.orgId!, backlogId, weight: section.backlog.weight, backlogData, onError });
      return distributed;
    },
    close() {
      closing ??= (async () => {
        await host?.close().catch(onError);
        await distributed?.close().catch(onError);
        for (const other of others.values()) other.close();
        await bucketStore.close().catch(onError);
        await closeGitHubClient(github).catch(onError);
      })();
      return closing;
    },
  };
}
