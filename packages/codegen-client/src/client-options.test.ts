import { InvalidOptionsError, REDACTED } from '@pco/contract';
import { catchError } from '@pco/testkit/helpers';
import { describe, expect, it } from 'vitest';
import { CodegenClient } from './codegen-client.js';
import { FileBucketStore } from './file-bucket-store.js';

describe('option errors', () => {
  it.each([
    ['CodegenClient', 'token', () => new CodegenClient({ token: '', orgId: 1 }), 'CodegenClient option token: expected a non-blank string, got "".'],
    ['CodegenClient', 'orgId', () => new CodegenClient({ token: 't0k3n-value', orgId: 0 }), 'CodegenClient option orgId: expected a positive integer, got 0.'],
    ['FileBucketStore', 'path', () => new FileBucketStore({ path: '' }), 'FileBucketStore option path: expected a non-empty string, got "".'],
    ['FileBucketStore', 'staleAfterMs', () => new FileBucketStore({ path: 'x.json', staleAfterMs: -1 }), 'FileBucketStore option staleAfterMs: expected a number ≥ 0, got -1.'],
  ])('%s names the bad option %s', (component, field, make, message) => {
    const error = catchError(make, InvalidOptionsError);
    expect(error).toMatchObject({ code: 'INVALID_OPTIONS', component, field, message });
  });

  it('never prints the token', () => {
    const error = catchError(() => new CodegenClient({ token: '   ', orgId: 1 }), InvalidOptionsError);
    expect(error.message).toBe(`CodegenClient option token: expected a non-blank string, got "${REDACTED}".`);
  });
});
