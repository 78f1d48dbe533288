/** The building blocks of the config schema: field documentation, common field kinds, sections. */
import * as v from 'valibot';

/** Documentation and validation text attached to every config field. */
export type FieldInfo = {
  /** One or two sentences for the reference docs. */
  readonly description: string;
  /** What a valid value looks like, as used in "expected …, got …" messages. */
  readonly expected: string;
  /** Secrets are never printed: not in errors, not in `--debug` output, not in logs. */
  readonly secret?: boolean;
  /** Shown in the docs instead of the default when the default is empty or computed. */
  readonly example?: string;
};

/** Documentation attached to each config section (object). */
export type SectionInfo = {
  readonly description: string;
  readonly expected: string;
};

export function info<TInput>(field: FieldInfo): v.MetadataAction<TInput, FieldInfo> {
  return v.metadata<TInput, FieldInfo>(field);
}

/** Log levels pino understands, plus `silent`. */
export const LOG_LEVELS = ['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent'] as const;
/** GitHub's `author_association` values (REST and GraphQL `CommentAuthorAssociation`). */
export const AUTHOR_ASSOCIATIONS = [
  'OWNER',
  'MEMBER',
  'COLLABORATOR',
  'CONTRIBUTOR',
  'FIRST_TIME_CONTRIBUTOR',
  'FIRST_TIMER',
  'MANNEQUIN',
  'NONE',
] as const;

export const REPO_PATTERN = /^[A-Za-z0-9](?:[A-Za-z0-9-]{0,38})\/[A-Za-z0-9._-]{1,100}$/;
export const LOGIN_PATTERN = /^[A-Za-z0-9](?:[A-Za-z0-9-]{0,38})$/;

export function httpUrl(field: FieldInfo) {
  return v.pipe(
    v.string(),
    v.url(),
    v.check((value) => /^https?:\/\//i.test(value)),
    info(field),
  );
}

export function nonEmptyString(field: FieldInfo) {
  return v.pipe(v.string(), v.trim(), v.nonEmpty(), info(field));
}

export function integer(min: number, max: number, field: FieldInfo) {
  return v.pipe(v.number(), v.integer(), v.minValue(min), v.maxValue(max), info(field));
}

export function flag(field: FieldInfo) {
  return v.pipe(v.boolean(), info(field));
}

export function list<const TItem extends v.GenericSchema>(item: TItem, field: FieldInfo) {
  return v.pipe(v.array(item), info(field));
}

export function section<const TEntries extends v.ObjectEntries>(entries: TEntries, sectionInfo: SectionInfo) {
  return v.pipe(v.object(entries), v.metadata<v.InferOutput<v.ObjectSchema<TEntries, undefined>>, SectionInfo>(sectionInfo));
}

/* ---------------------------------------------------------------------------------------------- */
