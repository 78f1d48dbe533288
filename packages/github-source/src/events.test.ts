import { describe, expect, it } from 'vitest';
import { ReporterEvents } from './events.js';

describe('ReporterEvents', () => {
  it('ignores a listener that throws or rejects, and still calls the others', async () => {
    const events = new ReporterEvents();
    const seen: string[] = [];
    events.on('warning', () => {
      throw new Error('listener bug');
    });
    events.on('warning', () => Promise.reject(new Error('async listener bug')));
    events.on('warning', (w) => seen.push(w.message));
    expect(() => events.emit('warning', { taskId: 'a#1', message: 'no option "Blocked"' })).not.toThrow();
    await new Promise((resolve) => setImmediate(resolve)); // an unhandled rejection would fail the run
    expect(seen).toEqual(['no option "Blocked"']);
  });

  it('on() returns the unsubscribe', () => {
    const events = new ReporterEvents();
    const seen: string[] = [];
    const off = events.on('branch', (b) => seen.push(b.branch));
    events.emit('branch', { taskId: 'a#1', repo: 'a/b', branch: 'pco/1', created: true });
    off();
    events.emit('branch', { taskId: 'a#2', repo: 'a/b', branch: 'pco/2', created: true });
    expect(seen).toEqual(['pco/1']);
  });
});
