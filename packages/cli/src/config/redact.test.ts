import { describe, expect, it } from 'vitest';
import { REDACTED } from '@pco/contract';
import { isSecretPath, redactConfig, secretPaths, secretValues } from './redact.js';

describe('redaction', () => {
  it('knows the secret fields from the schema', () => {
    expect(secretPaths()).toEqual([
      ['github', 'token'],
      ['codegen', 'token'],
      ['ui', 'token'],
      ['coordination', 'redis', 'url'],
    ]);
    expect(isSecretPath(['github', 'token'])).toBe(true);
    expect(isSecretPath(['github', 'baseUrl'])).toBe(false);
  });

  it('redacts a config copy, leaving the original alone', () => {
    const config = { github: { token: 'abc123', repos: ['a/b'] }, codegen: { token: 'zzz999', orgId: 1 } };
    expect(redactConfig(config)).toEqual({
      github: { token: REDACTED, repos: ['a/b'] },
      codegen: { token: REDACTED, orgId: 1 },
    });
    expect(config.github.token).toBe('abc123');
    expect(secretValues(config)).toEqual(['abc123', 'zzz999']);
    expect(redactConfig({ github: { repos: [] }, codegen: {} })).toEqual({ github: { repos: [] }, codegen: {} });
  });


});
