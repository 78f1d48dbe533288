/**
 * Per task, the status label and board option the reporter last wrote. States that map to the
 * same value (pending → ready are both `queued`, running → retrying both `running`) then cost no
 * request: GitHub counts every write against the secondary rate limit.
 */

/** What the reporter last wrote for one task (undefined while a write is not through). */
export interface WrittenState {
  label?: string | undefined;
  /** The board option's id, and the mapping's name it was written for. */
  boardOption?: string | undefined;
  boardWanted?: string | undefined;
}

export class WrittenStates {
  readonly #byTask = new Map<string, WrittenState>();

  /** The task's record, created empty on first use (the writers fill it in). */
  of(taskId: string): WrittenState {
    let written = this.#byTask.get(taskId);
    if (written === undefined) {
      written = {};
      this.#byTask.set(taskId, written);
    }
    return written;
  }

  /** The task's record if anything was written for it. */
  peek(taskId: string): Readonly<WrittenState> | undefined {
    return this.#byTask.get(taskId);
  }
}
