/**
 * A `LandingContext` for testing a `Lander` without the orchestrator (`@pco/testkit/helpers`):
 * it records milestones, review updates, steps and follow-ups, runs follow-ups through a handler
 * once per key (like the orchestrator: a key already run returns its recorded outcome), and keeps
 * the reactions as a journal would, so a second context built from them is a resume.
 */
import {
  systemClock,
  type Clock,
  type ExecutorOutcome,
  type FollowUpRequest,
  type LandingContext,
  type LandingMilestone,
  type LandingReaction,
  type PullRequestRef,
  type ReviewUpdate,
} from '@pco/contract';

/** Options of {@link fakeLandingContext}. */
export interface FakeLandingContextOptions {
  readonly pullRequests: readonly PullRequestRef[];
  /** Runs a follow-up (the agent's work: e.g. push to the fake GitHub). @default resolves `done` */
  readonly followUp?: (request: FollowUpRequest) => Promise<ExecutorOutcome> | ExecutorOutcome;
  /** Reactions of an earlier process (a resume). @default [] */
  readonly reactions?: readonly LandingReaction[];
  /** @default [] */
  readonly reached?: readonly LandingMilestone[];
  /** @default 'merged' */
  readonly dependentsStartWhen?: LandingMilestone;
  /** The run's signal. @default never aborts */
  readonly signal?: AbortSignal;
  /** Times the recorded reactions. @default systemClock */
  readonly clock?: Clock;
  /** @default 'run-test' */
  readonly runId?: string;
  readonly agentRunId?: number | string;
}

/** The context plus what the lander did through it. */
export interface FakeLandingContext extends LandingContext {
  /** Milestones recorded, in order. */
  readonly milestones: LandingMilestone[];
  readonly reviews: ReviewUpdate[];
  /** Every reaction, as a journal holds them (earlier ones first): pass to a new context to resume. */
  readonly recorded: LandingReaction[];
  /** Follow-ups the handler ran (not those answered from the record). */
  readonly followUps: FollowUpRequest[];
  /** Aborts `idle`: nothing else in the run can move without a human. */
  goIdle(): void;
}

export function fakeLandingContext(options: FakeLandingContextOptions): FakeLandingContext {
  const clock = options.clock ?? systemClock;
  const idle = new AbortController();
  const recorded: LandingReaction[] = [...(options.reactions ?? [])];
  const reached = new Set<LandingMilestone>(options.reached ?? []);
  const milestones: LandingMilestone[] = [];
  const reviews: ReviewUpdate[] = [];
  const followUps: FollowUpRequest[] = [];
  const running = new Map<string, Promise<ExecutorOutcome>>();
  return {
    signal: options.signal ?? new AbortController().signal,
    idle: idle.signal,
    runId: options.runId ?? 'run-test',
    pullRequests: options.pullRequests,
    ...(options.agentRunId !== undefined ? { agentRunId: options.agentRunId } : {}),
    get reactions() {
      return [...recorded];
    },
    reached,
    dependentsStartWhen: options.dependentsStartWhen ?? 'merged',
    milestones,
    reviews,
    recorded,
    followUps,
    goIdle: () => idle.abort(),
    async milestone(m) {
      // Reaching a milestone implies the earlier ones (the contract).
      for (const earlier of ['run-complete', 'pr-opened', 'checks-passed', 'merged'] as const) {
        if (!reached.has(earlier)) {
          reached.add(earlier);
          milestones.push(earlier);
        }
        if (earlier === m) break;
      }
    },
    review(update) {
      reviews.push(update);
    },
    async step(key, data) {
      recorded.push({ key, kind: 'step', at: clock.now(), ...(data ? { data } : {}) });
    },
    followUp(request) {
      const done = recorded.find((r) => r.kind === 'follow-up' && r.key === request.key && r.outcome !== undefined);
      if (done) return Promise.resolve({ status: done.outcome, agentRunId: options.agentRunId } as ExecutorOutcome);
      const live = running.get(request.key);
      if (live) return live;
      followUps.push(request);
      const run = (async () => {
        const outcome = await (options.followUp ?? (() => ({ status: 'done' }) as ExecutorOutcome))(request);
        recorded.push({ key: request.key, kind: 'follow-up', at: clock.now(), outcome: outcome.status });
        running.delete(request.key);
        return outcome;
      })();
      running.set(request.key, run);
      return run;
    },
  };
}
