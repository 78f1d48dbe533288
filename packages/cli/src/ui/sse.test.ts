import { createRedactor } from '@pco/contract';
import * as v from 'valibot';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { StreamBatchSchema, type StreamBatch } from './api-types.js';
import { startUiServer, type UiServer } from './http-server.js';
import { scenario, SECRET } from './run.fixture.js';
import { RunViewModel } from './view-model.js';

interface Frame {
  readonly id?: string;
  readonly event?: string;
  readonly batch: StreamBatch;
}

/** Opens the stream and reads its `event: batch` frames one at a time. */
function openStream(url: URL, headers: Record<string, string> = {}) {
  const controller = new AbortController();
  const frames: Frame[] = [];
  const waiters: (() => void)[] = [];
  const done = (async () => {
    const response = await fetch(url, { headers, signal: controller.signal });
    expect(response.headers.get('content-type')).toBe('text/event-stream; charset=utf-8');
    const decoder = new TextDecoder();
    let buffer = '';
    for await (const chunk of response.body as AsyncIterable<Uint8Array>) {
      buffer += decoder.decode(chunk, { stream: true });
      let end: number;
      while ((end = buffer.indexOf('\n\n')) >= 0) {
        const block = buffer.slice(0, end);
        buffer = buffer.slice(end + 2);
        const fields = new Map(block.split('\n').filter((line) => !line.startsWith(':')).map((line) => [line.slice(0, line.indexOf(':')), line.slice(line.indexOf(':') + 2)] as const));
        if (!fields.has('data')) continue;
        frames.push({ ...(fields.has('id') ? { id: fields.get('id')! } : {}), event: fields.get('event'), batch: v.parse(StreamBatchSchema, JSON.parse(fields.get('data')!)) });
        waiters.splice(0).forEach((wake) => wake());
      }
    }
  })().catch(() => undefined);
  return {
    frames,
    /** Resolves with frame `index` (0-based) once it arrived. */
    async frame(index: number): Promise<Frame> {
      while (frames.length <= index) await new Promise<void>((resolve) => waiters.push(resolve));
      return frames[index]!;
    },
    async close() {
      controller.abort();
      await done;
    },
  };
}

describe('GET /api/v1/stream', () => {
  const model = new RunViewModel({ concurrency: 2 });
  let server: UiServer;
  const at = 1_700_000_000_000;
  beforeAll(async () => {
    model.addTasks([
      { id: 'a', title: 'A', estimate: 2 },
      { id: 'b', title: 'B', dependencies: ['a'] },
    ]);
    server = await startUiServer({ model, redact: createRedactor(['hunter2-secret']), port: 0, batchMs: 20 });
  });
  afterAll(() => server.close());

  it('starts with every task, then sends the changes since, batched, with the last seq as id', async () => {
    const stream = openStream(new URL('/api/v1/stream', server.url));
    const first = await stream.frame(0);
    expect(first.event).toBe('batch');
    expect(first.batch.tasksReset).toBe(true);
    expect(first.batch.tasks.map((t) => t.id)).toEqual(['a', 'b']);
    expect(first.batch.criticalPath).toEqual(['a', 'b']);

    // Three events at once: one batch carries them all.
    model.record({ at, type: 'note', message: 'one' });
    model.record({ at, type: 'note', taskId: 'a', message: 'two hunter2-secret' });
    model.applyResult({ id: 'a', state: 'done', attempts: 1, pullRequests: [] });
    model.record({ at, type: 'note', message: 'three' });
    const second = await stream.frame(1);
    expect(second.batch.events.map((e) => e.message)).toEqual(['one', 'two [REDACTED]', 'three']);
    expect(second.id).toBe('3');
    expect(second.batch.tasksReset).toBe(false);
    expect(second.batch.tasks.map((t) => [t.id, t.state])).toEqual([['a', 'done']]);
    expect(second.batch.status.run.counts).toMatchObject({ done: 1, pending: 1, total: 2 });
    await stream.close();
  });

  it('honours Last-Event-ID: a reconnecting client gets only what it missed', async () => {
    const stream = openStream(new URL('/api/v1/stream', server.url), { 'Last-Event-ID': '2' });
    const first = await stream.frame(0);
    expect(first.batch.events.map((e) => e.seq)).toEqual([3]);
    expect(first.id).toBe('3');
    await stream.close();
    const fromStart = openStream(new URL('/api/v1/stream', server.url));
    expect((await fromStart.frame(0)).batch.events.map((e) => e.seq)).toEqual([1, 2, 3]);
    await fromStart.close();
  });

  it('streams a whole run, live, without a secret in any batch', async () => {
    const { model, redact, run } = scenario();
    const live = await startUiServer({ model, redact, port: 0, batchMs: 20 });
    const raw: string[] = [];
    const stream = openStream(new URL('/api/v1/stream', live.url));
    expect((await stream.frame(0)).batch.status.run.phase).toBe('loading');
    const ran = run();
    for (let i = 0; ; i++) {
      const frame = await stream.frame(i);
      raw.push(JSON.stringify(frame.batch));
      if (frame.batch.events.some((e) => e.type === 'run:end')) break;
    }
    await ran;
    await stream.close();
    await live.close();
    const all = raw.join('\n');
    expect(all).toContain('failed: push refused');
    expect(all).not.toContain(SECRET);
  });
});
