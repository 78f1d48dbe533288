/**
 * Follow-ups: an attempt that continues a task's pull request (`ExecutionContext.followUp`),
 * asked for by a lander when checks fail, a reviewer requests changes or the branch conflicts.
 * This module holds the prompts; the executor resumes the run that made the PR where Codegen
 * accepts it, else creates a new run told to push to the PR's branch.
 */
import type { FollowUp, PullRequestRef, Task } from '@pco/contract';

/** What a follow-up prompt can use. */
export interface FollowUpPromptContext {
  readonly task: Task;
  readonly attempt: number;
  readonly followUp: FollowUp;
  /**
   * `resume`: the prompt goes to the run that opened the PR (it knows the task);
   * `new-run`: to a new agent, which knows nothing but this prompt.
   */
  readonly kind: 'resume' | 'new-run';
}

function branchOf(pr: PullRequestRef): string {
  return pr.headBranch ? `the branch \`${pr.headBranch}\`` : 'the branch';
}

/**
 * The default follow-up prompt. A resume gets the lander's request and where to push; a new run
 * also gets the pull request, its repository and branch, and the original task, since it starts
 * with no memory of either.
 */
export function defaultFollowUpPrompt(context: FollowUpPromptContext): string {
  const { task, followUp } = context;
  const pr = followUp.pullRequest;
  const push = `Push your commits to ${branchOf(pr)} of pull request ${pr.url}; do not open a new pull request.`;
  if (context.kind === 'resume') return `${followUp.prompt.trim()}\n\n${push}`;
  const where = [pr.repo ? `repository ${pr.repo}` : undefined, pr.headBranch ? `branch \`${pr.headBranch}\`` : undefined]
    .filter(Boolean)
    .join(', ');
  return [
    `Follow-up on pull request ${pr.url}${where ? ` (${where})` : ''}, opened for the task "${task.title}" (${task.id}${task.url ? ` ${task.url}` : ''}).`,
    followUp.prompt.trim(),
    `Check out ${branchOf(pr)} of that pull request, make the changes there and push your commits to it. Do not open a new pull request.`,
    `## The original task\n${task.title}\n\n${(task.body ?? '').trim() || '(no description)'}`,
  ].join('\n\n');
}

/**
 * The metadata of a new run that continues a pull request (beside the attempt's own keys), so a
 * person (or a fake) reading the run list sees which PR and which follow-up it serves.
 */
export function followUpMetadata(followUp: FollowUp): Record<string, string | number> {
  return {
    pco_follow_up_key: followUp.key,
    pco_follow_up_reason: followUp.reason,
    pco_follow_up_pr: followUp.pullRequest.url,
    ...(followUp.previousRunId === undefined ? {} : { pco_previous_run_id: followUp.previousRunId }),
  };
}

/** The follow-up's previous run id as the API takes it, or undefined when there is none usable. */
export function previousRunIdOf(followUp: FollowUp): number | undefined {
  const id = Number(followUp.previousRunId);
  return followUp.previousRunId !== undefined && Number.isInteger(id) && id > 0 ? id : undefined;
}
