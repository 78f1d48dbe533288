/** Errors of the web view's server. */
import { PcoError } from '@pco/contract';

export type UiServerErrorCode = 'UI_ADDRESS_INVALID' | 'UI_TOKEN_REQUIRED' | 'UI_LISTEN_FAILED' | 'UI_PAGE_NOT_BUILT';

/** The view cannot be served as asked: a bad address, a public bind without a token, a port in use, no built page (for a static file). */
export class UiServerError extends PcoError {
  declare readonly code: UiServerErrorCode;

  constructor(code: UiServerErrorCode, message: string, options: { readonly cause?: unknown; readonly context?: Readonly<Record<string, unknown>> } = {}) {
    super(code, message, options);
  }
}
