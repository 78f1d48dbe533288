/**
 * A branch per task (`pco/12-add-the-order-model`), created from the repository's default branch
 * when the task starts, so the agent knows where to push.
 */
import type { EmitReporterEvent } from './events.js';
import type { GitHubClient } from './octokit.js';
import type { GitHubTask } from './types.js';

export class TaskBranches {
  readonly #client: GitHubClient;
  readonly #prefix: string;
  readonly #emit: EmitReporterEvent;
  /** Per repository (lower case), its default branch. */
  readonly #defaultBranches = new Map<string, string>();

  constructor(client: GitHubClient, prefix: string, emit: EmitReporterEvent) {
    this.#client = client;
    this.#prefix = prefix;
    this.#emit = emit;
  }

  /** `<prefix><issue number or id>-<slug of the title>`. */
  name(task: Pick<GitHubTask, 'id' | 'title' | 'source'>): string {
    const n = task.source?.number;
    const slug = task.title
      .toLowerCase()
      .normalize('NFKD')
      .replace(/[^a-z0-9]+/g, '-')
      .replace(/^-+|-+$/g, '')
      .slice(0, 40)
      .replace(/-+$/, '');
    const id = typeof n === 'number' ? String(n) : task.id.replace(/[^A-Za-z0-9]+/g, '-');
    return `${this.#prefix}${id}${slug ? `-${slug}` : ''}`;
  }

  /** Creates the task's branch in `repo` from the default branch; an existing one is fine. */
  async ensure(task: GitHubTask, repo: string, signal?: AbortSignal): Promise<void> {
    const [owner, name] = repo.split('/') as [string, string];
    const client = this.#client;
    const branch = this.name(task);
    let base = this.#defaultBranches.get(repo.toLowerCase());
    if (base === undefined) {
      const r = await client.request('GET /repos/{owner}/{repo}', { owner, repo: name, request: { signal } });
      base = r.data.default_branch;
      this.#defaultBranches.set(repo.toLowerCase(), base);
    }
    const head = await client.request('GET /repos/{owner}/{repo}/git/ref/{ref}', { owner, repo: name, ref: `heads/${base}`, request: { signal } });
    try {
      await client.request('POST /repos/{owner}/{repo}/git/refs', { owner, repo: name, ref: `refs/heads/${branch}`, sha: head.data.object.sha, request: { signal } });
      this.#emit('branch', { taskId: task.id, repo, branch, created: true });
    } catch (error) {
      const e = error as { status?: number; message?: string };
      if (e.status === 422 && /already exists/i.test(String(e.message))) {
        this.#emit('branch', { taskId: task.id, repo, branch, created: false });
        return;
      }
      throw error;
    }
  }
}
