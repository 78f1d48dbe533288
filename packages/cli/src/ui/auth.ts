/**
 * The view's access token: generated (or configured), checked in constant time on every request
 * from the `Authorization: Bearer` header, the `token` query parameter, then the cookie the
 * server sets once a request carried it (so the page's own fetches and its EventSource, which
 * cannot send headers, need no token in their URLs).
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';

/** Name of the cookie holding the token. */
export const TOKEN_COOKIE = 'pco_ui_token';

/** A fresh token: 32 random bytes, base64url (43 characters). */
export function generateToken(): string {
  return randomBytes(32).toString('base64url');
}

/** Compares in constant time (both sides hashed first, so lengths leak nothing either). */
export function tokensEqual(given: string, expected: string): boolean {
  const a = createHash('sha256').update(given).digest();
  const b = createHash('sha256').update(expected).digest();
  return timingSafeEqual(a, b);
}

/** Where a request carried the token, if it did. */
export type TokenSource = 'header' | 'query' | 'cookie';

/** The token a request carries and where, or undefined. */
export function tokenOf(request: IncomingMessage, url: URL): { readonly token: string; readonly from: TokenSource } | undefined {
  const header = request.headers.authorization;
  const bearer = header === undefined ? undefined : /^Bearer\s+(\S+)$/i.exec(header)?.[1];
  if (bearer !== undefined) return { token: bearer, from: 'header' };
  const query = url.searchParams.get('token');
  if (query !== null && query !== '') return { token: query, from: 'query' };
  const cookie = cookieValue(request.headers.cookie, TOKEN_COOKIE);
  if (cookie !== undefined) return { token: cookie, from: 'cookie' };
  return undefined;
}

function cookieValue(header: string | undefined, name: string): string | undefined {
  if (header === undefined) return undefined;
  for (const part of header.split(';')) {
    const [key, ...rest] = part.trim().split('=');
    if (key === name) return decodeURIComponent(rest.join('='));
  }
  return undefined;
}

/** The `Set-Cookie` value for the token: HttpOnly, SameSite=Strict, path /. */
export function tokenCookie(token: string): string {
  return `${TOKEN_COOKIE}=${encodeURIComponent(token)}; HttpOnly; SameSite=Strict; Path=/`;
}
