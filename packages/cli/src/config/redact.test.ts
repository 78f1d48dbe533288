import { describe, expect, it } from 'vitest';
import { createRedactor, isSecretPath, redactConfig, REDACTED, secretPaths, secretValues } from './redact.js';

describe('redaction', () => {
  it('knows the secret fields from the schema', () => {
    expect(secretPaths()).toEqual([
      ['github', 'token'],
      ['codegen', 'token'],
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

  it('scrubs secrets and token-shaped strings from text', () => {
    const redact = createRedactor(['s3cr3t-value', 'ab']);
    expect(redact('auth failed for s3cr3t-value (s3cr3t-value)')).toBe(`auth failed for ${REDACTED} (${REDACTED})`);
    expect(redact('short ab stays')).toBe('short ab stays');
    expect(redact('token ghp_abcdefghijklmnopqrstuvwxyz0123456789 leaked')).toBe(`token ${REDACTED} leaked`);
    expect(redact('github_pat_11ABCDEFG0123456789_abcdefghijklmnopqrstuvwxyz')).toBe(REDACTED);
    expect(redact('Authorization: Bearer abc.def-ghi_123')).toBe(`Authorization: Bearer ${REDACTED}`);
    expect(redact('regex chars a+b*c? are fine')).toBe('regex chars a+b*c? are fine');
    expect(createRedactor(['a+b*c?'])('x a+b*c? y')).toBe(`x ${REDACTED} y`);
  });
});
