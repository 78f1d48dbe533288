/** Replacement for a secret found in a journal record. */
export const REDACTED = '[REDACTED]';

const SECRET_KEY = /^(token|secret|password|passphrase|authorization|api[-_]?key|private[-_]?key|credentials?)$|token$|secret$/i;
/** Shapes of well-known credentials, redacted even when nobody told us the value. */
const TOKEN_PATTERNS: readonly RegExp[] = [
  /\b(?:gh[pousr]_[A-Za-z0-9]{20,}|github_pat_[A-Za-z0-9_]{20,})\b/g,
  /\b(Bearer|token)\s+[A-Za-z0-9._~+/=-]{12,}/gi,
];

/**
 * Returns a deep copy of `value` in which every known secret (exact values; shorter than 4
 * characters are ignored), every credential-shaped string, and every value under a secret-named
 * key is replaced by `[REDACTED]`. The journal runs every record through this before writing.
 */
export function redactSecrets<T>(value: T, secrets: readonly string[]): T {
  const known = [...new Set(secrets.filter((secret) => typeof secret === 'string' && secret.length >= 4))].sort(
    (a, b) => b.length - a.length,
  );
  return walk(value, known) as T;
}

function redactString(text: string, known: readonly string[]): string {
  let out = text;
  for (const secret of known) if (out.includes(secret)) out = out.split(secret).join(REDACTED);
  for (const pattern of TOKEN_PATTERNS) {
    out = out.replace(pattern, (match, scheme: unknown) =>
      typeof scheme === 'string' && /^(bearer|token)$/i.test(scheme) ? `${scheme} ${REDACTED}` : REDACTED,
    );
  }
  return out;
}

function walk(value: unknown, known: readonly string[]): unknown {
  if (typeof value === 'string') return redactString(value, known);
  if (Array.isArray(value)) return value.map((item) => walk(item, known));
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [key, item] of Object.entries(value)) {
      out[key] = SECRET_KEY.test(key) && typeof item === 'string' && item !== '' ? REDACTED : walk(item, known);
    }
    return out;
  }
  return value;
}
