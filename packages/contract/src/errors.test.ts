import { describe, expect, it } from 'vitest';
import { InvalidOptionsError, PcoError, describeValue, isPcoError } from './errors.js';
import { REDACTED } from './redact.js';

describe('InvalidOptionsError', () => {
  it('names the component and the field in one message format, with a stable code', () => {
    const error = new InvalidOptionsError('AgentPool', 'capacity', 'expected an integer in 1..10', 0);
    expect(error).toBeInstanceOf(PcoError);
    expect(isPcoError(error)).toBe(true);
    expect(error.name).toBe('InvalidOptionsError');
    expect(error.code).toBe('INVALID_OPTIONS');
    expect(error.component).toBe('AgentPool');
    expect(error.field).toBe('capacity');
    expect(error.context).toEqual({ component: 'AgentPool', field: 'capacity' });
    expect(error.message).toBe('AgentPool option capacity: expected an integer in 1..10, got 0.');
  });

  it('keeps the cause', () => {
    const cause = new TypeError('Invalid URL');
    expect(new InvalidOptionsError('createGitHubClient', 'baseUrl', 'expected an absolute URL', 'x', { cause }).cause).toBe(cause);
  });

  it('never prints a secret: token shapes, and any string under a secret-named field', () => {
    const token = new InvalidOptionsError('CodegenClient', 'token', 'expected a token without spaces', 'sk live 123456');
    expect(token.message).toBe(`CodegenClient option token: expected a token without spaces, got "${REDACTED}".`);
    const shaped = new InvalidOptionsError('X', 'baseUrl', 'expected a URL', 'ghp_abcdefghijklmnopqrstuvwxyz0123456789');
    expect(shaped.message).not.toContain('ghp_abc');
  });
});

describe('describeValue', () => {
  it.each([
    ['', undefined, '""'],
    ['open', undefined, '"open"'],
    ['x'.repeat(100), undefined, `"${'x'.repeat(60)}…"`],
    ['hunter22', 'auth.password', `"${REDACTED}"`],
    ['hunter22', 'tokens[1]', `"${REDACTED}"`],
    ['acme/app', 'repos[0]', '"acme/app"'],
    ['', 'token', '""'],
    [0, undefined, '0'],
    [Number.NaN, undefined, 'NaN'],
    [true, undefined, 'true'],
    [10n, undefined, '10n'],
    [undefined, undefined, 'undefined'],
    [null, undefined, 'null'],
    [() => 1, undefined, 'a function'],
    [['a', 'b'], undefined, 'an array of 2'],
    [{ token: 'secret-value' }, undefined, 'an object'],
    [new Date(Number.NaN), undefined, 'an invalid Date'],
    [new Date(0), undefined, '1970-01-01T00:00:00.000Z'],
    [new Map(), undefined, 'an instance of Map'],
    [Object.create(null), undefined, 'an object'],
  ])('describes %o (field %s) as %s', (value, field, expected) => {
    expect(describeValue(value, field)).toBe(expected);
  });
});
