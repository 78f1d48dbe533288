// The journal's fault-injection hook, kept out of every public type: FileJournal.open finds it
// under a symbol key of its options. Set it through ./fault-injection.ts. Not public API.
import type { JournalEntry } from '@pco/contract';
import type { FileJournalOptions } from './file-journal.js';

/**
 * Named moments around the journal's commit points, for fault injection: the crash suite kills
 * the process at one of them. `after-intent` is the window between the intent being durable and
 * the create call; `before-created` the window between the create call returning and its run id
 * being durable.
 */
export type JournalFaultPoint =
  /** Half of a batch of lines is written, the rest not yet: a kill here tears the last line. */
  | 'mid-write'
  | 'after-run'
  | 'after-intent'
  | 'before-created'
  | 'after-created'
  | 'after-status'
  | 'after-attempt-failed'
  | 'before-result'
  | 'after-result'
  | 'after-review'
  | 'after-milestone'
  | 'after-step'
  | 'after-follow-up';

/** Called at each {@link JournalFaultPoint}; the fault-injection suite kills the process there. */
export type JournalFaultHook = (point: JournalFaultPoint, entry: JournalEntry | undefined) => void;

// Symbol.for: the same key in every copy of this module (source or built, ESM or CJS).
export const FAULT_HOOK: unique symbol = Symbol.for('pco.journal.faultHook');

/** FileJournal's options as it reads them. */
export type InternalFileJournalOptions = FileJournalOptions & { readonly [FAULT_HOOK]?: JournalFaultHook };

export function faultHookOf(options: FileJournalOptions): JournalFaultHook | undefined {
  return (options as InternalFileJournalOptions)[FAULT_HOOK];
}
