/**
 * The terminal view of a run: an overall bar with counts by state and ETA, and one line per
 * running task (task, agent, agent status, elapsed, attempt), redrawn in place with log-update.
 * Finished tasks are printed once above it, so the scrollback keeps a record. Without a TTY
 * (`lines` mode) only those once-per-event lines are printed.
 */
import { createLogUpdate } from 'log-update';
import type { Colors } from 'picocolors/types';
import type { Redactor } from '@pco/contract';
import type { Orchestrator, ProgressSnapshot } from '@pco/core';
import type { CliStream } from './context.js';
import { firstFitting, fitText, shortenCause, visibleWidth } from './layout.js';

export interface LiveViewOptions {
  readonly stream: CliStream & NodeJS.WritableStream;
  readonly colors: Colors;
  readonly redact: Redactor;
  /** Redraw in place (TTY) or print event lines only. */
  readonly live: boolean;
  /** Also print retries' and status changes' lines. */
  readonly verbose?: boolean;
  /** Redraw interval. @default 120 */
  readonly intervalMs?: number;
  /** Title shown at the left of the bar. @default 'pco' */
  readonly title?: string;
  /** Where the reporters write, for the line shown while their updates flush. @default 'the reporters' */
  readonly updatesTo?: string;
}

/** `1:05`, `12:00`, `1:02:03`. */
export function formatDuration(ms: number): string {
  const total = Math.max(0, Math.round(ms / 1000));
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = total % 60;
  return h > 0 ? `${h}:${String(m).padStart(2, '0')}:${String(s).padStart(2, '0')}` : `${m}:${String(s).padStart(2, '0')}`;
}

/** The counters a very narrow progress line keeps (by their last word). */
const MAIN_COUNTERS = new Set(['done', 'failed', 'input', 'interrupted', 'running']);

/** One counter of the progress line: long (`✖ 1 failed`) and short (`✖1`) forms. */
interface Counter {
  readonly long: string;
  readonly short: string;
  /** Shown even at 0 in the widest layouts (dimmed). */
  readonly always: boolean;
  readonly count: number;
  readonly style: (text: string) => string;
}

/**
 * The overall bar and the running tasks, as lines no wider than `width` (exported for tests).
 * When the terminal is narrow the less important parts go first: the bar, the elapsed time, the
 * zero counters, the words of the counters, the titles of the running tasks.
 */
export function renderProgress(snapshot: ProgressSnapshot, c: Colors, width: number, title = 'pco', maxRows = 20, updatesTo = 'the reporters'): string[] {
  const n = snapshot.counts;
  const elapsed = `  ${c.dim('elapsed')} ${formatDuration(snapshot.elapsedMs)}`;
  if (n.total === 0) return [firstFitting([[c.bold(title), ` ${c.dim('loading tasks…')}`, elapsed], [c.bold(title), ` ${c.dim('loading tasks…')}`]], width)];

  const counters: Counter[] = [
    { long: `✔ ${n.done} done`, short: `✔${n.done}`, always: true, count: n.done, style: c.green },
    { long: `✖ ${n.failed} failed`, short: `✖${n.failed}`, always: true, count: n.failed, style: c.red },
    { long: `↷ ${n.skipped} skipped`, short: `↷${n.skipped}`, always: true, count: n.skipped, style: c.yellow },
    { long: `? ${n['needs-input']} needs input`, short: `?${n['needs-input']}`, always: false, count: n['needs-input'], style: c.magenta },
    { long: `■ ${n.interrupted} interrupted`, short: `■${n.interrupted}`, always: false, count: n.interrupted, style: c.yellow },
    { long: `▶ ${n.running} running`, short: `▶${n.running}`, always: true, count: n.running, style: c.cyan },
    { long: `↻ ${n.retrying} retrying`, short: `↻${n.retrying}`, always: false, count: n.retrying, style: c.yellow },
    { long: `⇄ ${n['in-review']} in review`, short: `⇄${n['in-review']}`, always: false, count: n['in-review'], style: c.blue },
    { long: `◷ ${n.pending + n.ready} waiting`, short: `◷${n.pending + n.ready}`, always: true, count: n.pending + n.ready, style: c.dim },
  ];
  const paintCounter = (counter: Counter, text: string) => (counter.count > 0 || counter === counters[0] ? counter.style(text) : c.dim(text));
  const everyCounter = counters.filter((k) => k.always || k.count > 0).map((k) => `  ${paintCounter(k, k.long)}`);
  const nonZero = counters.filter((k) => k.count > 0 || k === counters[0]);
  const isMain = (k: Counter) => MAIN_COUNTERS.has(k.long.split(' ').at(-1)!);
  const head = `${c.bold(title)} `;
  const fraction = `${snapshot.finished}/${n.total}`;
  const eta = `  ${c.dim('ETA')} ${snapshot.etaMs !== undefined ? formatDuration(snapshot.etaMs) : '…'}`;
  const shortEta = ` ${snapshot.etaMs !== undefined ? formatDuration(snapshot.etaMs) : '…'}`;

  // The widest layout has a bar of 10 to 30 columns in the room the rest leaves.
  const rest = visibleWidth([head, fraction, ...everyCounter, elapsed, eta].join('')) + 1;
  const barWidth = Math.min(30, width - rest);
  const layouts: string[][] = [];
  if (barWidth >= 10) layouts.push([head, progressBar(n, c, barWidth), ' ', fraction, ...everyCounter, elapsed, eta]);
  layouts.push(
    [head, fraction, ...everyCounter, elapsed, eta],
    [head, fraction, ...nonZero.map((k) => `  ${paintCounter(k, k.long)}`), eta],
    [head, fraction, ...nonZero.map((k) => (k === counters[0] || k === counters[1] || k === counters[5] ? `  ${paintCounter(k, k.long)}` : ` ${paintCounter(k, k.short)}`)), eta],
    [head, fraction, ...nonZero.map((k) => ` ${paintCounter(k, k.short)}`), eta],
    [head, fraction, ...nonZero.map((k) => ` ${paintCounter(k, k.short)}`), shortEta],
    [head, fraction, ...nonZero.filter(isMain).map((k) => ` ${paintCounter(k, k.short)}`), shortEta],
    [head, fraction, shortEta],
  );
  const lines = [firstFitting(layouts, width)];

  const running = [...snapshot.running].sort((a, b) => a.startedAt - b.startedAt);
  const shown = running.slice(0, maxRows);
  const idWidth = Math.min(24, Math.max(4, ...shown.map((task) => task.taskId.length)));
  const attemptWidth = Math.max(0, ...shown.map((task) => `attempt ${task.attempt}`.length));
  // Columns without the title: "  ▶ " id, agent (8), status (11), time (5), attempt, 2 between each.
  const fixed = 4 + idWidth + 2 + 8 + 2 + 11 + 2 + 5 + 2 + attemptWidth;
  const titleWidth = Math.min(40, width - fixed - 2);
  for (const task of shown) {
    const icon = task.state === 'retrying' ? c.yellow('↻') : c.cyan('▶');
    const status = task.state === 'retrying' ? 'retrying' : (task.waitingFor ?? task.agentStatus ?? 'starting');
    const id = fitText(task.taskId, idWidth).padEnd(idWidth);
    const time = formatDuration(snapshot.at - task.startedAt).padStart(5);
    const agent = (task.agent ?? '—').padEnd(8);
    const attempt = c.dim(`attempt ${task.attempt}`);
    const columns = (titled: boolean, withAttempt: boolean, withAgent: boolean) => [
      `  ${icon} ${id}`,
      ...(titled ? [fitText(task.title, titleWidth).padEnd(titleWidth)] : []),
      ...(withAgent ? [agent] : []),
      status.padEnd(11),
      time,
      ...(withAttempt ? [attempt] : []),
    ];
    lines.push(
      firstFitting(
        [...(titleWidth >= 8 ? [columns(true, true, true)] : []), columns(false, true, true), columns(false, false, true), columns(false, false, false)],
        width,
        '  ',
      ),
    );
  }
  if (running.length > maxRows) lines.push(firstFitting([[c.dim(`  … and ${running.length - maxRows} more running`)]], width));
  lines.push(...reviewRows(snapshot, c, width, Math.max(0, maxRows - shown.length)));
  // Nothing runs, yet the run goes on: say what it waits for (GitHub's write spacing can take a while).
  const pending = snapshot.pendingUpdates;
  if (pending > 0 && running.length === 0) {
    const what = `${pending} update${pending === 1 ? '' : 's'}`;
    lines.push(firstFitting([[`  ${c.cyan('✎')} writing ${what} to ${updatesTo}…`], [`  ${c.cyan('✎')} writing ${what}…`]], width));
  }
  return lines;
}

/** The pull requests in review and what each waits for (checks, a review, a merge, a human). */
function reviewRows(snapshot: ProgressSnapshot, c: Colors, width: number, room: number): string[] {
  const reviewing = [...(snapshot.inReview ?? [])].sort((a, b) => a.since - b.since);
  if (reviewing.length === 0) return [];
  const shown = reviewing.slice(0, Math.max(1, room));
  const idWidth = Math.min(24, Math.max(4, ...shown.map((task) => task.taskId.length)));
  const lines = shown.map((task) => {
    const pr = task.pullRequests[0];
    const ref = pr?.number !== undefined ? `PR #${pr.number}` : 'PR';
    const status = task.review ?? 'checks-pending';
    const why = task.message ? ` ${c.dim(task.message)}` : '';
    const time = formatDuration(snapshot.at - task.since).padStart(5);
    const id = fitText(task.taskId, idWidth).padEnd(idWidth);
    return firstFitting([[`  ${c.blue('⇄')} ${id}`, ref.padEnd(9), status.padEnd(17), time, why], [`  ${c.blue('⇄')} ${id}`, ref.padEnd(9), status]], width, '  ');
  });
  if (reviewing.length > shown.length) lines.push(firstFitting([[c.dim(`  … and ${reviewing.length - shown.length} more in review`)]], width));
  return lines;
}

/** The bar: done, failed/needs-input/interrupted, skipped, running, waiting. */
function progressBar(n: ProgressSnapshot['counts'], c: Colors, barWidth: number): string {
  const total = Math.max(n.total, 1);
  const seg = (count: number) => Math.round((count / total) * barWidth);
  const doneW = seg(n.done);
  const badW = Math.min(barWidth - doneW, seg(n.failed + n['needs-input'] + n.interrupted));
  const skipW = Math.min(barWidth - doneW - badW, seg(n.skipped));
  const runW = Math.min(barWidth - doneW - badW - skipW, seg(n.running + n.retrying));
  return (
    c.green('█'.repeat(doneW)) +
    c.red('█'.repeat(badW)) +
    c.yellow('█'.repeat(skipW)) +
    c.cyan('▒'.repeat(runW)) +
    c.dim('░'.repeat(Math.max(0, barWidth - doneW - badW - skipW - runW)))
  );
}

/**
 * A line printed above the live area: `lead` (icon and task id), the title, the message. Narrow
 * terminals lose the title first, then the message's wordier forms (`messages`, most complete
 * first, each followed by `cause`), then the head of the cause (see {@link shortenCause}): the
 * cause of a failure or retry (the 429) is the last thing to go. Exported for tests.
 */
export function eventLine(
  width: number,
  lead: string,
  title: string,
  messages: readonly string[],
  cause: string | undefined,
  c: { readonly dim: (text: string) => string },
  style: (text: string) => string = (text) => text,
): string {
  const flatCause = cause?.replace(/\s+/g, ' ').trim() ?? '';
  const layouts: string[][] = [];
  for (const message of messages) {
    const text = style(`${message}${flatCause}`);
    const free = width - visibleWidth(lead) - visibleWidth(text) - 4;
    if (title.trim() !== '' && free >= 10) layouts.push([lead, c.dim(fitText(title, Math.min(50, free))), text]);
    layouts.push([lead, text]);
  }
  if (cause !== undefined) {
    // The wordiest form that still leaves room for the head of the cause, else the shortest.
    const shortened = messages.map((message) => [message, shortenCause(flatCause, width - visibleWidth(lead) - 2 - visibleWidth(message))] as const);
    const [message, text] = shortened.find(([, text]) => text.length >= 6 && !text.startsWith('…')) ?? shortened.at(-1) ?? ['', ''];
    layouts.push([lead, style(`${message}${text}`)]);
  }
  return firstFitting(layouts, width, '  ');
}

/** Attaches the view to an orchestrator; call `stop()` when the run ends. */
export class LiveView {
  readonly #orc: Orchestrator;
  readonly #o: LiveViewOptions;
  readonly #log: ReturnType<typeof createLogUpdate> | undefined;
  readonly #offs: (() => void)[] = [];
  #timer: ReturnType<typeof setInterval> | undefined;
  #stopped = false;

  constructor(orchestrator: Orchestrator, options: LiveViewOptions) {
    this.#orc = orchestrator;
    this.#o = options;
    this.#log = options.live ? createLogUpdate(options.stream, { showCursor: false }) : undefined;
  }

  start(): void {
    const c = this.#o.colors;
    const on = this.#offs.push.bind(this.#offs);
    const line = (icon: string, e: { taskId: string; task: { title: string } }, messages: readonly string[], cause?: string, style?: (text: string) => string) =>
      eventLine(this.#width(), `  ${icon} ${e.taskId}`, e.task.title, messages, cause, c, style);
    on(
      this.#orc.on('run:start', (e) => {
        const resumed = e.resumed ? ' (resumed)' : '';
        this.#print(
          firstFitting(
            [[`${c.bold('▶ Run')} ${e.runId}: ${e.tasks} tasks on up to ${e.concurrency} agents${resumed}`], [`${c.bold('▶ Run')}: ${e.tasks} tasks, ${e.concurrency} agents${resumed}`]],
            this.#width(),
          ),
        );
      }),
    );
    on(
      this.#orc.on('task:done', (e) => {
        const prs = e.result.pullRequests.length;
        const detail = `${c.dim(formatDuration(e.durationMs))}${prs > 0 ? `  ${prs} PR${prs === 1 ? '' : 's'}` : ''}`;
        this.#print(line(c.green('✔'), e, e.attempt > 1 ? [`${detail}${c.dim(`  (attempt ${e.attempt})`)}`, detail] : [detail]));
      }),
    );
    on(this.#orc.on('task:failed', (e) => this.#print(line(c.red('✖'), e, [''], e.error, c.red))));
    on(this.#orc.on('task:skipped', (e) => this.#print(line(c.yellow('↷'), e, ['skipped: '], e.result.error ?? e.reason, c.yellow))));
    on(this.#orc.on('task:needs-input', (e) => this.#print(line(c.magenta('?'), e, ['needs input: '], e.reason, c.magenta))));
    on(this.#orc.on('task:interrupted', (e) => this.#print(line(c.yellow('■'), e, [`interrupted (${e.mode})`]))));
    on(
      this.#orc.on('task:retry', (e) => {
        const delay = e.delayMs < 1000 ? `${Math.round(e.delayMs)} ms` : `${(e.delayMs / 1000).toFixed(1)} s`;
        this.#print(line(c.yellow('↻'), e, [`attempt ${e.attempt} failed, retry in ${delay}: `, `retry in ${delay}: `, `in ${delay}: `], e.error));
      }),
    );
    on(this.#orc.on('agent:failed', (e) => this.#print(`  ${c.yellow('!')} ${e.agent} quarantined after ${e.consecutiveFailures} failures`)));
    on(
      this.#orc.on('tasks:rejected', (e) =>
        this.#print(`  ${c.red('!')} tasks rejected: ${shortenCause(e.issues.map((i) => i.message).join('; '), this.#width() - 20)}`),
      ),
    );
    on(
      this.#orc.on('error', (e) => {
        if (this.#o.verbose || e.source !== 'listener') this.#print(`  ${c.yellow('!')} ${e.source}: ${shortenCause(e.message, this.#width() - e.source.length - 6)}`);
      }),
    );
    if (this.#o.verbose) {
      on(this.#orc.on('task:start', (e) => this.#print(line(c.cyan('▶'), e, [c.dim(`${e.agent}, attempt ${e.attempt}`)]))));
      on(this.#orc.on('task:status', (e) => this.#print(`  ${c.dim('·')} ${e.taskId}  ${c.dim(`${e.agent}: ${e.status}`)}`)));
    }
    if (this.#log) {
      this.#timer = setInterval(() => this.#render(), this.#o.intervalMs ?? 120);
      this.#timer.unref?.();
    }
  }

  /**
   * Columns for a line: the terminal's in the live view; without one (lines mode, a log file)
   * a generous fixed width, so a long error still ends up on one line with its cause.
   */
  #width(): number {
    return this.#log ? (this.#o.stream.columns ?? 100) : 200;
  }

  /** Prints a line above the live area (or as is without one). */
  #print(line: string): void {
    if (this.#stopped) return;
    let text = this.#o.redact(line);
    if (this.#log) {
      // Lines are laid out for the width; whatever still exceeds it is cut rather than wrapped.
      if (visibleWidth(text) > this.#width()) text = firstFitting([[text]], this.#width());
      this.#log.clear();
      this.#o.stream.write(`${text}\n`);
      this.#render();
    } else {
      this.#o.stream.write(`${text}\n`);
    }
  }

  #render(): void {
    if (!this.#log || this.#stopped) return;
    const width = this.#width();
    const rows = (this.#o.stream as { rows?: number }).rows ?? 30;
    const lines = renderProgress(this.#orc.progress(), this.#o.colors, width, this.#o.title ?? 'pco', Math.max(3, rows - 6), this.#o.updatesTo);
    // Redacted before it is measured: a scrubbed secret may be wider than what it replaced.
    const fitted = lines.map((line) => {
      const safe = this.#o.redact(line);
      return visibleWidth(safe) > width ? firstFitting([[safe]], width) : safe;
    });
    this.#log(fitted.join('\n'));
  }

  /** Prints a message above the view (e.g. "stopping…"). */
  note(line: string): void {
    this.#print(line);
  }

  /** Final redraw, then leaves the last frame in the scrollback and detaches. */
  stop(): void {
    if (this.#stopped) return;
    if (this.#timer) clearInterval(this.#timer);
    this.#render();
    this.#stopped = true;
    this.#log?.done();
    for (const off of this.#offs.splice(0)) off();
  }
}
