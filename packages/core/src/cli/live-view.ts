/**
 * The terminal view of a run: an overall bar with counts by state and ETA, and one line per
 * running task (task, agent, agent status, elapsed, attempt), redrawn in place with log-update.
 * Finished tasks are printed once above it, so the scrollback keeps a record. Without a TTY
 * (`lines` mode) only those once-per-event lines are printed.
 */
import { createLogUpdate } from 'log-update';
import type { Colors } from 'picocolors/types';
import type { Redactor } from '../config/index.js';
import type { Orchestrator } from '../orchestrator.js';
import type { ProgressSnapshot } from '../results.js';
import type { CliStream } from './context.js';
import { truncate } from './plan-render.js';

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
}

/** `1:05`, `12:00`, `1:02:03`. */
export function formatDuration(ms: number): string {
  const total = Math.max(0, Math.round(ms / 1000));
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = total % 60;
  return h > 0 ? `${h}:${String(m).padStart(2, '0')}:${String(s).padStart(2, '0')}` : `${m}:${String(s).padStart(2, '0')}`;
}

/** The overall bar and the running tasks, as lines (exported for tests). */
export function renderProgress(snapshot: ProgressSnapshot, c: Colors, width: number, title = 'pco', maxRows = 20): string[] {
  const n = snapshot.counts;
  const finished = snapshot.finished;
  const total = Math.max(n.total, 1);
  const barWidth = Math.max(10, Math.min(30, width - 90));
  const seg = (count: number) => Math.round((count / total) * barWidth);
  const doneW = seg(n.done);
  const badW = Math.min(barWidth - doneW, seg(n.failed + n['needs-input'] + n.interrupted));
  const skipW = Math.min(barWidth - doneW - badW, seg(n.skipped));
  const runW = Math.min(barWidth - doneW - badW - skipW, seg(n.running + n.retrying));
  const bar =
    c.green('█'.repeat(doneW)) +
    c.red('█'.repeat(badW)) +
    c.yellow('█'.repeat(skipW)) +
    c.cyan('▒'.repeat(runW)) +
    c.dim('░'.repeat(Math.max(0, barWidth - doneW - badW - skipW - runW)));
  const waiting = n.pending + n.ready;
  const parts = [
    c.green(`✔ ${n.done} done`),
    n.failed > 0 ? c.red(`✖ ${n.failed} failed`) : c.dim('✖ 0 failed'),
    n.skipped > 0 ? c.yellow(`↷ ${n.skipped} skipped`) : c.dim('↷ 0 skipped'),
    ...(n['needs-input'] > 0 ? [c.magenta(`? ${n['needs-input']} needs input`)] : []),
    c.cyan(`▶ ${n.running} running`),
    ...(n.retrying > 0 ? [c.yellow(`↻ ${n.retrying} retrying`)] : []),
    c.dim(`◷ ${waiting} waiting`),
  ];
  const eta = snapshot.etaMs !== undefined ? formatDuration(snapshot.etaMs) : '…';
  if (n.total === 0) return [`${c.bold(title)} ${c.dim('loading tasks…')}  ${c.dim('elapsed')} ${formatDuration(snapshot.elapsedMs)}`];
  const lines = [
    `${c.bold(title)} ${bar} ${finished}/${n.total}  ${parts.join('  ')}  ${c.dim('elapsed')} ${formatDuration(snapshot.elapsedMs)}  ${c.dim('ETA')} ${eta}`,
  ];
  const running = [...snapshot.running].sort((a, b) => a.startedAt - b.startedAt);
  const idWidth = Math.min(24, Math.max(4, ...running.map((task) => task.taskId.length)));
  const titleWidth = Math.max(10, Math.min(40, width - idWidth - 50));
  for (const task of running.slice(0, maxRows)) {
    const icon = task.state === 'retrying' ? c.yellow('↻') : c.cyan('▶');
    const status = task.state === 'retrying' ? 'retrying' : (task.agentStatus ?? 'starting');
    lines.push(
      `  ${icon} ${task.taskId.padEnd(idWidth)}  ${truncate(task.title, titleWidth).padEnd(titleWidth)}  ${(task.agent ?? '—').padEnd(8)}  ${status.padEnd(11)}  ${formatDuration(
        snapshot.at - task.startedAt,
      ).padStart(5)}  ${c.dim(`attempt ${task.attempt}`)}`,
    );
  }
  if (running.length > maxRows) lines.push(c.dim(`  … and ${running.length - maxRows} more running`));
  return lines;
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
    const title = (task: { title: string }) => c.dim(truncate(task.title, 50));
    on(
      this.#orc.on('run:start', (e) => {
        this.#print(`${c.bold('▶ Run')} ${e.runId}: ${e.tasks} tasks on up to ${e.concurrency} agents${e.resumed ? ' (resumed)' : ''}`);
      }),
    );
    on(
      this.#orc.on('task:done', (e) => {
        const prs = e.result.pullRequests.length;
        this.#print(
          `  ${c.green('✔')} ${e.taskId}  ${title(e.task)}  ${c.dim(formatDuration(e.durationMs))}${prs > 0 ? `  ${prs} PR${prs === 1 ? '' : 's'}` : ''}${
            e.attempt > 1 ? c.dim(`  (attempt ${e.attempt})`) : ''
          }`,
        );
      }),
    );
    on(this.#orc.on('task:failed', (e) => this.#print(`  ${c.red('✖')} ${e.taskId}  ${title(e.task)}  ${c.red(truncate(e.error, 100))}`)));
    on(
      this.#orc.on('task:skipped', (e) =>
        this.#print(`  ${c.yellow('↷')} ${e.taskId}  ${title(e.task)}  ${c.yellow(`skipped: ${truncate(e.result.error ?? e.reason, 100)}`)}`),
      ),
    );
    on(
      this.#orc.on('task:needs-input', (e) =>
        this.#print(`  ${c.magenta('?')} ${e.taskId}  ${title(e.task)}  ${c.magenta(`needs input: ${truncate(e.reason, 100)}`)}`),
      ),
    );
    on(this.#orc.on('task:interrupted', (e) => this.#print(`  ${c.yellow('■')} ${e.taskId}  ${title(e.task)}  interrupted (${e.mode})`)));
    on(
      this.#orc.on('task:retry', (e) =>
        this.#print(
          `  ${c.yellow('↻')} ${e.taskId}  ${title(e.task)}  attempt ${e.attempt} failed, retry in ${e.delayMs < 1000 ? `${Math.round(e.delayMs)} ms` : `${(e.delayMs / 1000).toFixed(1)} s`}: ${truncate(e.error, 90)}`,
        ),
      ),
    );
    on(this.#orc.on('agent:failed', (e) => this.#print(`  ${c.yellow('!')} ${e.agent} quarantined after ${e.consecutiveFailures} failures`)));
    on(this.#orc.on('tasks:rejected', (e) => this.#print(`  ${c.red('!')} tasks rejected: ${e.issues.map((i) => i.message).join('; ')}`)));
    on(
      this.#orc.on('error', (e) => {
        if (this.#o.verbose || e.source !== 'listener') this.#print(`  ${c.yellow('!')} ${e.source}: ${truncate(e.message, 120)}`);
      }),
    );
    if (this.#o.verbose) {
      on(this.#orc.on('task:start', (e) => this.#print(`  ${c.cyan('▶')} ${e.taskId}  ${title(e.task)}  ${c.dim(`${e.agent}, attempt ${e.attempt}`)}`)));
      on(this.#orc.on('task:status', (e) => this.#print(`  ${c.dim('·')} ${e.taskId}  ${c.dim(`${e.agent}: ${e.status}`)}`)));
    }
    if (this.#log) {
      this.#timer = setInterval(() => this.#render(), this.#o.intervalMs ?? 120);
      this.#timer.unref?.();
    }
  }

  /** Prints a line above the live area (or as is without one). */
  #print(line: string): void {
    if (this.#stopped) return;
    const text = this.#o.redact(line);
    if (this.#log) {
      this.#log.clear();
      this.#o.stream.write(`${text}\n`);
      this.#render();
    } else {
      this.#o.stream.write(`${text}\n`);
    }
  }

  #render(): void {
    if (!this.#log || this.#stopped) return;
    const width = this.#o.stream.columns ?? 100;
    const rows = (this.#o.stream as { rows?: number }).rows ?? 30;
    const lines = renderProgress(this.#orc.progress(), this.#o.colors, width, this.#o.title ?? 'pco', Math.max(3, rows - 6));
    this.#log(this.#o.redact(lines.join('\n')));
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
