/**
 * The way of one pull request to its base branch: read it (through the shared watcher), decide
 * (decide.ts), react (a follow-up through the orchestrator, or a journaled step), read again,
 * until it is merged, closed, or only a human can move it and the run is idle.
 */
import type { LandingContext, PullRequestRef, ReviewStatus } from '@pco/contract';
import { PcoError } from '@pco/contract';
import { decide, observe, type Decision, type DecidePolicy, type LandingMemory } from './decide.js';
import { failingCheckDetails, reviewDetail } from './details.js';
import type { EmitLanderEvent } from './events.js';
import { runStep, type StepAction } from './merge-actions.js';
import type { MergeTrain } from './merge-train.js';
import { ciFixOwner, type LanderSettings } from './options.js';
import type { PullRequestWatcher } from './pr-watcher.js';
import { changesRequestedPrompt, checksFailedPrompt, conflictPrompt } from './prompts.js';
import type { PullRequestSnapshot } from './snapshot.js';

/** How one pull request's landing ended. */
export type PullRequestLandingResult =
  | { readonly status: 'merged'; readonly mergedAt: number | undefined }
  | { readonly status: 'closed' }
  | { readonly status: 'needs-human'; readonly reason: string };

/** What the landings of one task share. */
export interface TaskLandingScope {
  readonly settings: LanderSettings;
  readonly watcher: PullRequestWatcher;
  readonly train: MergeTrain;
  readonly memory: LandingMemory;
  readonly context: LandingContext;
  readonly taskId: string;
  readonly emit: EmitLanderEvent;
  /** Called with every snapshot (milestones across the task's pull requests). */
  readonly onSnapshot: (ref: PullRequestRef, snapshot: PullRequestSnapshot) => Promise<void>;
}

/** Transient: network (Octokit: status 500) or 5xx after the client's retries. The step is tried again later. */
const isTransient = (e: unknown) => e instanceof PcoError && e.code === 'GITHUB_API' && ((e as { status?: number }).status ?? 0) >= 500;

function policyFor(settings: LanderSettings, repo: string): DecidePolicy {
  return { ...settings, ciFixes: ciFixOwner(settings, repo) };
}

/** Whether the step must wait for the repository's merge train (see merge-train.ts). */
function needsTrain(settings: LanderSettings, pr: PullRequestSnapshot, action: StepAction): boolean {
  if (action !== 'merge' && action !== 'update-branch') return false;
  if (pr.isMergeQueueEnabled) return false;
  return settings.merge === 'train' || (settings.merge === 'auto' && !pr.autoMergeAllowed);
}

export async function landPullRequest(scope: TaskLandingScope, ref: PullRequestRef, nodeId: string, signal: AbortSignal): Promise<PullRequestLandingResult> {
  const { settings, watcher, memory, context } = scope;
  const clock = settings.clock;
  let release: (() => void) | undefined;
  let reported = '';
  let humanWait: Extract<Decision, { kind: 'wait' }> | undefined;
  const review = (status: ReviewStatus, message: string, detail?: Record<string, unknown>) => {
    const key = `${status}\u0000${message}`;
    if (key === reported) return;
    reported = key;
    context.review({ status, message, pullRequest: ref, ...(detail ? { detail } : {}) });
  };
  const leaveTrain = () => {
    release?.();
    release = undefined;
  };
  try {
    for (;;) {
      let pr: PullRequestSnapshot;
      try {
        // Waiting on a human: the run going idle ends the wait (the contract's `idle`).
        pr = await watcher.next(nodeId, humanWait ? AbortSignal.any([signal, context.idle]) : signal);
      } catch (error) {
        if (humanWait && !signal.aborted && context.idle.aborted) return { status: 'needs-human', reason: humanWait.message };
        throw error;
      }
      const now = clock.now();
      const newlyFailed = !memory.failedHeads.has(pr.headRefOid);
      observe(memory, pr, now);
      if (newlyFailed && memory.failedHeads.has(pr.headRefOid) && ciFixOwner(settings, pr.repo) === 'codegen') {
        // Counted across a crash: Codegen's fixer gets `codegenFixAttempts` heads in all.
        await context.step(`ci-failed:${pr.headRefOid}`, { pullRequest: ref.url });
      }
      await scope.onSnapshot(ref, pr);
      const d = decide(pr, memory, policyFor(settings, pr.repo), now);
      humanWait = undefined;
      switch (d.kind) {
        case 'landed':
          return { status: 'merged', mergedAt: pr.mergedAt ? Date.parse(pr.mergedAt) : undefined };
        case 'closed':
          return { status: 'closed' };
        case 'wait':
          // A PR waiting on CI after its update keeps its place on the train; one waiting on a human does not.
          if (d.human) leaveTrain();
          review(d.status, d.message);
          if (d.human) {
            if (context.idle.aborted) return { status: 'needs-human', reason: d.message };
            humanWait = d;
          }
          if (d.hurry) watcher.hurry();
          break;
        case 'follow-up':
          leaveTrain();
          await followUp(scope, ref, pr, d, review, signal);
          break;
        case 'step':
          if (!release && needsTrain(settings, pr, d.action)) {
            review('queued', 'waiting for its turn on the merge train');
            release = await scope.train.acquire(`${pr.repo}:${pr.baseRefName}`.toLowerCase(), signal);
            break; // read it again: the base may have moved while it waited
          }
          await step(scope, ref, pr, d, review, signal);
          break;
      }
    }
  } finally {
    leaveTrain();
  }
}

async function followUp(
  scope: TaskLandingScope,
  ref: PullRequestRef,
  pr: PullRequestSnapshot,
  d: Extract<Decision, { kind: 'follow-up' }>,
  review: (status: ReviewStatus, message: string, detail?: Record<string, unknown>) => void,
  signal: AbortSignal,
): Promise<void> {
  const { settings, memory, context } = scope;
  if (!memory.followUpKeys.has(d.key)) memory.followUps.set(d.reason, (memory.followUps.get(d.reason) ?? 0) + 1);
  memory.followUpKeys.set(d.key, { endedAt: undefined, outcome: undefined });
  let prompt: string;
  let detail: Record<string, unknown>;
  if (d.reason === 'checks-failed') {
    prompt = checksFailedPrompt(pr, await failingCheckDetails(settings, pr, signal));
    detail = { checks: pr.checks.failing.map((c) => c.name), sha: pr.headRefOid };
  } else if (d.reason === 'changes-requested') {
    const r = await reviewDetail(settings.client, d.reviewId ?? '', settings.details.maxReviewComments, signal);
    prompt = changesRequestedPrompt(pr, r);
    detail = { reviewer: r.author, comments: r.comments.length };
  } else {
    prompt = conflictPrompt(pr);
    detail = { base: pr.baseRefName, baseSha: pr.baseRefOid };
  }
  review(d.reason, `asked the agent to fix it (${d.key.split(':')[0]} follow-up ${memory.followUps.get(d.reason)} of ${settings.maxFollowUps[d.reason]})`, detail);
  scope.emit('reaction', { taskId: scope.taskId, pullRequest: ref.url, key: d.key, kind: 'follow-up' });
  const outcome = await context.followUp({ key: d.key, reason: d.reason, prompt, pullRequest: ref });
  memory.followUpKeys.set(d.key, { endedAt: settings.clock.now(), outcome: outcome.status });
  scope.emit('reaction', { taskId: scope.taskId, pullRequest: ref.url, key: d.key, kind: 'follow-up', outcome: outcome.status });
  scope.watcher.hurry();
}

const STEP_STATUS: Record<StepAction, ReviewStatus> = { 'update-branch': 'behind', merge: 'merging', 'auto-merge': 'merging', enqueue: 'queued' };
const STEP_MESSAGE: Record<StepAction, string> = {
  'update-branch': 'updating the branch with its base (merge)',
  merge: 'merging',
  'auto-merge': 'auto-merge enabled: GitHub merges once the rules are met',
  enqueue: 'added to the merge queue',
};

async function step(
  scope: TaskLandingScope,
  ref: PullRequestRef,
  pr: PullRequestSnapshot,
  d: Extract<Decision, { kind: 'step' }>,
  review: (status: ReviewStatus, message: string) => void,
  signal: AbortSignal,
): Promise<void> {
  const { settings, memory, context } = scope;
  const entry = memory.steps.get(d.key) ?? { attempts: 0, at: 0 };
  // Journaled BEFORE the request: after a crash the key says "maybe sent", and the next decision
  // is made on a fresh read of the pull request (merged already? same head still?), never blind.
  if (entry.attempts === 0) await context.step(d.key, { pullRequest: ref.url, sha: d.sha, action: d.action });
  entry.attempts++;
  entry.at = settings.clock.now();
  memory.steps.set(d.key, entry);
  review(STEP_STATUS[d.action], STEP_MESSAGE[d.action]);
  let outcome: string;
  try {
    const result = await runStep(settings.client, d.action, pr.id, d.sha, settings.mergeMethod, signal);
    outcome = result.ok ? 'sent' : `refused: ${result.reason}`;
    entry.refusal = result.ok ? undefined : result.reason;
    // Auto-merge refused on a clean PR: it can be merged now (github-api.md §2.5), no need to wait.
    if (!result.ok && result.clean) entry.at = Number.NEGATIVE_INFINITY;
  } catch (error) {
    if (!isTransient(error)) throw error;
    outcome = 'failed (transient)';
    entry.refusal = (error as Error).message;
  }
  scope.emit('reaction', { taskId: scope.taskId, pullRequest: ref.url, key: d.key, kind: 'step', outcome });
  scope.watcher.hurry();
}
