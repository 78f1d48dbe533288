import { describe, expect, it } from 'vitest';
import { formatConfigIssue } from './issues.js';
import { parseConfigText } from './load-config.js';
import { redactConfig, secretValues } from './redact.js';

const BASE = 'github:\n  token: t0123456789\n  repos: [octo/app, octo/lib]\n';

describe('config: coordination', () => {
  it('is absent by default: pco runs in one process', () => {
    const result = parseConfigText(BASE, { env: {} });
    expect(result.ok && result.config.coordination).toBe(undefined);
  });

  it('fills in the prefix and the weight', () => {
    const result = parseConfigText(`${BASE}coordination:\n  redis:\n    url: redis://127.0.0.1:6379/2\n`, { env: {} });
    expect(result.ok ? result.config.coordination : result.issues).toEqual({ redis: { url: 'redis://127.0.0.1:6379/2', prefix: 'pco' }, backlog: { weight: 1 } });
  });

  it.each([
    ['http://u:pw-XYZ@cache.example:6379'],
    ['cache.example:6379'],
    ['redis://:pw-XYZ@'],
    ['redis://cache.example:6379/not-a-db'],
  ])('refuses the url %s with the path and what it expects, never the value', (url) => {
    const result = parseConfigText(`${BASE}coordination:\n  redis:\n    url: "${url}"\n`, { env: {} });
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.issues.map(formatConfigIssue)).toEqual([
      expect.stringMatching(/^coordination\.redis\.url: expected a redis:\/\/ or rediss:\/\/ URL with a host, e\.g\. "redis:\/\/127\.0\.0\.1:6379", got a string \(redacted\)/),
    ]);
    expect(JSON.stringify(result)).not.toMatch(/pw-XYZ|cache\.example/);
  });

  it('needs redis.url, and names a bad prefix and weight', () => {
    const result = parseConfigText(`${BASE}coordination:\n  redis:\n    prefix: "a:b"\n  backlog:\n    weight: 0\n`, { env: {} });
    expect(result.ok).toBe(false);
    if (result.ok) return;
    const lines = result.issues.map(formatConfigIssue);
    expect(lines).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^coordination\.redis\.url: /),
        expect.stringMatching(/^coordination\.redis\.prefix: expected letters, digits, "_" or "-" \(1 to 64\), got "a:b"/),
        expect.stringMatching(/^coordination\.backlog\.weight: expected a number from 0\.01 to 100, got 0/),
      ]),
    );
  });

  it('treats the url (which may hold a password) as a secret', () => {
    const url = 'redis://pco:s3cret-Redis-pw@redis.internal:6380/1';
    const result = parseConfigText(`${BASE}coordination:\n  redis:\n    url: \${PCO_REDIS_URL}\n`, { env: { PCO_REDIS_URL: url } });
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(secretValues(result.config)).toContain(url);
    expect(JSON.stringify(redactConfig(result.config))).not.toContain('s3cret-Redis-pw');
  });
});
