/**
 * The status label (`status:running`, ...) of an issue task: the new one is added, then every
 * other label with the prefix is removed.
 */
import { labelFor, type GitHubStatusKey, type ReporterSettings } from './reporter-options.js';
import type { WrittenStates } from './written-state.js';

export class StatusLabels {
  readonly #settings: ReporterSettings;
  readonly #written: WrittenStates;

  constructor(settings: ReporterSettings, written: WrittenStates) {
    this.#settings = settings;
    this.#written = written;
  }

  /** Writes the label `key` (a state, or its refinement) maps to on `repo#number`, unless it is the one last written. */
  async write(taskId: string, repo: string, number: number, key: GitHubStatusKey, signal?: AbortSignal): Promise<void> {
    const { client, labelPrefix: prefix } = this.#settings;
    const wanted = labelFor(this.#settings, key);
    if (wanted === undefined) return;
    const written = this.#written.of(taskId);
    if (written.label === wanted) return;
    // Forget it until the write is through: a failed or aborted step is redone by the next report.
    written.label = undefined;
    const [owner, repoName] = repo.split('/') as [string, string];
    // Adding returns the issue's full label list (and creates a missing label), so the previous
    // status labels are known without another read.
    const added = await client.request('POST /repos/{owner}/{repo}/issues/{issue_number}/labels', {
      owner,
      repo: repoName,
      issue_number: number,
      labels: [wanted],
      request: { signal },
    });
    const stale = added.data.map((l) => l.name).filter((l) => l.toLowerCase().startsWith(prefix.toLowerCase()) && l.toLowerCase() !== wanted.toLowerCase());
    for (const label of stale) {
      try {
        await client.request('DELETE /repos/{owner}/{repo}/issues/{issue_number}/labels/{name}', {
          owner,
          repo: repoName,
          issue_number: number,
          name: label,
          request: { signal },
        });
      } catch (error) {
        // 404 "Label does not exist": someone removed it already (research §1.5).
        if ((error as { status?: number }).status !== 404) throw error;
      }
    }
    written.label = wanted;
  }
}
