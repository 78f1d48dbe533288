export { JournalConfigMismatchError, JournalCorruptError, JournalEntryError, JournalIOError, JournalLockedError } from './errors.js';
export { FileJournal, journalExists, readJournal, type FileJournalOptions, type JournalOpenReport } from './file-journal.js';
export { JOURNAL_FORMAT, JOURNAL_VERSION, type JournalWarning } from './types.js';
