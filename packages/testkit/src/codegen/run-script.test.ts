import { describe, expect, it } from 'vitest';
import { parseDuration, parseFakeRunMarker, resolveScript, statusAt } from './run-script.js';

describe('run scripts', () => {
  it('parses durations', () => {
    expect(parseDuration('1500')).toBe(1500);
    expect(parseDuration('90s')).toBe(90_000);
    expect(parseDuration('5m')).toBe(300_000);
    expect(parseDuration('2h')).toBe(7_200_000);
    expect(parseDuration('soon')).toBeUndefined();
  });

  it('parses a prompt marker and ignores unknown keys', () => {
    expect(parseFakeRunMarker('Fix it [[fake:status=error duration=5m prs=2 evaluation=false color=red]]')).toEqual({
      status: 'ERROR',
      durationMs: 300_000,
      prs: 2,
      evaluation: false,
    });
    expect(parseFakeRunMarker('no marker')).toBeUndefined();
    expect(parseFakeRunMarker('[[fake:steps=ACTIVE:1m,NEW_THING:30s]]')?.steps).toEqual([
      { status: 'ACTIVE', durationMs: 60_000 },
      { status: 'NEW_THING', durationMs: 30_000 },
    ]);
  });

  it('resolves a timeline PENDING → ACTIVE → EVALUATION → final', () => {
    const script = resolveScript({ durationMs: 100_000 }, 'Do X', 0);
    expect(script.steps.map((s) => s.status)).toEqual(['PENDING', 'ACTIVE', 'EVALUATION']);
    expect(script.durationMs).toBe(100_000);
    expect(statusAt(script, 0)).toEqual({ status: 'PENDING', final: false });
    expect(statusAt(script, 50_000)).toEqual({ status: 'ACTIVE', final: false });
    expect(statusAt(script, 95_000)).toEqual({ status: 'EVALUATION', final: false });
    expect(statusAt(script, 100_000)).toEqual({ status: 'COMPLETE', final: true });
    expect(script.prs).toBe(1);
    expect(resolveScript({ status: 'ERROR', evaluation: false }, 'x', 1000).steps.map((s) => s.status)).toEqual([
      'PENDING',
      'ACTIVE',
    ]);
  });
});
