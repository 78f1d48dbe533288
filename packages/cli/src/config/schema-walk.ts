/**
 * Reads the config schema as data: which schema sits at a path, its documentation, its default.
 * Used for error messages, env-override coercion, unknown-key detection and the generated docs.
 */
import type { GenericSchema } from 'valibot';
import type { FieldInfo, SectionInfo } from './schema.js';

/** The subset of a valibot schema object this module reads. */
interface SchemaShape {
  readonly type: string;
  readonly wrapped?: SchemaShape;
  readonly default?: unknown;
  readonly entries?: Readonly<Record<string, SchemaShape>>;
  readonly item?: SchemaShape;
  readonly options?: readonly unknown[];
  readonly pipe?: readonly { readonly type: string; readonly kind: string; readonly metadata?: unknown }[];
}

/** A schema with its optional wrapper removed. */
export interface UnwrappedSchema {
  /** The schema itself (pipe included); `type` is its base type: string, number, object, array… */
  readonly schema: SchemaShape;
  readonly optional: boolean;
  readonly hasDefault: boolean;
  readonly default: unknown;
  readonly info: FieldInfo | SectionInfo | undefined;
}

export function unwrap(schema: GenericSchema | SchemaShape): UnwrappedSchema {
  let current = schema as SchemaShape;
  let optional = false;
  let hasDefault = false;
  let fallback: unknown;
  while ((current.type === 'optional' || current.type === 'nullish' || current.type === 'exact_optional' || current.type === 'nullable') && current.wrapped) {
    if (current.type !== 'nullable') optional = true;
    if (current.default !== undefined && !hasDefault) {
      hasDefault = true;
      fallback = typeof current.default === 'function' ? (current.default as () => unknown)() : current.default;
    }
    current = current.wrapped;
  }
  const meta = current.pipe?.find((action) => action.kind === 'metadata' && action.type === 'metadata')?.metadata as
    | FieldInfo
    | SectionInfo
    | undefined;
  return { schema: current, optional, hasDefault, default: fallback, info: meta };
}

/** True for object schemas (sections). */
export function isObjectSchema(schema: SchemaShape): boolean {
  return (schema.type === 'object' || schema.type === 'strict_object' || schema.type === 'loose_object') && !!schema.entries;
}

/** The (unwrapped) schema at `path`, or undefined when the path names no field. Numeric segments index arrays. */
export function schemaAt(root: GenericSchema, path: readonly (string | number)[]): UnwrappedSchema | undefined {
  let node = unwrap(root);
  for (const segment of path) {
    const { schema } = node;
    if (isObjectSchema(schema)) {
      const child = Object.prototype.hasOwnProperty.call(schema.entries, segment) ? schema.entries![String(segment)] : undefined;
      if (!child) return undefined;
      node = unwrap(child);
    } else if (schema.type === 'array' && schema.item) {
      if (!/^\d+$/.test(String(segment))) return undefined;
      node = unwrap(schema.item);
    } else {
      return undefined;
    }
  }
  return node;
}

/** The keys of an object schema. */
export function entryNames(schema: SchemaShape): string[] {
  return isObjectSchema(schema) ? Object.keys(schema.entries!) : [];
}

/** The child schemas of an object schema. */
export function entriesOf(schema: SchemaShape): [string, SchemaShape][] {
  return isObjectSchema(schema) ? Object.entries(schema.entries!) : [];
}

export type { SchemaShape };
