import type { GraphIssue } from './types.js';

// The exact wording of every graph issue lives here, so the tests and docs have one source.

export function cycleIssue(path: readonly string[]): GraphIssue {
  return { kind: 'cycle', path, message: `dependency cycle: ${path.join(' → ')}` };
}

export function unknownDependencyIssue(task: string, ref: string): GraphIssue {
  return { kind: 'unknown-dependency', task, ref, message: `task "${task}" depends on unknown task "${ref}"` };
}

export function duplicateIdIssue(task: string, count: number): GraphIssue {
  return { kind: 'duplicate-id', task, count, message: `duplicate task id "${task}" (defined ${count} times)` };
}

export function selfDependencyIssue(task: string): GraphIssue {
  return { kind: 'self-dependency', task, message: `task "${task}" depends on itself` };
}

export function unreachableIssue(task: string, missing: string, via: string): GraphIssue {
  return {
    kind: 'unreachable',
    task,
    missing,
    via,
    message: `task "${task}" can never run: it depends on "${via}", which waits for unknown task "${missing}"`,
  };
}

export function invalidEstimateIssue(task: string, estimate: unknown): GraphIssue {
  return {
    kind: 'invalid-estimate',
    task,
    estimate,
    message: `task "${task}" has an invalid estimate ${formatValue(estimate)} (expected a finite number ≥ 0)`,
  };
}

function formatValue(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'number' || typeof value === 'boolean' || value === null || value === undefined) return String(value);
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return Object.prototype.toString.call(value);
  }
}
