export { configFingerprint, journalFingerprint, type JournalIdentity } from './config-fingerprint.js';
export { JournalConfigMismatchError, JournalCorruptError, JournalEntryError, JournalIOError, JournalLockedError } from './errors.js';
export {
  FileJournal,
  journalExists,
  readJournal,
  type FileJournalOptions,
  type JournalFaultPoint,
  type JournalOpenReport,
} from './file-journal.js';
export {
  exportJournal,
  resultsFromEntries,
  type ExportJournalOptions,
  type JournalExportFormat,
  type JournalJsonExport,
} from './journal-export.js';
export {
  formatJournalStatus,
  journalStatus,
  statusOfEntries,
  type FormatJournalStatusOptions,
  type JournalStatusReport,
  type JournalTaskStatus,
  type ResumeAction,
} from './journal-status.js';
export { JOURNAL_FORMAT, JOURNAL_VERSION, type JournalWarning } from './types.js';
