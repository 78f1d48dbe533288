export { main } from './cli/program.js';
export type { CliContext, CliStream } from './cli/context.js';
export { PcoConfigSchema, loadConfig, parseConfig, parseConfigText, renderStarterConfig } from './config/index.js';
export type { ConfigIssue, ConfigResult, LoadConfigOptions, PcoConfig, PcoConfigInput } from './config/index.js';
export { ConfigFileError } from './config/index.js';
