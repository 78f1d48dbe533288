import { describe, expect, it } from 'vitest';
import { interpolate } from './interpolate.js';

describe('interpolate', () => {
  it('replaces references deeply without touching keys or the input', () => {
    const input = { '${KEY}': 'a ${A} b', list: ['${B}', 1, true, null], nested: { x: '${A}${B}' } };
    const out = interpolate(input, { A: '1', B: 'two' });
    expect(out.value).toEqual({ '${KEY}': 'a 1 b', list: ['two', 1, true, null], nested: { x: '1two' } });
    expect(input.list[0]).toBe('${B}');
    expect([...out.interpolated].sort()).toEqual(['${KEY}', 'list.0', 'nested.x']);
    expect(out.problems).toEqual([]);
  });

  it('supports fallbacks for unset and empty variables, and $${ as a literal', () => {
    expect(interpolate('${X:-def}', {}).value).toBe('def');
    expect(interpolate('${X:-def}', { X: '' }).value).toBe('def');
    expect(interpolate('${X:-def}', { X: 'set' }).value).toBe('set');
    expect(interpolate('${X:-}', {}).value).toBe('');
    expect(interpolate('${X}', { X: '' }).value).toBe('');
    expect(interpolate('$${X} and $$ and $5', {}).value).toBe('${X} and $$ and $5');
  });

  it('names every missing variable with its path', () => {
    const out = interpolate({ a: { b: '${ONE} ${TWO}' } }, {});
    expect(out.problems.map((p) => [p.path.join('.'), p.variable, p.message])).toEqual([
      ['a.b', 'ONE', 'environment variable ONE is not set (referenced as ${ONE})'],
      ['a.b', 'TWO', 'environment variable TWO is not set (referenced as ${TWO})'],
    ]);
  });

  it('reads only the variables of the environment, never its prototype', () => {
    expect(interpolate('${constructor}', {}).problems.map((p) => p.variable)).toEqual(['constructor']);
    expect(interpolate('${toString:-none}', {}).value).toBe('none');
  });

  it('keeps __proto__ an own key and leaves out values it is told not to resolve', () => {
    const input = JSON.parse('{"__proto__": {"a": "${A}"}, "skip": {"b": "${B}", "c": ["${C}"], "d": "plain", "e": "${1X}"}}') as unknown;
    const out = interpolate(input, { A: '1' }, { resolve: (path) => path[0] !== 'skip' });
    expect(Object.keys(out.value as object)).toEqual(['__proto__', 'skip']);
    expect(Object.getPrototypeOf(out.value)).toBe(Object.prototype);
    expect((out.value as Record<string, unknown>)['skip']).toEqual({ d: 'plain' });
    expect([...out.unresolved].sort()).toEqual(['skip.b', 'skip.c.0', 'skip.e']);
    expect(out.problems.map((p) => p.path.join('.'))).toEqual(['skip.e']);
  });

  it('reports malformed references', () => {
    expect(interpolate('${}', {}).problems[0]?.message).toBe('invalid variable reference ${}: expected ${NAME} or ${NAME:-fallback}');
    expect(interpolate('${A B}', {}).problems[0]?.message).toBe('invalid variable reference ${A B}: expected ${NAME} or ${NAME:-fallback}');
    expect(interpolate('x ${OPEN', {}).problems[0]?.message).toBe('unterminated variable reference "${" (write $${ for a literal)');
  });
});
