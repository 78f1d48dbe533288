/**
 * The configuration reference in Markdown, generated from the schema. docs/configuration.md holds
 * a copy between two markers; a test fails when the two drift apart.
 */
import { pathToEnvName } from './env-overrides.js';
import { PcoConfigSchema, type FieldInfo } from './schema.js';
import { entriesOf, isObjectSchema, unwrap, type SchemaShape } from './schema-walk.js';

export const REFERENCE_BEGIN = '<!-- BEGIN GENERATED CONFIG REFERENCE (do not edit: see packages/cli/src/config/reference.ts) -->';
export const REFERENCE_END = '<!-- END GENERATED CONFIG REFERENCE -->';

function code(value: unknown): string {
  const text = typeof value === 'string' ? JSON.stringify(value) : JSON.stringify(value, null, 0).replace(/,/g, ', ');
  return `\`${text}\``;
}

function cell(text: string): string {
  return text.replace(/\|/g, '\\|').replace(/\n/g, ' ');
}

function expectedOf(schema: SchemaShape, info: FieldInfo | undefined): string {
  if (schema.type === 'array' && schema.item && !info) {
    const item = unwrap(schema.item);
    return `a list of: ${(item.info as FieldInfo | undefined)?.expected ?? item.schema.type}`;
  }
  return info?.expected ?? schema.type;
}

/** The reference: one table per section, in schema order. */
export function renderConfigReference(): string {
  const out: string[] = [];
  const renderSection = (schema: SchemaShape, path: string[], inheritedDefault: unknown) => {
    const { schema: inner, info } = unwrap(schema);
    const depth = Math.min(path.length + 2, 4);
    out.push(`${'#'.repeat(depth)} \`${path.join('.')}\``, '');
    if (info?.description) out.push(info.description, '');
    const rows: string[] = [];
    const nested: [SchemaShape, string[], unknown][] = [];
    for (const [key, child] of entriesOf(inner)) {
      const field = unwrap(child);
      const childPath = [...path, key];
      const parentDefault =
        inheritedDefault && typeof inheritedDefault === 'object' ? (inheritedDefault as Record<string, unknown>)[key] : undefined;
      if (isObjectSchema(field.schema)) {
        nested.push([child, childPath, field.hasDefault ? field.default : parentDefault]);
        rows.push(
          `| \`${key}\` | section, see [\`${childPath.join('.')}\`](#${childPath.join('').toLowerCase()}) | ${
            field.optional ? 'optional' : '**required**'
          } | | ${cell(field.info?.description ?? '')} |`,
        );
        continue;
      }
      const fieldInfo = field.info as FieldInfo | undefined;
      const defaultValue = field.hasDefault ? field.default : parentDefault;
      const defaultText =
        defaultValue !== undefined ? code(defaultValue) : field.optional ? '—' : '**required**';
      const example = fieldInfo?.example ? ` Example: \`${fieldInfo.example}\`.` : '';
      const secret = fieldInfo?.secret ? ' **Secret**: never printed.' : '';
      rows.push(
        `| \`${key}\` | ${cell(expectedOf(field.schema, fieldInfo))} | ${defaultText} | \`${pathToEnvName(childPath)}\` | ${cell(
          `${fieldInfo?.description ?? ''}${example}${secret}`,
        )} |`,
      );
    }
    out.push('| Key | Expected | Default | Environment override | Description |', '| --- | --- | --- | --- | --- |', ...rows, '');
    for (const [child, childPath, childDefault] of nested) renderSection(child, childPath, childDefault);
  };
  for (const [key, child] of entriesOf(unwrap(PcoConfigSchema).schema)) {
    const field = unwrap(child);
    renderSection(child, [key], field.default);
  }
  return out.join('\n').trimEnd() + '\n';
}
