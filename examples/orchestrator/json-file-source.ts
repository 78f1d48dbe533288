/**
 * A custom TaskSource: tasks from a JSON file. A source only has to implement `load(signal)`;
 * bad data becomes warnings or `skip` on tasks (here: an empty title), I/O failures reject.
 */
import { readFile } from 'node:fs/promises';
import type { Task, TaskSource } from '@pco/contract';

export class JsonFileSource implements TaskSource {
  constructor(private readonly path: string) {}

  async load(signal?: AbortSignal): Promise<readonly Task[]> {
    const items = JSON.parse(await readFile(this.path, { encoding: 'utf8', signal })) as Task[];
    return items.map((item) =>
      item.title?.trim() ? item : { ...item, title: item.id, skip: { reason: 'no-title', message: `${item.id} has no title` } },
    );
  }
}
