/**
 * How a fake run behaves: its status timeline and what it produces. Scripts come from a prompt
 * marker (`[[fake:status=ERROR duration=5m prs=2]]`), from the `script` callback, or from the
 * defaults. Durations are in API time (milliseconds of the real service); the fake multiplies
 * them by its `timeScale`.
 */

/** Final statuses a script can end in (any other string is allowed too, e.g. a new status). */
export type FakeFinalStatus =
  | 'COMPLETE'
  | 'ERROR'
  | 'FAILED'
  | 'CANCELLED'
  | 'STOPPED'
  | 'TIMEOUT'
  | 'MAX_ITERATIONS_REACHED'
  | 'OUT_OF_TOKENS'
  | 'PAUSED'
  | (string & {});

/** One step of a custom status timeline. */
export interface FakeRunStep {
  readonly status: string;
  /** How long the run stays in this status, in API milliseconds. */
  readonly durationMs: number;
}

/** The behaviour of one fake run. Every field is optional. */
export interface FakeRunScript {
  /**
   * Status the run ends in.
   * @default 'COMPLETE'
   */
  readonly status?: FakeFinalStatus;
  /**
   * Total time until the final status, in API milliseconds (scaled by `timeScale`).
   * @default a seeded random duration between 3 and 12 minutes
   */
  readonly durationMs?: number;
  /**
   * Pull requests the run reports at the end.
   * @default 1 for COMPLETE, 0 otherwise
   */
  readonly prs?: number;
  /**
   * Whether the run passes through EVALUATION before its final status.
   * @default true
   */
  readonly evaluation?: boolean;
  /** Custom timeline replacing PENDING → ACTIVE → (EVALUATION); `durationMs` is then their sum. */
  readonly steps?: readonly FakeRunStep[];
  /** Result text at the end. @default derived from the prompt (COMPLETE) or an error text */
  readonly result?: string | null;
  /** Summary at the end. @default derived from the prompt (COMPLETE), else null */
  readonly summary?: string | null;
}

const MARKER = /\[\[fake:([^\]]*)\]\]/;
const UNITS: Readonly<Record<string, number>> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

/** Parses `90s`, `5m`, `1500ms`, `2h` or a bare number of milliseconds. */
export function parseDuration(text: string): number | undefined {
  const match = /^(\d+(?:\.\d+)?)(ms|s|m|h)?$/.exec(text.trim());
  if (!match) return undefined;
  return Number(match[1]) * (UNITS[match[2] ?? 'ms'] as number);
}

/**
 * Reads a `[[fake:key=value ...]]` marker from a prompt. Keys: `status`, `duration`, `prs`,
 * `evaluation` (true/false), `steps` (`ACTIVE:1m,NEW_STATUS:30s`), `result`, `summary`
 * (single words; use the `script` callback for more). Unknown keys are ignored.
 */
export function parseFakeRunMarker(prompt: string): FakeRunScript | undefined {
  const match = MARKER.exec(prompt);
  if (!match) return undefined;
  const script: { -readonly [K in keyof FakeRunScript]: FakeRunScript[K] } = {};
  for (const pair of (match[1] ?? '').trim().split(/\s+/)) {
    const eq = pair.indexOf('=');
    if (eq <= 0) continue;
    const key = pair.slice(0, eq);
    const value = pair.slice(eq + 1);
    switch (key) {
      case 'status':
        script.status = value.toUpperCase();
        break;
      case 'duration': {
        const ms = parseDuration(value);
        if (ms !== undefined) script.durationMs = ms;
        break;
      }
      case 'prs':
        if (/^\d+$/.test(value)) script.prs = Number(value);
        break;
      case 'evaluation':
        script.evaluation = value !== 'false' && value !== '0';
        break;
      case 'steps':
        script.steps = value
          .split(',')
          .map((step) => {
            const [status = '', duration = ''] = step.split(':');
            return { status: status.toUpperCase(), durationMs: parseDuration(duration) ?? 0 };
          })
          .filter((step) => step.status !== '');
        break;
      case 'result':
        script.result = value;
        break;
      case 'summary':
        script.summary = value;
        break;
      default:
        break;
    }
  }
  return script;
}

/** A script with every field resolved. */
export interface ResolvedFakeRunScript {
  readonly status: string;
  readonly steps: readonly FakeRunStep[];
  readonly durationMs: number;
  readonly prs: number;
  readonly result: string | null;
  readonly summary: string | null;
}

/** Fills a script's defaults. `randomDurationMs` is used when no duration is given. */
export function resolveScript(script: FakeRunScript, prompt: string, randomDurationMs: number): ResolvedFakeRunScript {
  const status = script.status ?? 'COMPLETE';
  const complete = status === 'COMPLETE';
  let steps: FakeRunStep[];
  if (script.steps && script.steps.length > 0) {
    steps = [...script.steps];
  } else {
    const total = script.durationMs ?? randomDurationMs;
    // A short queue, most of the time working, the last tenth evaluating.
    const pending = Math.min(5_000, total * 0.05);
    const evaluation = (script.evaluation ?? true) ? total * 0.1 : 0;
    steps = [
      { status: 'PENDING', durationMs: pending },
      { status: 'ACTIVE', durationMs: total - pending - evaluation },
    ];
    if (evaluation > 0) steps.push({ status: 'EVALUATION', durationMs: evaluation });
  }
  const title = (prompt.replace(MARKER, '').trim().split('\n')[0] ?? '').slice(0, 80) || 'agent task';
  return {
    status,
    steps,
    durationMs: steps.reduce((sum, step) => sum + step.durationMs, 0),
    prs: script.prs ?? (complete ? 1 : 0),
    result: script.result !== undefined ? script.result : complete ? `Done: ${title}` : `Run ended with ${status}.`,
    summary: script.summary !== undefined ? script.summary : complete ? `Implemented: ${title}` : null,
  };
}

/** The status a run is in `elapsedMs` (API time) after its segment started. */
export function statusAt(script: ResolvedFakeRunScript, elapsedMs: number): { status: string; final: boolean } {
  let t = 0;
  for (const step of script.steps) {
    t += step.durationMs;
    if (elapsedMs < t) return { status: step.status, final: false };
  }
  return { status: script.status, final: true };
}
