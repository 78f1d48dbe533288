export { configFingerprint, journalFingerprint, type JournalIdentity } from './config-fingerprint.js';
export { exportJournal, resultsFromEntries, type ExportJournalOptions, type JournalExportFormat, type JournalJsonExport } from './journal-export.js';
export {
  formatJournalStatus,
  journalStatus,
  statusOfEntries,
  type FormatJournalStatusOptions,
  type JournalStatusReport,
  type JournalTaskStatus,
  type ResumeAction,
} from './journal-status.js';
export { runBudgetPath, runBudgetStore } from './run-budget.js';
