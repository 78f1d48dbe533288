import { describe, expect, it } from 'vitest';
import { createRedactor, REDACTED } from './redact.js';

describe('createRedactor', () => {
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
  it('scrubs a Bearer credential of 8 characters or more, and a token scheme only in an Authorization header', () => {
    const redact = createRedactor();
    expect(redact('Authorization: Bearer abcdefghij')).toBe(`Authorization: Bearer ${REDACTED}`);
    expect(redact('authorization: token abcdefgh12345')).toBe(`authorization: token ${REDACTED}`);
    expect(redact('the token permissions_for_repo are missing')).toBe('the token permissions_for_repo are missing');
    expect(redact('token refreshedSuccessfully')).toBe('token refreshedSuccessfully');
  });

  it('redacts a value deeply: strings, and whole values under secret-named keys; keys untouched', () => {
    const redact = createRedactor(['s3cr3t-value']);
    const value = { message: 'failed with s3cr3t-value', headers: { authorization: 'anything', apiKey: 'k', list: ['s3cr3t-value', 3] }, n: 1, none: null };
    expect(redact.value(value)).toEqual({ message: `failed with ${REDACTED}`, headers: { authorization: REDACTED, apiKey: REDACTED, list: [REDACTED, 3] }, n: 1, none: null });
    expect(value.message).toBe('failed with s3cr3t-value');
  });
});
