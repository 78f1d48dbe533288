/** Renders a {@link PlanReport} as text, Mermaid, DOT or JSON. */
import type { Colors } from 'picocolors/types';
import type { PlanReport } from './plan-report.js';

export type PlanFormat = 'text' | 'mermaid' | 'dot' | 'json';
export const PLAN_FORMATS: readonly PlanFormat[] = ['text', 'mermaid', 'dot', 'json'];

/** Shortens `text` to `width` characters with an ellipsis. */
export function truncate(text: string, width: number): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length <= width ? flat : `${flat.slice(0, Math.max(0, width - 1))}…`;
}

function pad(text: string, width: number): string {
  return text.length >= width ? text : text + ' '.repeat(width - text.length);
}

/** The plan for people. `workers` is the agent count the figures are for. */
export function renderPlanText(report: PlanReport, workers: number, c: Colors): string {
  const out: string[] = [];
  const runnable = report.tasks.filter((task) => task.status === 'runnable');
  const skipped = report.tasks.filter((task) => task.status === 'skipped');
  const blocked = report.tasks.filter((task) => task.status === 'blocked');
  out.push(
    `${c.bold('Plan')}: ${report.tasks.length} tasks — ${c.green(`${runnable.length} runnable`)}, ${
      skipped.length > 0 ? c.yellow(`${skipped.length} skipped`) : '0 skipped'
    }, ${blocked.length > 0 ? c.yellow(`${blocked.length} blocked`) : '0 blocked'}`,
  );

  if (report.cycles.length > 0 || report.problems.length > 0) {
    out.push('');
    if (report.cycles.length > 0) {
      out.push(c.red(c.bold(`Dependency cycles (${report.cycles.length}): nothing can run until they are broken`)));
      for (const cycle of report.cycles) out.push(`  ${c.red('↻')} ${cycle.join(' → ')}`);
    }
    for (const problem of report.problems) out.push(`  ${c.red('✖')} ${problem.message}`);
  }

  const critical = new Set(report.stats?.criticalPath.ids ?? []);
  const order = report.stats ? report.stats.order : runnable.map((task) => task.id);
  const byId = new Map(report.tasks.map((task) => [task.id, task]));
  if (runnable.length > 0) {
    const idWidth = Math.min(28, Math.max(4, ...report.tasks.map((task) => task.id.length)));
    out.push('', c.bold(`   ${pad('Task', idWidth)}  ${pad('Title', 44)}  Est  Depends on`));
    for (const id of order) {
      const task = byId.get(id);
      if (!task || task.status !== 'runnable') continue;
      const mark = critical.has(id) ? c.yellow('★') : ' ';
      const deps = task.dependencies.length > 0 ? task.dependencies.join(', ') : c.dim('—');
      out.push(`${mark}  ${pad(id, idWidth)}  ${pad(truncate(task.title, 44), 44)}  ${String(task.estimate).padStart(3)}  ${deps}`);
    }
  }
  if (skipped.length > 0) {
    out.push('', c.bold('Skipped (will not run)'));
    for (const task of skipped) out.push(`  ${c.yellow('↷')} ${task.id}  ${task.reason ?? ''}`);
  }
  if (blocked.length > 0) {
    out.push('', c.bold('Blocked (will not run)'));
    for (const task of blocked) out.push(`  ${c.yellow('⊘')} ${task.id}  ${task.reason ?? ''}`);
  }
  if (report.warnings.length > 0) {
    out.push('', c.bold(`Warnings (${report.warnings.length})`));
    for (const warning of report.warnings) out.push(`  ${c.yellow('!')} ${warning.taskId}: ${warning.message}`);
  }
  if (report.stats) {
    const s = report.stats;
    out.push(
      '',
      `${c.bold('Critical path')} (${s.criticalPath.ids.length} tasks, length ${fmt(s.criticalPath.length)}): ${
        s.criticalPath.ids.length > 0 ? s.criticalPath.ids.join(' → ') : '—'
      }`,
      `${c.bold('Total work')} ${fmt(s.totalWork)} · ${c.bold('lower bound')} ${fmt(s.lowerBound)} · ${c.bold(
        'simulated makespan',
      )} ${fmt(s.simulatedMakespan)} with ${workers} agent${workers === 1 ? '' : 's'}`,
      c.dim('(in estimate units; a task without an estimate counts 1)'),
    );
  }
  return out.join('\n') + '\n';
}

function fmt(value: number): string {
  return Number.isInteger(value) ? String(value) : value.toFixed(2);
}

/** The plan as one JSON document. */
export function renderPlanJson(report: PlanReport, workers: number): string {
  return (
    JSON.stringify(
      {
        ok: report.ok,
        workers,
        tasks: report.tasks,
        warnings: report.warnings,
        cycles: report.cycles,
        problems: report.problems.map((problem) => ({ kind: problem.kind, message: problem.message })),
        ...(report.stats
          ? {
              criticalPath: report.stats.criticalPath,
              totalWork: report.stats.totalWork,
              lowerBound: report.stats.lowerBound,
              simulatedMakespan: report.stats.simulatedMakespan,
              order: report.stats.order,
            }
          : {}),
      },
      null,
      2,
    ) + '\n'
  );
}

/** Renders in `format`. Mermaid and DOT need a valid plan; otherwise the text form explains why. */
export function renderPlan(report: PlanReport, format: PlanFormat, workers: number, c: Colors): string {
  const labels = new Map(report.tasks.map((task) => [task.id, truncate(task.title, 40)]));
  switch (format) {
    case 'json':
      return renderPlanJson(report, workers);
    case 'mermaid':
      return report.graph ? `${report.graph.toMermaid({ labels })}\n` : renderPlanText(report, workers, c);
    case 'dot':
      return report.graph ? `${report.graph.toDot({ labels })}\n` : renderPlanText(report, workers, c);
    default:
      return renderPlanText(report, workers, c);
  }
}
