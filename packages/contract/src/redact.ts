/**
 * The one redactor of pco. Every package scrubs secrets through it: error messages, log lines,
 * journal records, result files, the CLI's output. Known secrets (the tokens pco was given) and
 * anything shaped like a credential are replaced by {@link REDACTED}.
 */

/** What replaces a secret. */
export const REDACTED = '[REDACTED]';

// Token shapes worth scrubbing even when pco was not told the value.
// https://github.blog/engineering/platform-security/behind-githubs-new-authentication-token-formats/
const TOKEN_SHAPES: readonly RegExp[] = [
  /\bgh[pousr]_[A-Za-z0-9]{20,}\b/g,
  /\bgithub_pat_[A-Za-z0-9_]{20,}\b/g,
  // A bearer credential; a `token` scheme only where it is an Authorization header (the word
  // "token" alone is ordinary prose: "token permissions_for_repo" is not a secret).
  /(\bBearer\s+)[A-Za-z0-9._~+/=-]{8,}/gi,
  /(\bauthorization["']?\s*[:=]\s*["']?token\s+)[A-Za-z0-9._~+/=-]{8,}/gi,
];

/** Keys whose string values are secrets whatever they hold (`token`, `apiKey`, `authorization`...). */
const SECRET_KEY = /^(token|secret|password|passphrase|authorization|api[-_]?key|private[-_]?key|credentials?)$|token$|secret$/i;

/** Removes secrets from text, and (`value`) from any JSON-like value. */
export interface Redactor {
  (text: string): string;
  /**
   * A deep copy of `value` with every string redacted and every string under a secret-named key
   * (`token`, `authorization`, `apiKey`...) replaced whole. Keys are never changed.
   */
  value<T>(value: T): T;
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/**
 * A {@link Redactor} for `secrets`. Secrets shorter than 4 characters are ignored: they would
 * mangle ordinary text and cannot be real tokens.
 */
export function createRedactor(secrets: Iterable<string> = []): Redactor {
  const literal = [...new Set([...secrets].filter((secret) => typeof secret === 'string' && secret.length >= 4))]
    .sort((a, b) => b.length - a.length)
    .map(escapeRegExp);
  const pattern = literal.length > 0 ? new RegExp(literal.join('|'), 'g') : undefined;
  const text = (input: string): string => {
    let out = pattern ? input.replace(pattern, REDACTED) : input;
    for (const shape of TOKEN_SHAPES) {
      out = out.replace(shape, (_match, prefix?: string) => (typeof prefix === 'string' ? `${prefix}${REDACTED}` : REDACTED));
    }
    return out;
  };
  const walk = (value: unknown): unknown => {
    if (typeof value === 'string') return text(value);
    if (Array.isArray(value)) return value.map(walk);
    if (value !== null && typeof value === 'object') {
      const out: Record<string, unknown> = {};
      for (const [key, item] of Object.entries(value)) {
        out[key] = SECRET_KEY.test(key) && typeof item === 'string' && item !== '' ? REDACTED : walk(item);
      }
      return out;
    }
    return value;
  };
  return Object.assign(text, { value: <T>(value: T): T => walk(value) as T });
}
