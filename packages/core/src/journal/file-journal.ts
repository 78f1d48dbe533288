import { createHash, randomUUID } from 'node:crypto';
import { constants } from 'node:fs';
import { open, readFile, rename, stat, writeFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import { dirname } from 'node:path';
import type { Task, TaskResult, TaskState } from '../types.js';
import { JournalConfigMismatchError, JournalCorruptError, JournalIOError } from './errors.js';
import { acquireJournalLock, type JournalLock } from './journal-lock.js';
import { parseJournal, type ParsedJournal } from './journal-reader.js';
import { JournalStateBuilder, planResume, type JournalState, type ResumeAction, type ResumePlanOptions } from './journal-state.js';
import { JournalWriter } from './journal-writer.js';
import { encodeRecord } from './record-codec.js';
import { redactSecrets } from './redact-secrets.js';
import {
  JOURNAL_FORMAT,
  JOURNAL_VERSION,
  type HeaderRecord,
  type JournalRecord,
  type JournalRecordInput,
  type JournalWarning,
  type PlannedTask,
} from './types.js';

/**
 * Named moments around the journal's commit points, for fault injection: the crash suite kills
 * the process at one of them. `before-run-record` is the window between the create call
 * returning and its run id being durable.
 */
export type JournalFaultPoint =
  | 'after-intent'
  | 'before-run-record'
  | 'after-run-record'
  | 'after-status'
  | 'before-result'
  | 'after-result';

export interface FileJournalOptions {
  /** Path of the JSONL journal file; created (with its header) when missing. */
  readonly path: string;
  /**
   * {@link configFingerprint} of the configuration's identity. A journal written with another
   * fingerprint is refused with {@link JournalConfigMismatchError}.
   */
  readonly fingerprint: string;
  /**
   * `resume`: open the journal as it is (created when missing). `fresh`: keep an existing journal
   * as `<path>.<time>.bak` and start a new one.
   * @default 'resume'
   */
  readonly mode?: 'resume' | 'fresh';
  /**
   * Sync (`fdatasync`) at every commit point. Turning it off loses crash safety; only for tests.
   * @default true
   */
  readonly sync?: boolean;
  /**
   * Take the single-writer lock file `<path>.lock`.
   * @default true
   */
  readonly lock?: boolean;
  /** Secret values (tokens) to redact from every record, whatever field they turn up in. */
  readonly secrets?: readonly string[];
  /**
   * Clock for record timestamps (epoch ms).
   * @default Date.now
   */
  readonly now?: () => number;
  /** Called at each {@link JournalFaultPoint}; the fault-injection suite kills the process here. */
  readonly faultHook?: (point: JournalFaultPoint, detail: { readonly task: string; readonly attempt: number }) => void;
}

/** What opening found and did, for logs. */
export interface JournalOpenReport {
  /** True when the journal did not exist (or `fresh` started a new one). */
  readonly created: boolean;
  /** Lines skipped while reading. */
  readonly warnings: readonly JournalWarning[];
  /** Where a torn tail was saved before it was cut off, if there was one. */
  readonly tornTailSavedTo: string | undefined;
  /** Where `fresh` moved the previous journal, if there was one. */
  readonly backupPath: string | undefined;
}

/**
 * The durable journal of orchestrator runs: an append-only JSONL file (see docs/resume.md) with a
 * CRC per line, synced at every commit point, protected by a lock file, and reduced to the
 * resume state on open. Secrets are redacted from every record before it is written.
 */
export class FileJournal {
  readonly path: string;
  readonly header: HeaderRecord;
  readonly openReport: JournalOpenReport;
  readonly #writer: JournalWriter;
  readonly #lock: JournalLock | undefined;
  readonly #state: JournalStateBuilder;
  readonly #now: () => number;
  readonly #secrets: readonly string[];
  readonly #faultHook: FileJournalOptions['faultHook'];
  #seq: number;
  #closed = false;

  private constructor(init: {
    path: string;
    header: HeaderRecord;
    writer: JournalWriter;
    lock: JournalLock | undefined;
    state: JournalStateBuilder;
    report: JournalOpenReport;
    options: FileJournalOptions;
  }) {
    this.path = init.path;
    this.header = init.header;
    this.#writer = init.writer;
    this.#lock = init.lock;
    this.#state = init.state;
    this.#seq = init.state.lastSeq;
    this.openReport = init.report;
    this.#now = init.options.now ?? Date.now;
    this.#secrets = init.options.secrets ?? [];
    this.#faultHook = init.options.faultHook;
  }

  /**
   * Opens (or creates) a journal for writing: takes the lock, recovers the records, cuts off a
   * torn tail (saved to `<path>.corrupt-<time>` first), and checks the configuration fingerprint.
   */
  static async open(options: FileJournalOptions): Promise<FileJournal> {
    const path = options.path;
    const lock = options.lock === false ? undefined : await acquireJournalLock({ journalPath: path });
    try {
      return await FileJournal.#openLocked(options, lock);
    } catch (error) {
      await lock?.release();
      throw error;
    }
  }

  static async #openLocked(options: FileJournalOptions, lock: JournalLock | undefined): Promise<FileJournal> {
    const { path } = options;
    const now = options.now ?? Date.now;
    const sync = options.sync ?? true;
    let backupPath: string | undefined;
    let tornTailSavedTo: string | undefined;
    let bytes = await readIfExists(path);
    if (bytes !== undefined && options.mode === 'fresh' && bytes.length > 0) {
      backupPath = `${path}.${fileStamp(now())}.bak`;
      await rename(path, backupPath).catch((error: unknown) => {
        throw new JournalIOError(path, 'moving the old journal aside', error);
      });
      bytes = undefined;
    }
    let parsed: ParsedJournal | undefined = bytes === undefined || bytes.length === 0 ? undefined : parseJournal(bytes);
    if (parsed && parsed.records.length === 0) {
      // Nothing valid at all. A crash while the header was being written leaves a small torn
      // first line (or zeroes): start over, keeping the bytes. Anything else is not our file.
      if (!looksLikeTornCreation(bytes!)) {
        throw new JournalCorruptError(path, 'it is not a pco journal (no valid record). Choose another journal path.');
      }
      tornTailSavedTo = await saveBytes(`${path}.corrupt-${fileStamp(now())}`, bytes!, sync);
      parsed = undefined;
    }
    const state = new JournalStateBuilder();
    let header: HeaderRecord;
    let handle;
    if (!parsed) {
      header = {
        seq: 1,
        at: new Date(now()).toISOString(),
        t: 'header',
        format: JOURNAL_FORMAT,
        version: JOURNAL_VERSION,
        journalId: randomUUID(),
        fingerprint: options.fingerprint,
      };
      handle = await createWithHeader(path, header, sync);
      state.apply(header);
    } else {
      const first = parsed.records[0]!;
      if (first.t !== 'header') {
        throw new JournalCorruptError(path, 'its header record is missing or damaged, so the configuration it belongs to is unknown.', {
          line: 1,
        });
      }
      if (first.version > JOURNAL_VERSION) {
        throw new JournalCorruptError(path, `it was written by a newer pco (journal format ${first.version}, this pco reads ${JOURNAL_VERSION}).`);
      }
      if (first.fingerprint !== options.fingerprint) {
        throw new JournalConfigMismatchError(path, options.fingerprint, first.fingerprint);
      }
      header = first;
      if (parsed.validLength < parsed.totalLength && !isBlank(bytes!.subarray(parsed.validLength))) {
        tornTailSavedTo = await saveBytes(`${path}.corrupt-${fileStamp(now())}`, bytes!.subarray(parsed.validLength), sync);
      }
      handle = await open(path, constants.O_RDWR | constants.O_APPEND).catch((error: unknown) => {
        throw new JournalIOError(path, 'opening', error);
      });
      try {
        if (parsed.validLength < parsed.totalLength) {
          await handle.truncate(parsed.validLength);
        }
        if (parsed.missingNewline) await handle.write('\n');
        if (parsed.validLength < parsed.totalLength || parsed.missingNewline) await handle.sync();
      } catch (error) {
        await handle.close().catch(() => undefined);
        throw new JournalIOError(path, 'repairing the torn tail', error);
      }
      state.warnings = [...parsed.warnings];
      for (const record of parsed.records) state.apply(record);
    }
    return new FileJournal({
      path,
      header,
      writer: new JournalWriter(handle, path, { sync }),
      lock,
      state,
      report: { created: !parsed, warnings: parsed?.warnings ?? [], tornTailSavedTo, backupPath },
      options,
    });
  }

  /** Random id of this journal (part of every idempotency key). */
  get journalId(): string {
    return this.header.journalId;
  }

  /** The live state, updated as records are appended. */
  get state(): JournalState {
    return this.#state.snapshot();
  }

  /** How a resumed run continues each known task. */
  resumePlan(options?: ResumePlanOptions): Map<string, ResumeAction> {
    return planResume(this.state, options);
  }

  /**
   * The idempotency key of one attempt of one task: deterministic (journal id, task id, attempt),
   * so the same attempt always gets the same key, and never collides across journals.
   */
  idempotencyKey(task: string, attempt: number): string {
    const digest = createHash('sha256').update(`${this.journalId}\0${task}\0${attempt}`).digest('hex');
    return `pco1-${digest.slice(0, 32)}`;
  }

  /** Records that a process starts (or resumes) a run. */
  async beginSession(session: string, resumed: boolean): Promise<void> {
    await this.#append({ t: 'session', session, pid: process.pid, hostname: hostname(), resumed });
  }

  /** Records the task set (`set`) or tasks added during the run (`add`). */
  async recordTasks(tasks: readonly Task[], mode: 'set' | 'add'): Promise<void> {
    const planned: PlannedTask[] = tasks.map((task) => ({
      id: task.id,
      title: task.title,
      ...(task.url === undefined ? {} : { url: task.url }),
      ...(task.dependencies?.length ? { dependencies: [...task.dependencies] } : {}),
    }));
    await this.#append({ t: 'tasks', mode, tasks: planned });
  }

  /**
   * Commit point 1, BEFORE the create call: the attempt and its idempotency key are durable when
   * this resolves. Returns the key to put into the run's metadata.
   */
  async recordIntent(task: string, attempt: number, key = this.idempotencyKey(task, attempt)): Promise<string> {
    await this.#append({ t: 'intent', task, attempt, key });
    this.#fault('after-intent', task, attempt);
    return key;
  }

  /** Commit point 2, right after the create call (or a lookup by key) returned the run. */
  async recordRun(
    task: string,
    attempt: number,
    run: { readonly runId: number | string; readonly webUrl?: string; readonly key?: string; readonly via?: 'created' | 'found' },
  ): Promise<void> {
    this.#fault('before-run-record', task, attempt);
    await this.#append({
      t: 'run',
      task,
      attempt,
      runId: run.runId,
      ...(run.key === undefined ? {} : { key: run.key }),
      ...(run.webUrl === undefined ? {} : { webUrl: run.webUrl }),
      ...(run.via === undefined ? {} : { via: run.via }),
    });
    this.#fault('after-run-record', task, attempt);
  }

  /** Records a task state change and/or an agent-side status change. */
  async recordStatus(
    task: string,
    attempt: number,
    change: { readonly state?: TaskState; readonly agentStatus?: string; readonly agent?: string; readonly reason?: string },
  ): Promise<void> {
    await this.#append({ t: 'status', task, attempt, ...definedOnly(change) });
    this.#fault('after-status', task, attempt);
  }

  /** Commit point 3: the task's final result in this session. */
  async recordResult(result: TaskResult): Promise<void> {
    this.#fault('before-result', result.id, result.attempts);
    await this.#append({ t: 'result', task: result.id, result: toPlainResult(result) });
    this.#fault('after-result', result.id, result.attempts);
  }

  /** Records the end of a session; `counts` by terminal state. */
  async endSession(session: string, counts: Readonly<Record<string, number>>, interrupted: boolean): Promise<void> {
    await this.#append({ t: 'end', session, interrupted, counts: { ...counts } });
  }

  /** Flushes what is pending, closes the file and releases the lock. Idempotent. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    await this.#writer.close();
    await this.#lock?.release();
  }

  async #append(input: JournalRecordInput): Promise<JournalRecord> {
    this.#seq += 1;
    const { at, ...rest } = input;
    const record = redactSecrets(
      { seq: this.#seq, at: at ?? new Date(this.#now()).toISOString(), ...rest } as JournalRecord,
      this.#secrets,
    );
    // Applied first so the state reflects the queue order; the promise tells when it is durable.
    this.#state.apply(record);
    await this.#writer.write(record);
    return record;
  }

  #fault(point: JournalFaultPoint, task: string, attempt: number): void {
    this.#faultHook?.(point, { task, attempt });
  }
}

/**
 * Reads a journal without locking or repairing it (for `pco status` / `pco export` while a run
 * may be writing it). Throws {@link JournalCorruptError} when it is not a journal, and
 * {@link JournalIOError} when it cannot be read.
 */
export async function readJournalState(path: string): Promise<JournalState> {
  const bytes = await readIfExists(path);
  if (bytes === undefined) throw new JournalIOError(path, 'reading', Object.assign(new Error('no such file'), { code: 'ENOENT' }));
  const parsed = parseJournal(bytes);
  const first = parsed.records[0];
  if (!first) throw new JournalCorruptError(path, 'it holds no valid record (not a pco journal, or empty).');
  if (first.t !== 'header') throw new JournalCorruptError(path, 'its header record is missing or damaged.', { line: 1 });
  const builder = new JournalStateBuilder();
  builder.warnings = [...parsed.warnings];
  for (const record of parsed.records) builder.apply(record);
  return builder.snapshot();
}

function toPlainResult(result: TaskResult): Extract<JournalRecordInput, { t: 'result' }>['result'] {
  return JSON.parse(JSON.stringify(result)) as Extract<JournalRecordInput, { t: 'result' }>['result'];
}

function definedOnly<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, item]) => item !== undefined)) as T;
}

async function readIfExists(path: string): Promise<Buffer | undefined> {
  try {
    return await readFile(path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new JournalIOError(path, 'reading', error);
  }
}

function isBlank(bytes: Uint8Array): boolean {
  return bytes.every((byte) => byte === 0x0a || byte === 0x0d || byte === 0x20 || byte === 0x09);
}

function looksLikeTornCreation(bytes: Uint8Array): boolean {
  if (bytes.every((byte) => byte === 0 || byte === 0x0a || byte === 0x20)) return true;
  const text = Buffer.from(bytes.subarray(0, 64)).toString('utf8');
  const newline = bytes.indexOf(0x0a);
  return text.startsWith('{"seq":1,') && (newline === -1 || newline === bytes.length - 1);
}

async function saveBytes(path: string, bytes: Uint8Array, sync: boolean): Promise<string> {
  try {
    await writeFile(path, bytes, { flag: 'wx' });
    if (sync) {
      const handle = await open(path, 'r');
      await handle.sync().finally(() => handle.close());
    }
    return path;
  } catch (error) {
    throw new JournalIOError(path, 'saving the torn tail', error);
  }
}

async function createWithHeader(path: string, header: HeaderRecord, sync: boolean) {
  let handle;
  try {
    handle = await open(path, constants.O_RDWR | constants.O_APPEND | constants.O_CREAT | constants.O_TRUNC, 0o600);
    await handle.write(encodeRecord(header));
    if (sync) {
      await handle.sync();
      await syncDirectory(dirname(path));
    }
    return handle;
  } catch (error) {
    await handle?.close().catch(() => undefined);
    throw new JournalIOError(path, 'creating', error);
  }
}

/** Makes a new file's directory entry durable (POSIX); a no-op where directories cannot be synced. */
async function syncDirectory(directory: string): Promise<void> {
  try {
    const handle = await open(directory, 'r');
    await handle.sync().finally(() => handle.close());
  } catch {
    // Windows and some file systems cannot open or sync a directory.
  }
}

function fileStamp(ms: number): string {
  return new Date(ms).toISOString().replace(/[:.]/g, '-');
}

/** Whether a journal exists at `path` (a non-empty file). */
export async function journalExists(path: string): Promise<boolean> {
  try {
    return (await stat(path)).size > 0;
  } catch {
    return false;
  }
}
