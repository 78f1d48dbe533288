import { describe, expect, it } from 'vitest';
import { configFingerprint, journalFingerprint } from './config-fingerprint.js';

describe('journal fingerprint', () => {
  it('fingerprints only identity: secrets, key order, repo order and unused sections do not count', () => {
    expect(configFingerprint({ a: 1, b: { token: 'x', c: 2 } })).toBe(configFingerprint({ b: { c: 2, token: 'y' }, a: 1 }));
    expect(configFingerprint({ a: 1 })).not.toBe(configFingerprint({ a: 2 }));
    const base = { github: { repos: ['octo/a', 'octo/b'] }, codegen: { orgId: 5, baseUrl: 'https://api.codegen.com/' } };
    expect(journalFingerprint(base)).toBe(
      journalFingerprint({ github: { repos: ['Octo/B', 'octo/a'], project: { owner: 'x', number: 3 } }, codegen: { orgId: 5, baseUrl: 'https://api.codegen.com' } }),
    );
    expect(journalFingerprint(base)).not.toBe(journalFingerprint({ ...base, codegen: { orgId: 6 } }));
    expect(journalFingerprint(base)).not.toBe(journalFingerprint({ ...base, source: { type: 'project' } }));
  });

});
