import { PcoError } from '@pco/contract';

/** Codes of {@link OrchestratorError}. */
export type OrchestratorErrorCode =
  /** `run()` while a run is in progress, `add()` after the run ended, ... */
  | 'ORCHESTRATOR_MISUSE'
  /** The task source rejected; `cause` holds its error. */
  | 'SOURCE_LOAD_FAILED'
  /** The journal could not be loaded for a resume; `cause` holds its error. */
  | 'JOURNAL_LOAD_FAILED';

/** Misuse of the orchestrator, or a failure that prevents a run from starting. */
export class OrchestratorError extends PcoError {
  declare readonly code: OrchestratorErrorCode;
  constructor(
    code: OrchestratorErrorCode,
    message: string,
    options: { readonly cause?: unknown; readonly context?: Readonly<Record<string, unknown>> } = {},
  ) {
    super(code, message, options);
  }
}
