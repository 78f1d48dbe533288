/**
 * Who may hand work to an agent with write access. Issue text is a prompt: only people with a
 * standing relationship to the repository (research §1.6) or an explicit allow-list qualify.
 */

export interface TrustOptions {
  /**
   * `author_association` values that are trusted.
   * @default ['OWNER', 'MEMBER', 'COLLABORATOR']
   */
  readonly trustedAssociations?: readonly string[];
  /** Logins trusted whatever their association (case-insensitive). @default [] */
  readonly allowedAuthors?: readonly string[];
  /** Trust everyone. Only for private repositories whose every author is known. @default false */
  readonly trustEveryone?: boolean;
}

export const DEFAULT_TRUSTED_ASSOCIATIONS: readonly string[] = ['OWNER', 'MEMBER', 'COLLABORATOR'];

/** Whether an issue by `author` with `association` may become a runnable task. */
export function isTrustedAuthor(author: string | undefined, association: string | undefined, options: TrustOptions = {}): boolean {
  if (options.trustEveryone) return true;
  if (author !== undefined && (options.allowedAuthors ?? []).some((a) => a.toLowerCase() === author.toLowerCase())) return true;
  return association !== undefined && (options.trustedAssociations ?? DEFAULT_TRUSTED_ASSOCIATIONS).includes(association.toUpperCase());
}
