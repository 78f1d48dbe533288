/** The fake Codegen's HTTP plumbing: replies, the spec's error messages, body reading, paging. */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { FakeCodegenOperation } from './rate-limits.js';
import type { FakeResponseRecord } from './types.js';

/** One FastAPI/pydantic v2 validation issue (an entry of a 422's `detail`). */
export interface ValidationIssue {
  readonly type: string;
  readonly loc: readonly (string | number)[];
  readonly msg: string;
  readonly input: unknown;
  readonly ctx?: Readonly<Record<string, unknown>>;
}

/** A reply to send: JSON unless `body` is a string. */
export class HttpReply {
  constructor(
    readonly status: number,
    readonly body: unknown,
    readonly headers: Readonly<Record<string, string>> = {},
  ) {}
}

// Default messages of the spec's error schemas (components.schemas.*ErrorResponse).
export const MESSAGES = {
  401: 'Invalid or missing API token.',
  402: 'Alloted agent runs for the current billing plan have been reached. Please upgrade your plan to continue.',
  403: 'You do not have access to this organization.',
  runNotFound: 'Agent run not found.',
  noRepos: 'No repos found in the organization. Please add some repos and try again.',
  userNotFound: 'User not found.',
  429: 'Rate limit exceeded. Please try again later.',
} as const;

export const STATUS_TEXT: Readonly<Record<number, string>> = {
  500: 'Internal Server Error',
  502: 'Bad Gateway',
  503: 'Service Unavailable',
  504: 'Gateway Timeout',
};

const MAX_BODY_BYTES = 10 * 1024 * 1024;

export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Pydantic's lax int: an integer, or a string holding one. */
export function laxInt(value: unknown): number | undefined {
  if (typeof value === 'number' && Number.isInteger(value)) return value;
  if (typeof value === 'string' && /^[+-]?\d+$/.test(value.trim())) return Number(value.trim());
  return undefined;
}

export function intIssue(where: 'path' | 'query' | 'body', name: string, input: unknown): ValidationIssue {
  return typeof input === 'string'
    ? {
        type: 'int_parsing',
        loc: [where, name],
        msg: 'Input should be a valid integer, unable to parse string as an integer',
        input,
      }
    : { type: 'int_type', loc: [where, name], msg: 'Input should be a valid integer', input };
}

export function page<T>(items: readonly T[], skip: number, limit: number): Record<string, unknown> {
  // Inferred from the docs' example (research §1): page = floor(skip/limit)+1, size = limit.
  return {
    items: items.slice(skip, skip + limit),
    total: items.length,
    page: Math.floor(skip / limit) + 1,
    size: limit,
    pages: Math.ceil(items.length / limit),
  };
}

/** The request body as text (refused over 10 MB). */
export async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY_BYTES) throw new Error('body too large');
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}

/** Writes `reply` and tells `onResponse` what was sent. */
export function send(
  req: IncomingMessage,
  res: ServerResponse,
  path: string,
  operation: FakeCodegenOperation | null,
  reply: HttpReply,
  onResponse: ((response: FakeResponseRecord) => void) | undefined,
): void {
  const isJson = typeof reply.body !== 'string';
  const text = isJson ? JSON.stringify(reply.body) : (reply.body as string);
  const contentType = isJson ? 'application/json' : 'text/plain; charset=utf-8';
  res.writeHead(reply.status, { 'content-type': contentType, 'content-length': Buffer.byteLength(text), ...reply.headers });
  res.end(text);
  onResponse?.({ method: req.method ?? 'GET', path, operation, status: reply.status, contentType, body: reply.body });
}
