/**
 * What the demo proves about landing, from the run's own events: which follow-ups ran and why,
 * which pull requests merged, and that no task started before each of its prerequisites merged
 * (the default `dependentsStartWhen: merged`).
 */
import type { Orchestrator } from '@pco/core';
import { DEMO_CI_FIX, DEMO_CONFLICT, DEMO_REVIEW_FIX } from './demo-backlog.js';

/** A follow-up that ended, as the witness saw it. */
export interface WitnessedFollowUp {
  readonly taskId: string;
  readonly reason: string;
  readonly outcome: string;
}

export interface LandingWitness {
  readonly followUps: readonly WitnessedFollowUp[];
  /** Tasks whose pull requests merged. */
  readonly merged: ReadonlySet<string>;
  /** `task started before dep merged`, one per violation. */
  readonly early: readonly string[];
  /** Whether every scripted reaction happened and nothing started early. */
  asScripted(): boolean;
  /** One line per scripted reaction, for the demo's summary. */
  lines(): string[];
}

/** Listens to `orchestrator` from now on. */
export function witnessLanding(orchestrator: Orchestrator): LandingWitness {
  const followUps: WitnessedFollowUp[] = [];
  const merged = new Set<string>();
  const early: string[] = [];
  // A task done without a pull request (nothing to land) satisfies its dependents too; a
  // dependency outside the run (another repository's closed issue) is not this run's to check.
  const known = new Set<string>();
  const doneWithoutPr = new Set<string>();
  orchestrator.on('task:queued', (e) => known.add(e.taskId));
  orchestrator.on('task:done', (e) => {
    if (e.result.landing === undefined) doneWithoutPr.add(e.taskId);
  });
  orchestrator.on('task:milestone', (e) => {
    if (e.milestone === 'merged') merged.add(e.taskId);
  });
  orchestrator.on('task:follow-up', (e) => followUps.push({ taskId: e.taskId, reason: e.reason, outcome: e.outcome }));
  orchestrator.on('task:start', (e) => {
    if (e.followUp !== undefined || e.resumed) return;
    for (const dep of e.task.dependencies ?? []) {
      if (known.has(dep) && !merged.has(dep) && !doneWithoutPr.has(dep)) early.push(`${e.taskId} started before ${dep} merged`);
    }
  });
  const fixed = (taskId: string, reason: string) => followUps.some((f) => f.taskId === taskId && f.reason === reason && f.outcome === 'done') && merged.has(taskId);
  const scripted = (): [boolean, string][] => [
    [fixed(DEMO_CI_FIX, 'checks-failed'), `${DEMO_CI_FIX} failed CI; a follow-up with the failing check fixed it, and it merged`],
    [fixed(DEMO_REVIEW_FIX, 'changes-requested'), `${DEMO_REVIEW_FIX} got changes requested; a follow-up with the review comments fixed it, and it merged`],
    [
      // Which of the two merges first depends on their CI; the other one conflicts and is rebased.
      DEMO_CONFLICT.some((id) => fixed(id, 'conflict')) && DEMO_CONFLICT.every((id) => merged.has(id)),
      `${DEMO_CONFLICT.join(' and ')} changed the same file; the later one conflicted once the first merged, was rebased by a follow-up, and merged`,
    ],
    [early.length === 0, early.length === 0 ? 'no task started before each of its prerequisites merged' : `started too early: ${early.join('; ')}`],
  ];
  return {
    followUps,
    merged,
    early,
    asScripted: () => scripted().every(([ok]) => ok),
    lines: () => scripted().map(([ok, text]) => `${ok ? '✔' : '✖'} ${text}`),
  };
}
