import { randomUUID } from 'node:crypto';
import { constants } from 'node:fs';
import { mkdir, open, readFile, rename, stat, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { createRedactor, type JournalEntry, type Redactor, type RunJournal } from '@pco/contract';
import { JournalConfigMismatchError, JournalCorruptError, JournalEntryError, JournalIOError } from './errors.js';
import { faultHookOf, type JournalFaultHook, type JournalFaultPoint } from './fault-hook.js';
import { acquireJournalLock, type JournalLock } from './journal-lock.js';
import { parseJournal, type ParsedJournal } from './journal-reader.js';
import { JournalWriter } from './journal-writer.js';
import { encodeRecord, recordProblem } from './record-codec.js';
import { JOURNAL_FORMAT, JOURNAL_VERSION, type HeaderRecord, type JournalRecord, type JournalWarning } from './types.js';

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
   * Sync (`fdatasync`) at every commit point. Turning it off gives up crash safety (tests only).
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
   * Clock for the header's and fallback timestamps (epoch ms).
   * @default Date.now
   */
  readonly now?: () => number;
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
 * The orchestrator's {@link RunJournal} on disk: an append-only JSONL file (see docs/resume.md)
 * with a CRC per line, synced at every commit point (group commit), guarded by a lock file and
 * a configuration fingerprint. Secrets are redacted from every record before it is written.
 *
 * ```ts
 * const journal = await FileJournal.open({ path: '.pco/journal.jsonl', fingerprint, secrets: [token] });
 * try { await orc.run({ resume: true }); } finally { await journal.close(); }
 * ```
 */
export class FileJournal implements RunJournal {
  readonly path: string;
  readonly header: HeaderRecord;
  readonly openReport: JournalOpenReport;
  readonly #writer: JournalWriter;
  readonly #lock: JournalLock | undefined;
  readonly #now: () => number;
  readonly #redact: Redactor;
  readonly #faultHook: JournalFaultHook | undefined;
  #recovered: readonly JournalRecord[];
  #seq: number;
  #closed = false;

  private constructor(init: {
    path: string;
    header: HeaderRecord;
    writer: JournalWriter;
    lock: JournalLock | undefined;
    records: readonly JournalRecord[];
    report: JournalOpenReport;
    options: FileJournalOptions;
  }) {
    this.path = init.path;
    this.header = init.header;
    this.#writer = init.writer;
    this.#lock = init.lock;
    this.#recovered = init.records;
    this.#seq = init.records.at(-1)?.seq ?? init.header.seq;
    this.openReport = init.report;
    this.#now = init.options.now ?? Date.now;
    this.#redact = createRedactor(init.options.secrets);
    this.#faultHook = faultHookOf(init.options);
  }

  /**
   * Opens (or creates) a journal for writing: takes the lock, recovers the records, cuts off a
   * torn tail (saved to `<path>.corrupt-<time>` first), and checks the configuration fingerprint.
   * Rejects with JournalLockedError, JournalConfigMismatchError, JournalCorruptError (not a
   * journal, header lost, newer format) or JournalIOError; never because of a torn or corrupt line.
   */
  static async open(options: FileJournalOptions): Promise<FileJournal> {
    await mkdir(dirname(options.path), { recursive: true }).catch((error: unknown) => {
      throw new JournalIOError(options.path, 'creating its folder', error);
    });
    const lock = options.lock === false ? undefined : await acquireJournalLock({ journalPath: options.path });
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
    if (bytes !== undefined && parsed && parsed.records.length === 0) {
      // Nothing valid at all. A crash while the header was being written leaves a small torn
      // first line (or zeroes): start over, keeping the bytes. Anything else is not our file.
      if (!looksLikeTornCreation(bytes)) {
        throw new JournalCorruptError(path, 'it is not a pco journal (no valid record). Choose another journal path.');
      }
      tornTailSavedTo = await saveBytes(`${path}.corrupt-${fileStamp(now())}-${process.pid}`, bytes, sync);
      parsed = undefined;
    }
    const hook = faultHookOf(options);
    const writerOptions = { sync, ...(hook ? { midWrite: () => hook('mid-write', undefined) } : {}) };
    if (bytes === undefined || !parsed) {
      const header: HeaderRecord = {
        seq: 1,
        at: new Date(now()).toISOString(),
        t: 'header',
        format: JOURNAL_FORMAT,
        version: JOURNAL_VERSION,
        journalId: randomUUID(),
        fingerprint: options.fingerprint,
      };
      const handle = await createWithHeader(path, header, sync);
      return new FileJournal({
        path,
        header,
        writer: new JournalWriter(handle, path, writerOptions),
        lock,
        records: [],
        report: { created: true, warnings: [], tornTailSavedTo, backupPath },
        options,
      });
    }
    const first = parsed.records[0]!;
    if (first.t !== 'header') {
      throw new JournalCorruptError(path, 'its header line is missing or damaged, so the configuration it belongs to is unknown.', {
        line: 1,
      });
    }
    const header = first as HeaderRecord;
    if (header.version > JOURNAL_VERSION) {
      throw new JournalCorruptError(path, `it was written by a newer pco (journal format ${header.version}; this pco reads ${JOURNAL_VERSION}).`);
    }
    if (header.fingerprint !== options.fingerprint) {
      throw new JournalConfigMismatchError(path, options.fingerprint, header.fingerprint);
    }
    const torn = parsed.validLength < parsed.totalLength;
    if (torn && !isBlank(bytes.subarray(parsed.validLength))) {
      tornTailSavedTo = await saveBytes(`${path}.corrupt-${fileStamp(now())}-${process.pid}`, bytes.subarray(parsed.validLength), sync);
    }
    const handle = await open(path, constants.O_RDWR | constants.O_APPEND).catch((error: unknown) => {
      throw new JournalIOError(path, 'opening', error);
    });
    try {
      // Cut the torn tail so the next record starts on a line of its own.
      if (torn) await handle.truncate(parsed.validLength);
      if (parsed.missingNewline) await handle.write('\n');
      if (torn || parsed.missingNewline) await handle.sync();
    } catch (error) {
      await handle.close().catch(() => undefined);
      throw new JournalIOError(path, 'repairing the torn tail', error);
    }
    return new FileJournal({
      path,
      header,
      writer: new JournalWriter(handle, path, writerOptions),
      lock,
      records: parsed.records.slice(1),
      report: { created: false, warnings: parsed.warnings, tornTailSavedTo, backupPath },
      options,
    });
  }

  /** Random id of this journal file. */
  get journalId(): string {
    return this.header.journalId;
  }

  /**
   * The entries recovered when the journal was opened, oldest first (corrupt and torn lines
   * skipped; see {@link openReport}). Entries appended since are not included.
   */
  async load(signal?: AbortSignal): Promise<readonly JournalEntry[]> {
    signal?.throwIfAborted();
    return this.#recovered.map(recordToEntry);
  }

  /**
   * Appends one entry; resolves once it is durable. Entries land in call order (group commit:
   * entries appended while a sync is under way share the next one). Rejects with
   * {@link JournalEntryError} for an entry that could not be read back, JournalIOError when the
   * file cannot be written.
   */
  async append(entry: JournalEntry): Promise<void> {
    if (entry.type === 'created') this.#fault('before-created', entry);
    if (entry.type === 'result') this.#fault('before-result', entry);
    const record = this.#redact.value(entryToRecord(entry, this.#seq + 1, this.#now));
    const problem = recordProblem(record);
    if (problem !== undefined) throw new JournalEntryError(this.path, record.t, problem);
    this.#seq += 1;
    await this.#writer.write(record);
    this.#fault(AFTER[entry.type] ?? 'after-status', entry);
  }

  /** Waits for pending appends, closes the file and releases the lock. Idempotent. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    this.#recovered = [];
    await this.#writer.close();
    await this.#lock?.release();
  }

  #fault(point: JournalFaultPoint, entry: JournalEntry): void {
    this.#faultHook?.(point, entry);
  }
}

const AFTER: Readonly<Record<string, JournalFaultPoint>> = {
  run: 'after-run',
  intent: 'after-intent',
  created: 'after-created',
  status: 'after-status',
  'attempt-failed': 'after-attempt-failed',
  result: 'after-result',
  review: 'after-review',
  milestone: 'after-milestone',
  step: 'after-step',
  'follow-up': 'after-follow-up',
};

/** An entry as a journal line: `type` → `t`, epoch-ms `at` → ISO time, plus `seq`. */
export function entryToRecord(entry: JournalEntry, seq: number, now: () => number = Date.now): JournalRecord {
  const { type, at, ...rest } = entry;
  const ms = Number.isFinite(at) ? Math.round(at) : now();
  // JSON round trip: drops undefined fields and copies the result object.
  return JSON.parse(JSON.stringify({ seq, at: new Date(ms).toISOString(), t: type, ...rest })) as JournalRecord;
}

/** The inverse of {@link entryToRecord}. */
export function recordToEntry(record: JournalRecord): JournalEntry {
  const { seq: _seq, at, t, ...rest } = record as { seq: number; at: string; t: string } & Record<string, unknown>;
  return { type: t, at: Date.parse(at), ...rest } as unknown as JournalEntry;
}

/**
 * Reads a journal's entries without locking or repairing it (for `pco status` / `pco export`,
 * also while a run is writing it). Throws {@link JournalCorruptError} when it is not a journal,
 * and {@link JournalIOError} when it cannot be read.
 */
export async function readJournal(
  path: string,
): Promise<{ readonly header: HeaderRecord; readonly entries: readonly JournalEntry[]; readonly warnings: readonly JournalWarning[] }> {
  const bytes = await readIfExists(path);
  if (bytes === undefined) throw new JournalIOError(path, 'reading', Object.assign(new Error('no such file'), { code: 'ENOENT' }));
  const parsed = parseJournal(bytes);
  const first = parsed.records[0];
  if (!first) throw new JournalCorruptError(path, 'it holds no valid line (not a pco journal, or empty).');
  if (first.t !== 'header') throw new JournalCorruptError(path, 'its header line is missing or damaged.', { line: 1 });
  return { header: first as HeaderRecord, entries: parsed.records.slice(1).map(recordToEntry), warnings: parsed.warnings };
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
