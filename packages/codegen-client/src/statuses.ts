/**
 * Agent-run statuses. The spec types `status` as a free, nullable string; the values below are
 * the backend's `AgentRunStatusType` as mirrored by Codegen's own clients (research §5). They are
 * UPPERCASE: the SDK docs' lowercase "completed"/"failed" never match what the API returns.
 */

/** Every status known today. */
export const KNOWN_STATUSES = [
  'PENDING',
  'ACTIVE',
  'RUNNING',
  'EVALUATION',
  'PAUSED',
  'COMPLETE',
  'ERROR',
  'FAILED',
  'CANCELLED',
  'STOPPED',
  'TIMEOUT',
  'MAX_ITERATIONS_REACHED',
  'OUT_OF_TOKENS',
] as const;

/** A status known today. */
export type KnownStatus = (typeof KNOWN_STATUSES)[number];

/** A run status: a known one, or any string the API may add later. */
export type RunStatus = KnownStatus | (string & {});

/** Statuses after which the run does no more work. */
export const TERMINAL_STATUSES: ReadonlySet<string> = new Set<KnownStatus>([
  'COMPLETE',
  'ERROR',
  'FAILED',
  'CANCELLED',
  'STOPPED',
  'TIMEOUT',
  'MAX_ITERATIONS_REACHED',
  'OUT_OF_TOKENS',
]);

const KNOWN: ReadonlySet<string> = new Set<string>(KNOWN_STATUSES);

/** True for a status in {@link KNOWN_STATUSES}. */
export function isKnownStatus(status: string | null | undefined): status is KnownStatus {
  return typeof status === 'string' && KNOWN.has(status);
}

/** True when the run has ended (successfully or not). Unknown statuses and null are not terminal. */
export function isTerminal(status: string | null | undefined): boolean {
  return typeof status === 'string' && TERMINAL_STATUSES.has(status);
}

/** True only for `COMPLETE`. */
export function isSuccess(status: string | null | undefined): boolean {
  return status === 'COMPLETE';
}

/** True for `PAUSED`: the run waits for a follow-up (`resumeRun`). */
export function needsInput(status: string | null | undefined): boolean {
  return status === 'PAUSED';
}

/** True when a watcher should stop polling: terminal, or paused waiting for input. */
export function isSettled(status: string | null | undefined): boolean {
  return isTerminal(status) || needsInput(status);
}
