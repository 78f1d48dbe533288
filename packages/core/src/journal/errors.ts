import { PcoError } from '@pco/contract';

/**
 * The journal at `path` was written for another configuration (different repositories, org,
 * project...). Resuming it would attach results to the wrong tasks, so it is refused.
 */
export class JournalConfigMismatchError extends PcoError {
  readonly path: string;
  readonly expected: string;
  readonly found: string;

  constructor(path: string, expected: string, found: string) {
    super(
      'JOURNAL_CONFIG_MISMATCH',
      `Journal ${path} was written for another configuration (fingerprint ${short(found)}, ` +
        `this configuration is ${short(expected)}). Set journal.path to another file for this ` +
        'configuration, or move this journal away to start over.',
      { context: { path, expected, found } },
    );
    this.path = path;
    this.expected = expected;
    this.found = found;
  }
}

/** Another live process holds the journal's lock file: two writers would corrupt the journal. */
export class JournalLockedError extends PcoError {
  readonly path: string;
  readonly lockPath: string;
  readonly pid: number | undefined;
  readonly hostname: string | undefined;

  constructor(path: string, lockPath: string, holder: { pid?: number; hostname?: string; startedAt?: string }) {
    const who =
      holder.pid === undefined
        ? 'another process'
        : `process ${holder.pid}${holder.hostname ? ` on ${holder.hostname}` : ''}` +
          (holder.startedAt ? ` (since ${holder.startedAt})` : '');
    super(
      'JOURNAL_LOCKED',
      `Journal ${path} is in use by ${who}. Wait for it to finish, or if that process is gone ` +
        `(for example on another machine), delete ${lockPath}.`,
      { context: { path, lockPath, ...holder } },
    );
    this.path = path;
    this.lockPath = lockPath;
    this.pid = holder.pid;
    this.hostname = holder.hostname;
  }
}

/**
 * The journal cannot be used at all: it is not a pco journal, its header is missing while
 * records follow, or it is of a newer format version. (A torn or corrupt line is never this
 * error: it is skipped and reported as a warning.)
 */
export class JournalCorruptError extends PcoError {
  readonly path: string;

  constructor(path: string, reason: string, options: { cause?: unknown; line?: number } = {}) {
    super('JOURNAL_CORRUPT', `Journal ${path} cannot be used: ${reason}`, {
      cause: options.cause,
      context: { path, ...(options.line === undefined ? {} : { line: options.line }) },
    });
    this.path = path;
  }
}

/** An entry handed to the journal that could not be read back (a programming error upstream). */
export class JournalEntryError extends PcoError {
  readonly path: string;

  constructor(path: string, type: string, problem: string) {
    super('JOURNAL_INVALID_ENTRY', `Journal ${path}: refused a "${type}" entry that could not be read back (${problem})`, {
      context: { path, type, problem },
    });
    this.path = path;
  }
}

/** Reading, writing or syncing the journal file failed (disk full, permissions, closed journal...). */
export class JournalIOError extends PcoError {
  readonly path: string;
  readonly operation: string;

  constructor(path: string, operation: string, cause?: unknown) {
    const detail = cause instanceof Error ? `: ${cause.message}` : '';
    super('JOURNAL_IO', `Journal ${path}: ${operation} failed${detail}`, { cause, context: { path, operation } });
    this.path = path;
    this.operation = operation;
  }
}

function short(fingerprint: string): string {
  return fingerprint.slice(0, 12);
}
