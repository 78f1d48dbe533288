/**
 * The built page (packages/cli/dist/web/, made by the page's Vite build): where it is, and
 * serving its files. Nothing is built on the user's machine; without the files the server says
 * how to build them.
 */
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** Content types of the files a Vite build emits. */
const CONTENT_TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.txt': 'text/plain; charset=utf-8',
};

/** What the server answers when the page was not built. */
export const ASSETS_MISSING_MESSAGE =
  'The pco web view page is not built (no index.html in the assets folder).\n' +
  'Build it with `npm run build -w @pco/cli` in the pco repository (installed packages ship it built).\n' +
  'The JSON API works without it: /api/v1/status, /api/v1/tasks, /api/v1/events, /api/v1/stream.\n';

/**
 * The built page's folder: `web/` beside the built module (dist/web when bundled into dist/), or
 * packages/cli/dist/web when running from the sources.
 */
export function defaultAssetsDir(): string {
  const candidates = [new URL('./web/', import.meta.url), new URL('../../dist/web/', import.meta.url)].map((url) => fileURLToPath(url));
  return candidates.find((dir) => existsSync(path.join(dir, 'index.html'))) ?? candidates[0]!;
}

/** A file of the page, or undefined when `urlPath` names none (or leaves the folder). */
export async function readAsset(assetsDir: string, urlPath: string): Promise<{ readonly body: Buffer; readonly type: string } | undefined> {
  let relative: string;
  try {
    relative = decodeURIComponent(urlPath);
  } catch {
    return undefined;
  }
  if (relative.includes('\0')) return undefined;
  if (relative === '/' || relative === '') relative = '/index.html';
  const root = path.resolve(assetsDir);
  const file = path.resolve(root, `.${relative}`);
  if (file !== root && !file.startsWith(root + path.sep)) return undefined;
  const type = CONTENT_TYPES[path.extname(file).toLowerCase()] ?? 'application/octet-stream';
  try {
    return { body: await readFile(file), type };
  } catch {
    return undefined;
  }
}

/** Whether the page's entry exists in `assetsDir`. */
export function assetsBuilt(assetsDir: string): boolean {
  return existsSync(path.join(assetsDir, 'index.html'));
}
