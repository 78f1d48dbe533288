import type { FileHandle } from 'node:fs/promises';
import { JournalIOError } from './errors.js';
import { encodeRecord } from './record-codec.js';
import type { JournalRecord } from './types.js';

interface PendingWrite {
  readonly line: string;
  readonly resolve: () => void;
  readonly reject: (error: unknown) => void;
}

/**
 * Appends encoded records to an open journal file with group commit: every record handed in
 * while a write+sync is under way goes out in the next single write and `datasync()`. Records
 * reach the disk in the order they were handed in; `write()` resolves only once its record is
 * durable (the commit point). After an I/O failure the writer is broken: every later write
 * rejects, because nothing after a hole may be believed committed.
 */
export class JournalWriter {
  readonly #handle: FileHandle;
  readonly #path: string;
  readonly #sync: boolean;
  readonly #midWrite: (() => void) | undefined;
  #queue: PendingWrite[] = [];
  #flushing: Promise<void> | undefined;
  #failure: JournalIOError | undefined;
  #closed = false;

  /**
   * @param options.midWrite fault injection: when set, each batch is written in two halves with
   *   this called in between (the crash suite kills the process there to tear a line).
   */
  constructor(handle: FileHandle, path: string, options: { readonly sync?: boolean; readonly midWrite?: () => void } = {}) {
    this.#handle = handle;
    this.#path = path;
    this.#sync = options.sync ?? true;
    this.#midWrite = options.midWrite;
  }

  /** Resolves once `record` is written and synced. */
  write(record: JournalRecord): Promise<void> {
    if (this.#failure) return Promise.reject(this.#failure);
    if (this.#closed) return Promise.reject(new JournalIOError(this.#path, 'appending to a closed journal'));
    const line = encodeRecord(record);
    return new Promise<void>((resolve, reject) => {
      this.#queue.push({ line, resolve, reject });
      this.#flushing ??= this.#flushLoop();
    });
  }

  /** Waits for everything handed in so far, then closes the file. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    await this.#flushing?.catch(() => undefined);
    await this.#handle.close().catch(() => undefined);
  }

  async #flushLoop(): Promise<void> {
    try {
      while (this.#queue.length > 0) {
        const batch = this.#queue;
        this.#queue = [];
        try {
          const bytes = Buffer.from(batch.map((item) => item.line).join(''), 'utf8');
          if (this.#midWrite) {
            const half = Math.ceil(bytes.length / 2);
            await writeAll(this.#handle, bytes.subarray(0, half));
            this.#midWrite();
            await writeAll(this.#handle, bytes.subarray(half));
          } else {
            await writeAll(this.#handle, bytes);
          }
          if (this.#sync) await this.#handle.datasync();
        } catch (error) {
          this.#failure = new JournalIOError(this.#path, 'appending a record', error);
          for (const item of [...batch, ...this.#queue]) item.reject(this.#failure);
          this.#queue = [];
          return;
        }
        for (const item of batch) item.resolve();
      }
    } finally {
      this.#flushing = undefined;
    }
  }
}

async function writeAll(handle: FileHandle, buffer: Buffer): Promise<void> {
  let offset = 0;
  while (offset < buffer.length) {
    const { bytesWritten } = await handle.write(buffer, offset, buffer.length - offset);
    offset += bytesWritten;
  }
}
