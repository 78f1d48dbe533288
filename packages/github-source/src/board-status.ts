/**
 * The board's Status field of a task (`updateProjectV2ItemFieldValue`): board tasks carry their
 * item and field; issue tasks find theirs through the issue's project items (`project` option).
 */
import type { TaskUpdate } from '@pco/contract';
import type { EmitReporterEvent } from './events.js';
import { boardOptionFor, statusKeyOf, type ReporterSettings } from './reporter-options.js';
import type { GitHubTask, GitHubTaskSourceRef } from './types.js';
import type { WrittenStates } from './written-state.js';

interface BoardTarget {
  readonly projectId: string;
  readonly itemId: string;
  readonly fieldId: string;
  readonly options: Readonly<Record<string, string>>;
}

interface IssueBoardItems {
  readonly node: {
    readonly projectItems?: {
      readonly nodes: readonly {
        readonly id: string;
        readonly project: {
          readonly id: string;
          readonly number: number;
          readonly owner: { readonly login?: string };
          readonly field: { readonly id: string; readonly options: readonly { readonly id: string; readonly name: string }[] } | null;
        };
      }[];
    };
  } | null;
}

export class BoardStatus {
  readonly #settings: ReporterSettings;
  readonly #written: WrittenStates;
  readonly #emit: EmitReporterEvent;
  /** Per issue task, the board item found through its project items (null: none to update). */
  readonly #targets = new Map<string, BoardTarget | null>();

  constructor(settings: ReporterSettings, written: WrittenStates, emit: EmitReporterEvent) {
    this.#settings = settings;
    this.#written = written;
    this.#emit = emit;
  }

  /** Sets the option `update`'s state (or its refinement, see `statusKeyOf`) maps to, unless it is the one last written. */
  async write(update: TaskUpdate<GitHubTask>, ref: GitHubTaskSourceRef, signal?: AbortSignal): Promise<void> {
    const taskId = update.task.id;
    const wanted = boardOptionFor(this.#settings, statusKeyOf(update));
    if (wanted === undefined) return;
    const target = await this.#target(taskId, ref, signal);
    if (!target) return;
    const optionName = Object.keys(target.options).find((n) => n.toLowerCase() === wanted.toLowerCase());
    if (optionName === undefined) {
      this.#emit('warning', { taskId, message: `the board's Status field has no option "${wanted}" (has: ${Object.keys(target.options).join(', ')})` });
      return;
    }
    const optionId = target.options[optionName];
    const written = this.#written.of(taskId);
    if (written.boardOption === optionId) return;
    written.boardOption = undefined;
    written.boardWanted = undefined;
    await this.#settings.client.graphql(
      `mutation PcoSetStatus($projectId: ID!, $itemId: ID!, $fieldId: ID!, $optionId: String!) {
        updateProjectV2ItemFieldValue(input: { projectId: $projectId, itemId: $itemId, fieldId: $fieldId, value: { singleSelectOptionId: $optionId } }) { projectV2Item { id } }
      }`,
      { projectId: target.projectId, itemId: target.itemId, fieldId: target.fieldId, optionId, request: { signal } },
    );
    written.boardOption = optionId;
    written.boardWanted = wanted;
  }

  async #target(taskId: string, ref: GitHubTaskSourceRef, signal?: AbortSignal): Promise<BoardTarget | null> {
    const { projectId, projectItemId: itemId, statusFieldId: fieldId, statusOptions } = ref;
    if (projectId && itemId && fieldId && statusOptions && typeof statusOptions === 'object') {
      return { projectId, itemId, fieldId, options: statusOptions };
    }
    const board = this.#settings.project;
    if (!board || !ref.nodeId || ref.kind !== 'issue') return null;
    if (this.#targets.has(taskId)) return this.#targets.get(taskId) ?? null;
    const data = await this.#settings.client.graphql<IssueBoardItems>(
      `query PcoIssueBoardItem($id: ID!, $statusField: String!) {
        node(id: $id) { ... on Issue { projectItems(first: 50) { nodes { id project {
          id number owner { ... on Organization { login } ... on User { login } }
          field(name: $statusField) { ... on ProjectV2SingleSelectField { id options { id name } } }
        } } } } }
      }`,
      { id: ref.nodeId, statusField: board.statusField, request: { signal } },
    );
    const item = data.node?.projectItems?.nodes.find((n) => n.project.number === board.number && n.project.owner.login?.toLowerCase() === board.owner.toLowerCase());
    let target: BoardTarget | null = null;
    if (!item) {
      this.#emit('warning', { taskId, message: `${taskId} is not on project ${board.owner}/${board.number}; board status not updated` });
    } else if (!item.project.field?.id) {
      this.#emit('warning', { taskId, message: `project ${board.owner}/${board.number} has no single-select field "${board.statusField}"` });
    } else {
      target = { projectId: item.project.id, itemId: item.id, fieldId: item.project.field.id, options: Object.fromEntries(item.project.field.options.map((o) => [o.name, o.id])) };
    }
    this.#targets.set(taskId, target);
    return target;
  }
}
