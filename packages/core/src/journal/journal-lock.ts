import { randomUUID } from 'node:crypto';
import { open, readFile, unlink } from 'node:fs/promises';
import { hostname as osHostname } from 'node:os';
import { JournalIOError, JournalLockedError } from './errors.js';

/** Content of a journal lock file. */
export interface LockHolder {
  readonly pid: number;
  readonly hostname: string;
  readonly startedAt: string;
  /** Random token: identifies this lock instance (a pid can be reused). */
  readonly token: string;
}

/** A held lock; `release()` is idempotent. */
export interface JournalLock {
  readonly path: string;
  readonly holder: LockHolder;
  release(): Promise<void>;
}

export interface AcquireLockOptions {
  /** Path of the journal the lock protects; the lock file is `${journalPath}.lock`. */
  readonly journalPath: string;
  /**
   * Whether a process id is alive on this host. Injected for tests.
   * @default signal 0 probe (`process.kill(pid, 0)`)
   */
  readonly isAlive?: (pid: number) => boolean;
  /** @default os.hostname() */
  readonly hostname?: string;
}

function defaultIsAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: the process exists but belongs to someone else.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Takes the single-writer lock of a journal: a `.lock` file created exclusively (O_EXCL) that
 * holds the owner's pid and host. A lock left by a process that died (SIGKILL, power loss) on this
 * host is taken over; a lock held by a live process, or by a process on another host (whose
 * liveness cannot be checked), is refused with {@link JournalLockedError}.
 */
export async function acquireJournalLock(options: AcquireLockOptions): Promise<JournalLock> {
  const lockPath = `${options.journalPath}.lock`;
  const isAlive = options.isAlive ?? defaultIsAlive;
  const host = options.hostname ?? osHostname();
  const holder: LockHolder = { pid: process.pid, hostname: host, startedAt: new Date().toISOString(), token: randomUUID() };
  for (let round = 0; round < 5; round += 1) {
    try {
      const handle = await open(lockPath, 'wx');
      try {
        await handle.writeFile(`${JSON.stringify(holder)}\n`);
        await handle.sync();
      } finally {
        await handle.close();
      }
      return makeLock(lockPath, holder);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw new JournalIOError(options.journalPath, 'creating the lock file', error);
    }
    const text = await readFile(lockPath, 'utf8').catch((error: NodeJS.ErrnoException) => {
      if (error.code === 'ENOENT') return undefined; // released meanwhile: try again
      throw new JournalIOError(options.journalPath, 'reading the lock file', error);
    });
    if (text === undefined) continue;
    const current = parseHolder(text);
    if (current === undefined) {
      // Empty or torn lock file: its writer died between O_EXCL create and the write. Such a lock
      // is young only for a few microseconds; a second look tells a live writer from a dead one.
      await new Promise((resolve) => setTimeout(resolve, 50));
      const again = await readFile(lockPath, 'utf8').catch(() => undefined);
      if (again !== text) continue;
    } else if (current.hostname !== host || isAlive(current.pid)) {
      throw new JournalLockedError(options.journalPath, lockPath, current);
    }
    // Stale: remove it only if it is still the very lock we judged (compare the bytes again).
    const still = await readFile(lockPath, 'utf8').catch(() => undefined);
    if (still === text) await unlink(lockPath).catch(() => undefined);
  }
  const last = parseHolder(await readFile(lockPath, 'utf8').catch(() => ''));
  throw new JournalLockedError(options.journalPath, lockPath, last ?? {});
}

function parseHolder(text: string): LockHolder | undefined {
  try {
    const value = JSON.parse(text) as Partial<LockHolder>;
    if (typeof value.pid === 'number' && typeof value.hostname === 'string') {
      return {
        pid: value.pid,
        hostname: value.hostname,
        startedAt: String(value.startedAt ?? ''),
        token: String(value.token ?? ''),
      };
    }
  } catch {
    // fall through
  }
  return undefined;
}

function makeLock(lockPath: string, holder: LockHolder): JournalLock {
  let released = false;
  return {
    path: lockPath,
    holder,
    async release() {
      if (released) return;
      released = true;
      // Only remove our own lock: never one another process took over meanwhile.
      const text = await readFile(lockPath, 'utf8').catch(() => undefined);
      if (text !== undefined && parseHolder(text)?.token === holder.token) await unlink(lockPath).catch(() => undefined);
    },
  };
}
