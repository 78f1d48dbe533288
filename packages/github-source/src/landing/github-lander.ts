/**
 * `GitHubLander`: the contract's `Lander` on GitHub. For a task whose agent opened pull requests
 * it watches them (one batched poll for every PR of the run), reacts to failing checks, change
 * requests, conflicts and stale branches, merges (auto-merge, a merge train, or the merge
 * queue), records milestones for the orchestrator, and ends `landed`, `failed` (closed unmerged)
 * or `needs-input` (only a human can move it, and the run is idle).
 */
import type { Lander, LandingContext, LandingMilestone, LandingOutcome, PullRequestRef } from '@pco/contract';
import type { GitHubTask } from '../types.js';
import { checksPassed, emptyMemory, type LandingMemory } from './decide.js';
import { LanderEvents, type GitHubLanderEvents } from './events.js';
import { MergeTrain } from './merge-train.js';
import { resolveLanderOptions, type GitHubLanderOptions, type LanderSettings } from './options.js';
import { PullRequestWatcher } from './pr-watcher.js';
import { landPullRequest, type PullRequestLandingResult } from './pull-request-landing.js';
import type { PullRequestSnapshot } from './snapshot.js';

/** Rebuilds what earlier processes did for the task from its journaled reactions. */
export function memoryFrom(context: Pick<LandingContext, 'reactions'>): LandingMemory {
  const memory = emptyMemory();
  const seen = new Set<string>();
  for (const r of context.reactions) {
    if (r.kind === 'follow-up') {
      const reason = r.key.split(':')[0] ?? r.key;
      if (!seen.has(r.key)) memory.followUps.set(reason, (memory.followUps.get(reason) ?? 0) + 1);
      seen.add(r.key);
      const known = memory.followUpKeys.get(r.key);
      // The entry with an outcome wins over one recorded when the follow-up started.
      if (!known || known.outcome === undefined) memory.followUpKeys.set(r.key, { endedAt: r.outcome ? r.at : undefined, outcome: r.outcome });
    } else if (r.key.startsWith('ci-failed:')) {
      memory.failedHeads.add(r.key.slice('ci-failed:'.length));
    } else {
      memory.steps.set(r.key, { attempts: 1, at: r.at });
    }
  }
  return memory;
}

/**
 * Lands the pull requests of done tasks on GitHub (see the module comment and docs/landing.md).
 *
 * @example
 * const lander = new GitHubLander({ client, ciFixes: 'codegen' });
 * const orc = new Orchestrator({ source, executor, reporters, lander, dependentsStartWhen: 'merged' });
 */
export class GitHubLander implements Lander<GitHubTask> {
  readonly #settings: LanderSettings;
  readonly #events = new LanderEvents();
  readonly #watcher: PullRequestWatcher;
  readonly #train = new MergeTrain();

  constructor(options: GitHubLanderOptions) {
    this.#settings = resolveLanderOptions(options);
    this.#watcher = new PullRequestWatcher(this.#settings, this.#events.emit);
  }

  /** Subscribes to an event; returns the unsubscribe. A listener that throws is ignored. */
  on<K extends keyof GitHubLanderEvents>(event: K, listener: (payload: GitHubLanderEvents[K]) => unknown): () => void {
    return this.#events.on(event, listener);
  }

  /** Pull requests waiting for their next poll. */
  get watching(): number {
    return this.#watcher.watching;
  }

  /** Stops polling: landings in progress reject with `reason`. */
  close(reason?: unknown): void {
    this.#watcher.close(reason);
  }

  async land(task: GitHubTask, context: LandingContext): Promise<LandingOutcome> {
    const refs = context.pullRequests;
    if (refs.length === 0) return { status: 'failed', reason: `${task.id} has no pull request to land` };
    const reached = new Set<LandingMilestone>(context.reached);
    const milestone = async (m: LandingMilestone) => {
      if (reached.has(m)) return;
      reached.add(m);
      await context.milestone(m);
    };
    await milestone('pr-opened');
    const ids = await this.#watcher.resolve(refs, context.signal);
    const latest = new Map<string, PullRequestSnapshot>();
    // One sibling closed unmerged fails the task: stop watching the others.
    const stop = new AbortController();
    const signal = AbortSignal.any([context.signal, stop.signal]);
    const scope = {
      settings: this.#settings,
      watcher: this.#watcher,
      train: this.#train,
      memory: memoryFrom(context),
      context,
      taskId: task.id,
      emit: this.#events.emit,
      onSnapshot: async (ref: PullRequestRef, pr: PullRequestSnapshot) => {
        latest.set(ref.url, pr);
        const passed = (p: PullRequestSnapshot | undefined) => p !== undefined && (p.merged || (p.state === 'OPEN' && checksPassed(p)));
        if (refs.every((r) => passed(latest.get(r.url)))) await milestone('checks-passed');
      },
    };
    const results = await Promise.all(
      refs.map(async (ref, i): Promise<PullRequestLandingResult> => {
        try {
          const result = await landPullRequest(scope, ref, ids[i]!, signal);
          if (result.status === 'closed') stop.abort();
          return result;
        } catch (error) {
          if (stop.signal.aborted && !context.signal.aborted) return { status: 'needs-human', reason: 'stopped: a sibling pull request was closed' };
          throw error;
        }
      }),
    );
    const closed = refs.filter((_, i) => results[i]!.status === 'closed');
    if (closed.length > 0) return { status: 'failed', reason: `closed without merging: ${closed.map((r) => r.url).join(', ')}`, pullRequests: refs };
    const human = results.flatMap((r, i) => (r.status === 'needs-human' ? [`${refs[i]!.url}: ${r.reason}`] : []));
    if (human.length > 0) return { status: 'needs-input', reason: human.join('; '), pullRequests: refs };
    await milestone('merged'); // implies checks-passed (the contract)
    const times = results.flatMap((r) => (r.status === 'merged' && r.mergedAt !== undefined ? [r.mergedAt] : []));
    return {
      status: 'landed',
      pullRequests: refs.map((r) => ({ ...r, state: 'MERGED' })),
      ...(times.length > 0 ? { mergedAt: Math.max(...times) } : {}),
      summary: `merged ${refs.map((r) => (r.number !== undefined ? `#${r.number}` : r.url)).join(', ')}`,
    };
  }
}
