// Error codes of Node's net/dns/undici layers that mean "the network hiccuped, try again".
const TRANSIENT_CODES = new Set([
  'ECONNRESET',
  'ECONNREFUSED',
  'ECONNABORTED',
  'ETIMEDOUT',
  'EPIPE',
  'EAI_AGAIN',
  'ENETUNREACH',
  'EHOSTUNREACH',
  'ENETDOWN',
  'UND_ERR_SOCKET',
  'UND_ERR_CONNECT_TIMEOUT',
  'UND_ERR_HEADERS_TIMEOUT',
  'UND_ERR_BODY_TIMEOUT',
  'UND_ERR_CLOSED',
]);

/**
 * Default classification of an error thrown by an executor: an explicit boolean `transient`
 * property wins; otherwise HTTP 429 / 5xx (`status` or `statusCode`) and network error codes
 * (also on the `cause` chain, as `fetch` wraps them) are transient. Everything else is permanent.
 */
export function isTransientError(error: unknown): boolean {
  let current: unknown = error;
  for (let depth = 0; depth < 5 && typeof current === 'object' && current !== null; depth++) {
    const record = current as { transient?: unknown; status?: unknown; statusCode?: unknown; code?: unknown; cause?: unknown };
    if (typeof record.transient === 'boolean') return record.transient;
    const status = typeof record.status === 'number' ? record.status : record.statusCode;
    if (typeof status === 'number' && (status === 429 || (status >= 500 && status <= 599))) return true;
    if (typeof record.code === 'string' && TRANSIENT_CODES.has(record.code)) return true;
    current = record.cause;
  }
  return false;
}
