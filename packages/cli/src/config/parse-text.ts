/**
 * Config text (YAML or JSON) → plain data, with every syntax problem as a {@link ConfigIssue}
 * that names the file and the position: syntax errors, duplicate keys (by name, with the line of
 * the first one) and alias bombs. Never throws.
 */
import { isMap, isScalar, isSeq, LineCounter, parseDocument, type Document, type Node } from 'yaml';
import type { ConfigIssue } from './issues.js';

/** A parsed document and the positions of its nodes, for messages. */
export interface ParsedText {
  readonly ok: true;
  readonly raw: unknown;
  readonly doc: Document;
  readonly lineCounter: LineCounter;
}

/**
 * How many times the aliases of one anchor may be expanded. The `yaml` package's own guard
 * against "billion laughs" documents (https://eemeli.org/yaml/#tojs-options, `maxAliasCount`);
 * a real pco config has no use for more.
 */
export const MAX_ALIAS_COUNT = 100;

/** Parses config text; `name` is how the file is named in messages. */
export function parseText(text: string, format: 'yaml' | 'json', name: string): ParsedText | { readonly ok: false; readonly issues: ConfigIssue[] } {
  const syntax = format === 'json' ? 'JSON' : 'YAML';
  if (format === 'json' && text.trim() !== '') {
    try {
      JSON.parse(text);
    } catch (error) {
      const message = `JSON syntax error: ${(error as Error).message}`;
      return { ok: false, issues: [{ path: '', expected: 'valid JSON', received: 'invalid JSON', message, origin: name }] };
    }
  }

  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, uniqueKeys: true, prettyErrors: true });
  if (doc.errors.length > 0) {
    const issues: ConfigIssue[] = [];
    for (const error of doc.errors) {
      const duplicate = error.code === 'DUPLICATE_KEY' ? duplicateKeyIssue(doc, lineCounter, error.pos[0], name) : undefined;
      if (duplicate) {
        issues.push(duplicate);
        continue;
      }
      const at = error.linePos?.[0];
      issues.push({
        path: '',
        expected: `valid ${syntax}`,
        received: 'a syntax error',
        message: `${syntax} syntax error: ${error.message.split('\n')[0]!.replace(/ at line \d+, column \d+:?$/, '')}`,
        origin: at ? `${name}:${at.line}:${at.col}` : name,
      });
    }
    return { ok: false, issues };
  }

  try {
    return { ok: true, raw: doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT }), doc, lineCounter };
  } catch (error) {
    // `yaml` throws a ReferenceError when aliases expand past maxAliasCount: the document is an
    // attack or a mistake, and either way it is the file's fault (exit 2), not pco's.
    const bomb = /resource exhaustion/i.test((error as Error).message);
    return {
      ok: false,
      issues: [
        {
          path: '',
          expected: `${syntax} whose aliases expand at most ${MAX_ALIAS_COUNT} times per anchor`,
          received: bomb ? 'an alias bomb' : 'a document that cannot be read',
          message: bomb
            ? `YAML aliases expand too much (an anchor's aliases would be expanded more than ${MAX_ALIAS_COUNT} times, as in a "billion laughs" document); write the values out instead of nesting aliases`
            : `${syntax} cannot be read: ${(error as Error).message}`,
          origin: name,
        },
      ],
    };
  }
}

/** `agent.retryAttempts: duplicate key "retryAttempts" (first at line 5) (pco.yaml:6:3)`. */
function duplicateKeyIssue(doc: Document, lineCounter: LineCounter, offset: number, name: string): ConfigIssue | undefined {
  const found = findDuplicate(doc.contents, [], offset);
  if (!found) return undefined;
  const { path, key, first } = found;
  const at = lineCounter.linePos(offset);
  const firstLine = first === undefined ? undefined : lineCounter.linePos(first).line;
  return {
    path: path.join('.'),
    expected: 'each key once per mapping',
    received: `"${key}" again`,
    message: `duplicate key "${key}"${firstLine === undefined ? '' : ` (first at line ${firstLine})`}`,
    origin: `${name}:${at.line}:${at.col}`,
  };
}

function findDuplicate(
  node: Node | null | undefined | unknown,
  path: (string | number)[],
  offset: number,
): { path: (string | number)[]; key: string; first: number | undefined } | undefined {
  if (isSeq(node)) {
    for (const [index, item] of node.items.entries()) {
      const found = findDuplicate(item, [...path, index], offset);
      if (found) return found;
    }
  } else if (isMap(node)) {
    for (const pair of node.items) {
      const keyNode = pair.key;
      const key = isScalar(keyNode) ? String(keyNode.value) : String(keyNode);
      if (isScalar(keyNode) && keyNode.range?.[0] === offset) {
        const earlier = node.items.find((other) => other !== pair && isScalar(other.key) && other.key.value === keyNode.value);
        const first = isScalar(earlier?.key) ? earlier.key.range?.[0] : undefined;
        return { path: [...path, key], key, first };
      }
      const found = findDuplicate(pair.value, [...path, key], offset);
      if (found) return found;
    }
  }
  return undefined;
}
