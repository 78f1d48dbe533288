/**
 * The prompts of the lander's follow-ups: what the agent must do on its own pull request, with
 * the failing checks, the review comments or the conflict, and links. Everything GitHub or a
 * reviewer wrote goes through the one redactor (no token reaches an agent).
 */
import { redactTokens } from '../errors.js';
import type { FailingCheckDetail, ReviewDetail } from './details.js';
import type { PullRequestSnapshot } from './snapshot.js';

const fence = (text: string) => ['```text', redactTokens(text).replace(/```/g, "'''"), '```'];

function header(pr: PullRequestSnapshot): string[] {
  return [
    `Pull request: ${pr.url} (branch \`${pr.headRefName}\` into \`${pr.baseRefName}\`, head ${pr.headRefOid}).`,
    'Push your commits to that same branch; do not open a new pull request.',
    '',
  ];
}

/** Failing checks on the head commit. */
export function checksFailedPrompt(pr: PullRequestSnapshot, details: readonly FailingCheckDetail[]): string {
  const lines = [`The checks of your pull request failed on commit ${pr.headRefOid}. Fix the cause and push.`, ...header(pr), '## Failing checks', ''];
  const listed = details.length > 0 ? details : pr.checks.failing.map((check) => ({ check, annotations: [] }) as FailingCheckDetail);
  for (const d of listed) {
    lines.push(`### ${d.check.name} (${d.check.raw.toLowerCase()})${d.check.url ? ` — ${d.check.url}` : ''}`);
    if (d.title) lines.push(`**${redactTokens(d.title)}**`);
    if (d.summary) lines.push('', redactTokens(d.summary));
    if (d.check.description) lines.push('', redactTokens(d.check.description));
    if (d.annotations.length > 0) {
      lines.push('', 'Annotations:');
      for (const a of d.annotations) lines.push(`- \`${a.path}${a.line !== undefined ? `:${a.line}` : ''}\` (${a.level}): ${redactTokens(a.message)}`);
    }
    if (d.log) lines.push('', 'Log excerpt:', ...fence(d.log));
    lines.push('');
  }
  if (pr.checks.failingCount > listed.length) lines.push(`(${pr.checks.failingCount - listed.length} more failing check(s) not listed.)`);
  return lines.join('\n').trim();
}

/** A reviewer requested changes. */
export function changesRequestedPrompt(pr: PullRequestSnapshot, review: ReviewDetail): string {
  const lines = [`A reviewer${review.author ? ` (@${review.author})` : ''} requested changes on your pull request. Address every point and push.`, ...header(pr)];
  if (review.body) lines.push('## Review', '', redactTokens(review.body), '');
  if (review.comments.length > 0) {
    lines.push('## Comments', '');
    for (const c of review.comments) lines.push(`- \`${c.path}${c.line !== undefined ? `:${c.line}` : ''}\`: ${redactTokens(c.body).replace(/\n/g, '\n  ')}`);
  }
  return lines.join('\n').trim();
}

/** The branch conflicts with its base. */
export function conflictPrompt(pr: PullRequestSnapshot): string {
  return [
    `Your pull request conflicts with \`${pr.baseRefName}\` (now at ${pr.baseRefOid}).`,
    ...header(pr),
    `Merge \`${pr.baseRefName}\` into \`${pr.headRefName}\` (do not rebase or force-push: the branch is shared), resolve every conflict keeping both changes' intent, make sure the checks still pass, and push.`,
  ].join('\n');
}
