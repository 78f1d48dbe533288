/**
 * Fault injection for the journal's crash suite (packages/cli/src/journal/fault), which imports
 * this module by path. Not exported from @pco/core: test-only settings stay out of the public
 * types.
 */
import { FAULT_HOOK, type InternalFileJournalOptions, type JournalFaultHook } from './fault-hook.js';
import { FileJournal, type FileJournalOptions } from './file-journal.js';

export type { JournalFaultHook, JournalFaultPoint } from './fault-hook.js';

/** `FileJournal.open` with a `faultHook`, called at each commit point (see JournalFaultPoint). */
export const FileJournalWithFaultHook = {
  open(options: FileJournalOptions & { readonly faultHook?: JournalFaultHook }): Promise<FileJournal> {
    const { faultHook, ...rest } = options;
    const internal: InternalFileJournalOptions = faultHook === undefined ? rest : { ...rest, [FAULT_HOOK]: faultHook };
    return FileJournal.open(internal);
  },
};
