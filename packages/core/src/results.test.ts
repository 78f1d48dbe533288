import { parseCsv } from '@pco/testkit/helpers';
import { describe, expect, it } from 'vitest';
import { CSV_COLUMNS, isPolicySkip, toCSV, toJSON } from './results.js';
import type { TaskResult } from '@pco/contract';

const result = (overrides: Partial<TaskResult>): TaskResult => ({ id: 'o/r#1', state: 'done', attempts: 1, pullRequests: [], ...overrides });

describe('toCSV', () => {
  it('writes a header and one CRLF-terminated row per result', () => {
    const csv = toCSV([result({ durationMs: 1234, agent: 'agent-1', runId: 7 })]);
    expect(csv).toBe(`${CSV_COLUMNS.join(',')}\r\no/r#1,done,1,agent-1,7,,,,,,,,1234,,,,,\r\n`);
  });

  it('tells a policy skip from a skip behind a failure (skipReason, policySkip: new columns, last)', () => {
    expect(CSV_COLUMNS.slice(12, 15)).toEqual(['durationMs', 'skipReason', 'policySkip']);
    const csv = toCSV([
      result({ id: 'o/r#2', state: 'skipped', attempts: 0, error: 'o/r#2 is blocked by o/x#9', skipReason: 'external-blocker', policySkip: true }),
      result({ id: 'o/r#3', state: 'skipped', attempts: 0, error: 'Dependency o/r#1 failed.', skippedBecause: 'o/r#1', skipReason: 'dependency-failed' }),
    ]);
    const rows = parseCsv(csv);
    expect(rows.slice(1).map((row) => row.slice(13, 15))).toEqual([
      ['external-blocker', 'true'],
      ['dependency-failed', ''],
    ]);
    expect(isPolicySkip(result({ state: 'skipped', policySkip: true }))).toBe(true);
    expect(isPolicySkip(result({ state: 'skipped', skipReason: 'dependency-failed' }))).toBe(false);
  });

  it('carries where a landing task stands: landing state, landed time, reactions (new columns, last)', () => {
    expect(CSV_COLUMNS.slice(-3)).toEqual(['landingState', 'landedAt', 'reactions']);
    const landing = { state: 'landed' as const, landedAt: '2026-12-02T10:00:00.000Z', reactions: 2, reached: ['run-complete', 'pr-opened', 'merged'] as const };
    const rows = parseCsv(toCSV([result({ landing: { ...landing, reached: [...landing.reached] } }), result({ id: 'o/r#2' })]));
    expect(rows.slice(1).map((row) => row.slice(-3))).toEqual([
      ['landed', '2026-12-02T10:00:00.000Z', '2'],
      ['', '', ''],
    ]);
  });

  it('quotes commas, quotes, CR and LF (RFC 4180) so every field reads back unchanged', () => {
    const tricky = 'He said "no", then\r\nleft,\nagain';
    const csv = toCSV([
      result({ summary: tricky, error: 'a,b', pullRequests: [{ url: 'https://github.com/o/r/pull/1' }, { url: 'https://github.com/o/r/pull/2' }] }),
    ]);
    const rows = parseCsv(csv);
    expect(rows).toHaveLength(2);
    const row = Object.fromEntries(CSV_COLUMNS.map((c, i) => [c, rows[1]![i]]));
    expect(row['summary']).toBe(tricky);
    expect(row['error']).toBe('a,b');
    expect(row['pullRequests']).toBe('https://github.com/o/r/pull/1 https://github.com/o/r/pull/2');
  });

  it('defuses spreadsheet formulas unless told not to', () => {
    const rows = parseCsv(toCSV([result({ summary: '=HYPERLINK("http://evil")', error: '+1', id: '@x' })]));
    expect(rows[1]![0]).toBe("'@x");
    expect(rows[1]![7]).toBe('\'=HYPERLINK("http://evil")');
    expect(rows[1]![8]).toBe("'+1");
    expect(parseCsv(toCSV([result({ summary: '=1+1' })], { formulaSafe: false }))[1]![7]).toBe('=1+1');
  });

  it('handles unicode and empty lists', () => {
    expect(toCSV([])).toBe(`${CSV_COLUMNS.join(',')}\r\n`);
    expect(parseCsv(toCSV([result({ summary: 'naïve ✓ 日本' })]))[1]![7]).toBe('naïve ✓ 日本');
  });
});

describe('toJSON', () => {
  it('is pretty-printed JSON that parses back', () => {
    const results = [result({ summary: 'x' })];
    expect(JSON.parse(toJSON(results))).toEqual(results);
    expect(toJSON(results).endsWith('\n')).toBe(true);
  });
});
