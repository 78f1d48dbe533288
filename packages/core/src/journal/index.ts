export { configFingerprint } from './config-fingerprint.js';
export { JournalConfigMismatchError, JournalCorruptError, JournalIOError, JournalLockedError } from './errors.js';
export {
  FileJournal,
  journalExists,
  readJournalState,
  type FileJournalOptions,
  type JournalFaultPoint,
  type JournalOpenReport,
} from './file-journal.js';
export {
  exportJournal,
  renderJournalExport,
  resultsFromJournalState,
  resultsToCsv,
  type ExportedTaskResult,
  type ExportJournalOptions,
  type JournalExportFormat,
  type JournalJsonExport,
} from './journal-export.js';
export { acquireJournalLock, type AcquireLockOptions, type JournalLock, type LockHolder } from './journal-lock.js';
export { parseJournal, type ParsedJournal } from './journal-reader.js';
export {
  planResume,
  reduceJournal,
  resumeActionFor,
  type JournalAttempt,
  type JournalState,
  type JournalTaskState,
  type ResumeAction,
  type ResumePlanOptions,
} from './journal-state.js';
export {
  formatJournalStatus,
  journalStatus,
  statusOfJournalState,
  type FormatJournalStatusOptions,
  type JournalStatusReport,
  type JournalTaskStatus,
} from './journal-status.js';
export { redactSecrets } from './redact-secrets.js';
export { JOURNAL_FORMAT, JOURNAL_VERSION, type JournalRecord, type JournalWarning, type PlannedTask } from './types.js';
