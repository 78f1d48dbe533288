import { describe, expect, it } from 'vitest';
import { envNameToPath, envOverrides, pathToEnvName } from './env-overrides.js';
import { PcoConfigSchema } from './schema.js';
import { entriesOf, isObjectSchema, unwrap, type SchemaShape } from './schema-walk.js';

function leafPaths(schema: SchemaShape, prefix: string[] = []): string[][] {
  const { schema: inner } = unwrap(schema);
  if (!isObjectSchema(inner)) return [prefix];
  return entriesOf(inner).flatMap(([key, child]) => leafPaths(child, [...prefix, key]));
}

describe('PCO_* environment names', () => {
  it('maps SNAKE_CASE segments separated by __ to camelCase keys', () => {
    expect(envNameToPath('PCO_AGENT__MAX_CONCURRENT_AGENTS')).toEqual(['agent', 'maxConcurrentAgents']);
    expect(envNameToPath('PCO_AUTOMATION__PROJECT_STATUS__NEEDS_INPUT')).toEqual(['automation', 'projectStatus', 'needsInput']);
    expect(envNameToPath('PCO_GITHUB__TOKEN')).toEqual(['github', 'token']);
  });

  it('ignores names that are not overrides', () => {
    for (const name of ['PCO_CONFIG', 'PCO_DEBUG', 'PCO__AGENT', 'PCO_AGENT__', 'PCO_agent__x', 'GITHUB_TOKEN', 'PCO_AGENT___X']) {
      expect(envNameToPath(name), name).toBeUndefined();
    }
  });

  it('round-trips every key of the schema', () => {
    const paths = leafPaths(PcoConfigSchema as unknown as SchemaShape);
    expect(paths.length).toBeGreaterThan(30);
    for (const path of paths) expect(envNameToPath(pathToEnvName(path))).toEqual(path);
  });

  it('collects overrides sorted by name, skipping non-override names', () => {
    expect(envOverrides({ PCO_LOGGING__LEVEL: 'debug', PCO_CONFIG: 'x.yaml', PCO_AGENT__RETRY_ATTEMPTS: '1', HOME: '/root' })).toEqual([
      { path: ['agent', 'retryAttempts'], value: '1', origin: 'PCO_AGENT__RETRY_ATTEMPTS' },
      { path: ['logging', 'level'], value: 'debug', origin: 'PCO_LOGGING__LEVEL' },
    ]);
  });
});
