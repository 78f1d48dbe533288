import { readFile, writeFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { parseConfigText } from './load-config.js';
import { REFERENCE_BEGIN, REFERENCE_END, renderConfigReference } from './reference.js';
import { PcoConfigSchema } from './schema.js';
import { entriesOf, isObjectSchema, unwrap, type SchemaShape } from './schema-walk.js';
import { renderStarterConfig } from './starter.js';

const DOCS = new URL('../../../../docs/configuration.md', import.meta.url);
const EXAMPLE = new URL('../../../../examples/config/pco.example.yaml', import.meta.url);

function leafPaths(schema: SchemaShape, prefix: string[] = []): string[] {
  const { schema: inner } = unwrap(schema);
  if (!isObjectSchema(inner)) return [prefix.join('.')];
  return entriesOf(inner).flatMap(([key, child]) => leafPaths(child, [...prefix, key]));
}

function keyPaths(value: unknown, prefix: string[] = []): string[] {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return [prefix.join('.')];
  return Object.entries(value).flatMap(([key, child]) => keyPaths(child, [...prefix, key]));
}

describe('docs/configuration.md', () => {
  it('holds the reference generated from the schema (UPDATE_CONFIG_DOCS=1 rewrites it)', async () => {
    const docs = await readFile(DOCS, 'utf8');
    const start = docs.indexOf(REFERENCE_BEGIN);
    const end = docs.indexOf(REFERENCE_END);
    expect(start, 'begin marker').toBeGreaterThanOrEqual(0);
    expect(end, 'end marker').toBeGreaterThan(start);
    const generated = `${REFERENCE_BEGIN}\n\n${renderConfigReference()}\n${REFERENCE_END}`;
    const current = docs.slice(start, end + REFERENCE_END.length);
    if (process.env.UPDATE_CONFIG_DOCS === '1' && current !== generated) {
      await writeFile(DOCS, docs.slice(0, start) + generated + docs.slice(end + REFERENCE_END.length));
      return;
    }
    expect(current, 'docs/configuration.md drifted from the schema: run UPDATE_CONFIG_DOCS=1 npx vitest run --project cli packages/cli/src/config/reference.test.ts').toBe(generated);
  });

  it('documents every key of the schema', () => {
    const reference = renderConfigReference();
    for (const path of leafPaths(PcoConfigSchema as unknown as SchemaShape)) {
      const key = path.split('.').pop()!;
      expect(reference, path).toContain(`| \`${key}\` |`);
    }
  });
});

describe('starter and example configs', () => {
  const env = { GITHUB_TOKEN: 'gh', CODEGEN_TOKEN: 'cg', CODEGEN_ORG_ID: '7', PCO_UI_TOKEN: 'a-web-view-token-0123' };

  it('pco init writes a valid config', () => {
    const result = parseConfigText(renderStarterConfig({ repos: ['octo/app', 'octo/lib'] }), { env });
    expect(result.ok).toBe(true);
    expect(result.ok && result.config.github.repos).toEqual(['octo/app', 'octo/lib']);
    expect(result.ok && result.config.codegen.orgId).toBe(7);
  });

  it('examples/config/pco.example.yaml is valid and sets every key of the schema', async () => {
    const text = await readFile(EXAMPLE, 'utf8');
    const result = parseConfigText(text, { env });
    expect(result.ok ? [] : result.issues).toEqual([]);
    const present = new Set(keyPaths(parse(text)));
    const missing = leafPaths(PcoConfigSchema as unknown as SchemaShape).filter((path) => !present.has(path));
    expect(missing).toEqual([]);
  });
});
