/**
 * The top-level sections of a configuration, and which of them a command reads: the loader
 * resolves `${VAR}` references and `PCO_*` overrides only in those (see `LoadConfigOptions.sections`).
 */
import type { PcoConfig } from './schema.js';

/** Every top-level section, in schema order. */
export const CONFIG_SECTIONS = ['github', 'source', 'codegen', 'agent', 'automation', 'landing', 'journal', 'logging', 'ui', 'coordination'] as const satisfies readonly (keyof PcoConfig)[];

/** A top-level section of the configuration. */
export type ConfigSection = (typeof CONFIG_SECTIONS)[number];

/**
 * What `pco plan` (and `pco run --dry-run`) read: where the backlog is, how it is read, and
 * `agent.maxConcurrentAgents` for the simulated makespan. Not `codegen`: a plan starts no agent.
 */
export const PLAN_SECTIONS: readonly ConfigSection[] = ['github', 'source', 'agent'];
