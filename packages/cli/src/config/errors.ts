import { PcoError } from '@pco/contract';

/**
 * A configuration file could not be read (missing, unreadable, not a file). Invalid *content* is
 * not thrown: it is returned as `{ ok: false, issues }`.
 *
 * Codes: `CONFIG_NOT_FOUND`, `CONFIG_UNREADABLE`.
 */
export class ConfigFileError extends PcoError {
  constructor(
    code: 'CONFIG_NOT_FOUND' | 'CONFIG_UNREADABLE',
    message: string,
    options: { readonly cause?: unknown; readonly context?: Readonly<Record<string, unknown>> } = {},
  ) {
    super(code, message, options);
  }
}
