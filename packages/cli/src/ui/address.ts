/** `--ui [host:port]`: the address to bind, and whether it is loopback (no token needed). */
import { isIP } from 'node:net';
import { UiServerError } from './errors.js';
import { UI_SERVER_DEFAULTS } from './types.js';

export interface UiAddress {
  readonly host: string;
  readonly port: number;
}

/**
 * Parses `host:port`, `host`, `:port`, `port` or `[v6]:port` (`true`, a flag without a value,
 * is the default 127.0.0.1:4545).
 */
export function parseUiAddress(text: string | boolean | undefined): UiAddress {
  const fallback = { host: UI_SERVER_DEFAULTS.host, port: UI_SERVER_DEFAULTS.port };
  if (text === undefined || text === true || text === false || text.trim() === '') return fallback;
  const value = text.trim();
  const bad = () => new UiServerError('UI_ADDRESS_INVALID', `--ui: expected host:port (e.g. 127.0.0.1:4545, :8080 or [::1]:4545), got ${JSON.stringify(value)}`);
  let host: string = fallback.host;
  let portText: string | undefined;
  const v6 = /^\[([^\]]+)\](?::(\d+))?$/.exec(value);
  if (v6) {
    host = v6[1]!;
    portText = v6[2];
  } else if (/^\d+$/.test(value)) {
    portText = value;
  } else {
    const colon = value.lastIndexOf(':');
    if (colon >= 0 && value.indexOf(':') !== colon) throw bad(); // a bare IPv6 address: needs brackets
    if (colon >= 0) {
      host = value.slice(0, colon) || fallback.host;
      portText = value.slice(colon + 1);
    } else {
      host = value;
    }
  }
  if (portText !== undefined && !/^\d+$/.test(portText)) throw bad();
  const port = portText === undefined ? fallback.port : Number(portText);
  if (!Number.isInteger(port) || port < 0 || port > 65_535) throw bad();
  if (!/^[A-Za-z0-9.:-]+$/.test(host)) throw bad();
  return { host, port };
}

/** Whether `host` only reaches this machine: 127.0.0.0/8, ::1 or `localhost`. */
export function isLoopback(host: string): boolean {
  const h = host.toLowerCase();
  if (h === 'localhost' || h === '::1' || h === '0:0:0:0:0:0:0:1') return true;
  if (isIP(h) === 4) return h.startsWith('127.');
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/.exec(h);
  return mapped !== null && mapped[1]!.startsWith('127.');
}

/** `http://host:port/` with IPv6 hosts bracketed. */
export function urlOf(host: string, port: number): string {
  return `http://${isIP(host) === 6 ? `[${host}]` : host}:${port}/`;
}
