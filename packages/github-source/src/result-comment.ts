/**
 * The result comment of a task: one per task, found again by a hidden marker and edited on later
 * attempts (outcome, attempts, duration, agent run, pull requests with their merge outcome, error
 * and summary, tokens redacted).
 */
import type { PullRequestRef, TaskResult, TaskState, TaskUpdate } from '@pco/contract';
import { redactTokens } from './errors.js';
import type { GitHubClient } from './octokit.js';
import type { ReviewProgressEntry } from './review-progress.js';
import type { GitHubTask, MergeOutcome } from './types.js';

/** A pull request of a done task and how it was (not) merged. */
export interface PullRequestMerge {
  readonly pr: PullRequestRef;
  readonly outcome: MergeOutcome;
}

/** GitHub refuses comments over 65,536 characters; leave room for the truncation note. */
const MAX_COMMENT = 60_000;

/** The hidden marker that identifies a task's result comment. */
export const resultCommentMarker = (taskId: string): string => `<!-- pco:result task=${taskId} -->`;

/** Writes and finds again the result comment of each task. */
export class ResultComments {
  readonly #client: GitHubClient;
  /** Per task, the id of its comment (found by the marker, or created). */
  readonly #ids = new Map<string, number>();

  constructor(client: GitHubClient) {
    this.#client = client;
  }

  /** Edits the task's comment, or writes it when there is none (or it was deleted meanwhile). */
  async upsert(
    repo: string,
    number: number,
    update: TaskUpdate<GitHubTask>,
    merges: readonly PullRequestMerge[],
    progress: readonly ReviewProgressEntry[],
    signal?: AbortSignal,
  ): Promise<void> {
    const [owner, repoName] = repo.split('/') as [string, string];
    const taskId = update.task.id;
    const body = renderResultComment(update, merges, progress);
    const marker = resultCommentMarker(taskId);
    const client = this.#client;
    let id = this.#ids.get(taskId);
    if (id === undefined) {
      const comments = await client.paginate('GET /repos/{owner}/{repo}/issues/{issue_number}/comments', {
        owner,
        repo: repoName,
        issue_number: number,
        per_page: 100,
        // plugin-paginate-rest 14 types its `request` against an older @octokit/types.
        request: { signal },
      } as { owner: string; repo: string; issue_number: number; per_page: number });
      id = (comments as { id: number; body?: string }[]).find((c) => c.body?.includes(marker))?.id;
    }
    if (id !== undefined) {
      try {
        await client.request('PATCH /repos/{owner}/{repo}/issues/comments/{comment_id}', { owner, repo: repoName, comment_id: id, body, request: { signal } });
        this.#ids.set(taskId, id);
        return;
      } catch (error) {
        if ((error as { status?: number }).status !== 404) throw error;
        this.#ids.delete(taskId); // deleted meanwhile: write a new one
      }
    }
    const created = await client.request('POST /repos/{owner}/{repo}/issues/{issue_number}/comments', {
      owner,
      repo: repoName,
      issue_number: number,
      body,
      request: { signal },
    });
    this.#ids.set(taskId, Number(created.data.id));
  }
}

const ICONS: Partial<Record<TaskState, string>> = { done: '✅', failed: '❌', skipped: '⏭️', 'needs-input': '❓', interrupted: '⏸️', running: '🏃', retrying: '🔁', 'in-review': '👀' };

function formatDuration(ms: number): string {
  const s = Math.round(ms / 1000);
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  return h > 0 ? `${h}h ${m}m` : m > 0 ? `${m}m ${s % 60}s` : `${s}s`;
}

const cell = (s: string) => s.replace(/\|/g, '\\|').replace(/\n/g, ' ');

function describeMerge(o: MergeOutcome): string {
  switch (o.status) {
    case 'merged':
      return 'merged';
    case 'auto-merge-enabled':
      return 'auto-merge enabled';
    case 'already-merged':
      return 'already merged';
    case 'auto-merge-already-enabled':
      return 'auto-merge already enabled';
    case 'not-merged':
      return `not merged: ${o.reason}`;
  }
}

/** The result comment for a task update (marker first, so it can be found again). */
export function renderResultComment(update: TaskUpdate<GitHubTask>, merges: readonly PullRequestMerge[] = [], progress: readonly ReviewProgressEntry[] = []): string {
  const r: Partial<TaskResult> = update.result ?? {};
  const landing = r.landing;
  const outcome = update.state === 'done' && landing?.state === 'landed' ? 'done (landed)' : update.state;
  const rows: [string, string][] = [
    ['Outcome', `**${outcome}**`],
    ['Attempts', String(r.attempts ?? update.attempt)],
  ];
  const review = update.state === 'in-review' ? (update.review?.status ?? landing?.review) : landing?.review;
  if (landing) {
    rows.push(['Pull request', `${landing.state}${review && landing.state !== 'landed' ? ` (${review})` : ''}${landing.landedAt ? `, merged ${landing.landedAt}` : ''}`]);
    if (landing.reached.length > 0) rows.push(['Milestones', landing.reached.join(' → ')]);
    rows.push(['Reactions', String(landing.reactions)]);
  } else if (update.state === 'in-review') {
    rows.push(['Pull request', `in review${review ? ` (${review})` : ''}`]);
  }
  if (r.durationMs !== undefined) rows.push(['Duration', formatDuration(r.durationMs)]);
  if (r.webUrl) rows.push(['Agent run', `[${r.runId ?? 'open'}](${r.webUrl})`]);
  else if (r.runId !== undefined) rows.push(['Agent run', String(r.runId)]);
  const prs = r.pullRequests ?? [];
  if (prs.length > 0) {
    rows.push([
      'Pull requests',
      prs
        .map((pr) => {
          const merge = merges.find((m) => m.pr === pr);
          const label = pr.number !== undefined ? `${pr.repo ?? ''}#${pr.number}` : pr.url;
          return `[${cell(label)}](${pr.url})${merge ? ` (${describeMerge(merge.outcome)})` : ''}`;
        })
        .join('<br>'),
    ]);
  }
  if (r.skippedBecause) rows.push(['Skipped because of', r.skippedBecause]);
  const parts = [
    resultCommentMarker(update.task.id),
    `### ${ICONS[update.state] ?? '•'} pco: ${update.task.title ? cell(update.task.title) : update.task.id}`,
    '',
    '| | |',
    '| --- | --- |',
    ...rows.map(([k, v]) => `| ${k} | ${cell(v)} |`),
  ];
  if (r.error) parts.push('', '**Error**', '', '```text', redactTokens(r.error).replace(/```/g, "'''"), '```');
  const latest = update.state === 'in-review' ? update.review?.message ?? landing?.message : landing?.message;
  if (latest) parts.push('', `**Now:** ${redactTokens(latest)}`);
  if (progress.length > 0) {
    parts.push('', '<details><summary>Review progress</summary>', '');
    for (const p of progress) {
      const pr = p.pullRequest ? ` [${cell(p.pullRequest.replace(/^https:\/\/github\.com\//, ''))}](${p.pullRequest})` : '';
      parts.push(`- ${new Date(p.at).toISOString()} \`${cell(p.status)}\`${pr}${p.message ? `: ${redactTokens(p.message).replace(/\n/g, ' ')}` : ''}`);
    }
    parts.push('', '</details>');
  }
  if (r.summary) parts.push('', '**Summary**', '', redactTokens(r.summary));
  parts.push('', `<sub>pco run \`${cell(update.runId)}\` · ${new Date(update.at).toISOString()}</sub>`);
  let body = parts.join('\n');
  if (body.length > MAX_COMMENT) body = `${body.slice(0, MAX_COMMENT)}\n\n… (truncated)`;
  return body;
}
