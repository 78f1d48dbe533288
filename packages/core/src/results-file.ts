import { createWriteStream, type WriteStream } from 'node:fs';
import type { TaskResult } from '@pco/contract';

/**
 * Streams results to a JSONL file (one `TaskResult` per line, written as each task ends), so a
 * long run keeps nothing but the file handle for them. Write errors are reported once through
 * `onError` and never thrown into the run.
 */
export class ResultsFile {
  readonly #stream: WriteStream;
  #failed = false;
  #closed: Promise<void> | undefined;

  constructor(
    readonly path: string,
    onError: (error: unknown) => void,
  ) {
    this.#stream = createWriteStream(path, { flags: 'w', encoding: 'utf8' });
    this.#stream.on('error', (error) => {
      if (this.#failed) return;
      this.#failed = true;
      onError(error);
    });
  }

  write(result: TaskResult): void {
    if (this.#failed || this.#closed) return;
    this.#stream.write(`${JSON.stringify(result)}\n`);
  }

  /** Flushes and closes the file (resolves also when writing failed). */
  close(): Promise<void> {
    this.#closed ??= new Promise<void>((resolve) => {
      if (this.#failed || this.#stream.destroyed) {
        resolve();
        return;
      }
      this.#stream.end(() => resolve());
      this.#stream.once('error', () => resolve());
    });
    return this.#closed;
  }
}
