/**
 * The pco configuration schema: the single source of truth for the config type
 * ({@link PcoConfig} is inferred from it), its defaults, its validation messages and the
 * generated reference in docs/configuration.md.
 *
 * Every leaf carries a {@link FieldInfo} (valibot `metadata`): what it is, what it expects (the
 * text used in error messages) and whether it is a secret. Defaults live in exactly one place:
 * the `v.optional(schema, default)` wrappers below.
 */
import * as v from 'valibot';
import { section } from './schema-fields.js';
import { agent, automation, codegen, journal, logging } from './schema-run.js';
import { landing } from './schema-landing.js';
import { github, source } from './schema-source.js';
import { ui } from './schema-ui.js';
import { coordination } from './schema-coordination.js';

export { AUTHOR_ASSOCIATIONS, LOG_LEVELS, type FieldInfo, type SectionInfo } from './schema-fields.js';

/** Placeholders `codegen.promptTemplate` may use (those the Codegen executor fills in). */
export const PROMPT_PLACEHOLDERS = ['id', 'title', 'body', 'url', 'labels', 'attempt', 'dependencies'] as const;

/** The whole configuration file. */
export const PcoConfigSchema = section(
  {
    github,
    source: v.optional(source, {}),
    codegen: v.optional(codegen, {}),
    agent: v.optional(agent, {}),
    automation: v.optional(automation, {}),
    landing: v.optional(landing, {}),
    journal: v.optional(journal, {}),
    logging: v.optional(logging, {}),
    ui: v.optional(ui, {}),
    coordination: v.optional(coordination),
  },
  { description: 'The pco configuration.', expected: 'an object with the sections github, source, codegen, agent, automation, landing, journal, logging, ui, coordination' },
);

/** The validated configuration, with every default filled in. */
export type PcoConfig = v.InferOutput<typeof PcoConfigSchema>;
/** What a configuration file may contain (every defaulted field optional). */
export type PcoConfigInput = v.InferInput<typeof PcoConfigSchema>;
