/**
 * One self-contained HTML file of the view (`pco plan --html`): the built page's index.html with
 * its script and styles inlined, the data embedded as `<script type="application/json"
 * id="pco-data">`, and a CSP meta tag allowing exactly those inline blocks by their sha256
 * (https://www.w3.org/TR/CSP3/#grammardef-hash-source). It opens from disk, makes no request.
 */
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { Redactor } from '@pco/contract';
import { EMBEDDED_DATA_ID, type EmbeddedData } from './api-types.js';
import { ASSETS_MISSING_MESSAGE, assetsBuilt } from './assets.js';
import { UiServerError } from './errors.js';
import { serialize } from './http-server.js';


const sha256 = (text: string): string => `'sha256-${createHash('sha256').update(text, 'utf8').digest('base64')}'`;

/** JSON safe inside `<script>`: no `</script>`, no `<!--`, no line separators. */
function scriptSafeJson(json: string): string {
  return json.replace(/</g, '\\u003c').replace(/>/g, '\\u003e').replace(/&/g, '\\u0026').replace(/\u2028/g, '\\u2028').replace(/\u2029/g, '\\u2029');
}

/** Resolves an asset reference of index.html (`/assets/x.js`, `./assets/x.js`) inside `assetsDir`. */
async function assetText(assetsDir: string, reference: string): Promise<string> {
  const clean = reference.split(/[?#]/)[0]!.replace(/^\.?\//, '');
  const root = path.resolve(assetsDir);
  const file = path.resolve(root, clean);
  if (!file.startsWith(root + path.sep)) throw new Error(`asset outside the page folder: ${reference}`);
  return readFile(file, 'utf8');
}

/**
 * The view as one HTML document: `data` redacted and embedded, the page's scripts and styles from
 * `assetsDir` inlined. Throws a {@link UiServerError} (`UI_PAGE_NOT_BUILT`) when the page is not built.
 */
export async function renderStaticPage(data: EmbeddedData, options: { readonly assetsDir: string; readonly redact: Redactor }): Promise<string> {
  if (!assetsBuilt(options.assetsDir)) {
    throw new UiServerError('UI_PAGE_NOT_BUILT', ASSETS_MISSING_MESSAGE.split('\n').slice(0, 2).join(' '), { context: { assetsDir: options.assetsDir } });
  }
  let html = await readFile(path.join(options.assetsDir, 'index.html'), 'utf8');
  const scripts: string[] = [];
  const styles: string[] = [];
  // Preloads would fetch; the inlined module needs none.
  html = html.replace(/<link\b[^>]*\brel=["']?modulepreload["']?[^>]*>\s*/gi, '');
  for (const match of [...html.matchAll(/<script\b([^>]*)\bsrc=["']([^"']+)["']([^>]*)><\/script>/gi)]) {
    const code = (await assetText(options.assetsDir, match[2]!)).replace(/<\/script/gi, '<\\/script');
    scripts.push(code);
    const attributes = `${match[1]!}${match[3]!}`.replace(/\s*crossorigin(=["'][^"']*["'])?/gi, '').trim();
    html = html.replace(match[0], () => `<script ${attributes}>${code}</script>`.replace('<script >', '<script>'));
  }
  // The layout engine, named but not loaded by a live page (its worker loads it): inlined, it
  // runs in the page, which cannot start a worker from a file (web/src/elk-worker.ts).
  for (const match of [...html.matchAll(/<link\b[^>]*\brel=["']?pco-layout-engine["']?[^>]*>/gi)]) {
    const href = /\bhref=["']([^"']+)["']/i.exec(match[0])?.[1];
    if (href === undefined) continue;
    const code = (await assetText(options.assetsDir, href)).replace(/<\/script/gi, '<\\/script');
    scripts.push(code);
    html = html.replace(match[0], () => `<script>${code}</script>`);
  }
  for (const match of [...html.matchAll(/<link\b[^>]*\brel=["']?stylesheet["']?[^>]*>/gi)]) {
    const href = /\bhref=["']([^"']+)["']/i.exec(match[0])?.[1];
    if (href === undefined) continue;
    const css = (await assetText(options.assetsDir, href)).replace(/<\/style/gi, '<\\/style');
    styles.push(css);
    html = html.replace(match[0], () => `<style>${css}</style>`);
  }
  const csp = [
    "default-src 'none'",
    `script-src ${scripts.map(sha256).join(' ') || "'none'"}`,
    `style-src ${styles.map(sha256).join(' ') || "'none'"}`,
    'img-src data:',
    "connect-src 'none'",
    "base-uri 'none'",
    "form-action 'none'",
  ].join('; ');
  const head = `<meta http-equiv="Content-Security-Policy" content="${csp}">\n<script type="application/json" id="${EMBEDDED_DATA_ID}">${scriptSafeJson(serialize(options.redact, data))}</script>\n`;
  // The CSP must come before any script or style it governs: first thing in <head>.
  return /<head[^>]*>/i.test(html) ? html.replace(/<head[^>]*>/i, (tag) => `${tag}\n${head}`) : `${head}${html}`;
}

/** Reads the embedded data back out of a static page (for tests and tools). */
export function embeddedData(html: string): unknown {
  const match = new RegExp(`<script type="application/json" id="${EMBEDDED_DATA_ID}">([\\s\\S]*?)</script>`).exec(html);
  if (!match) throw new Error('no embedded pco data');
  return JSON.parse(match[1]!);
}
