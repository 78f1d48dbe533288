/**
 * The fake's agent runs. A run's status is computed from the clock on every read (its script's
 * timeline, scaled by `timeScale`), so runs progress on their own and no timers are left behind;
 * resume starts a new segment, remove-from-pr ends unfinished runs early.
 */
import { HttpReply, MESSAGES } from './http.js';
import { parseFakeRunMarker, resolveScript, statusAt, type FakeRunScript, type ResolvedFakeRunScript } from './run-script.js';
import type { FakeCodegenRepo, FakeCreatedRecord, FakeRunRequest } from './types.js';

export interface RunState {
  readonly id: number;
  readonly orgId: number;
  readonly userId: number;
  readonly prompt: string;
  readonly metadata: Record<string, unknown> | null;
  readonly repoId: number | null;
  readonly createdAt: number;
  readonly createdIso: string;
  /** Start of the current segment (creation or last resume), real ms. */
  segmentStart: number;
  script: ResolvedFakeRunScript;
  resumeCount: number;
  prIds: number[];
}

/**
 * What `remove-from-pr` does here. The spec: it flags the run's PR so CI check-suite events are
 * ignored and "stops all current agents for that PR". Not stated: what happens to a run that has
 * not opened its PR yet; this fake stops it too (the agent working towards that PR), ending it
 * CANCELLED, which is what the research expects stopped runs to show (§4, card order fields).
 */
const STOPPED_STATUS = 'CANCELLED';

export interface RunBookConfig {
  readonly timeScale: number;
  readonly now: () => number;
  /** The fake's seeded PRNG (shared with the faults: draws stay in request order). */
  readonly random: () => number;
  readonly repos: readonly FakeCodegenRepo[];
  readonly script: ((run: FakeRunRequest) => FakeRunScript | undefined) | undefined;
  readonly defaultScript: FakeRunScript | undefined;
}

/** Every run of the fake, with the records a test reads back (creations, stops, flagged PRs). */
export class RunBook {
  readonly runs = new Map<number, RunState>();
  readonly created: FakeCreatedRecord[] = [];
  readonly stopped = new Set<number>();
  readonly removedFromPrs = new Set<number>();
  private nextRunId = 1001;
  private nextPrId = 5001;

  constructor(private readonly config: RunBookConfig) {}

  /** The run `id` of organization `org`, or the API's 404. */
  inOrg(org: number, id: number): RunState | HttpReply {
    const run = this.runs.get(id);
    if (!run || run.orgId !== org) return new HttpReply(404, { message: MESSAGES.runNotFound, status_code: 404 });
    return run;
  }

  countInOrg(org: number): number {
    return [...this.runs.values()].filter((r) => r.orgId === org).length;
  }

  /** Creates a run (its script from the callback, the prompt's marker and the defaults). */
  create(fields: Omit<FakeRunRequest, 'id' | 'resumeCount'>): RunState {
    const id = this.nextRunId++;
    const request: FakeRunRequest = { id, ...fields, resumeCount: 0 };
    const at = this.config.now();
    const run: RunState = {
      id,
      orgId: fields.orgId,
      userId: fields.userId,
      prompt: fields.prompt,
      metadata: fields.metadata as Record<string, unknown> | null,
      repoId: fields.repoId,
      createdAt: at,
      createdIso: new Date(at).toISOString(),
      segmentStart: at,
      script: this.scriptFor(request),
      resumeCount: 0,
      prIds: [],
    };
    this.runs.set(id, run);
    this.created.push({ id, at, prompt: fields.prompt, metadata: run.metadata, userId: fields.userId, orgId: fields.orgId, responseDropped: false });
    return run;
  }

  /** Runs of `org`, newest first, optionally of one user. */
  list(org: number, userId: string | null, sourceType: string | null): RunState[] {
    return [...this.runs.values()]
      .filter((run) => run.orgId === org)
      .filter((run) => userId === null || run.userId === Number(userId))
      .filter(() => sourceType === null || sourceType === 'API')
      .sort((a, b) => b.createdAt - a.createdAt || b.id - a.id);
  }

  /**
   * A follow-up `prompt`. The spec resumes PAUSED runs; the docs also send follow-ups to finished
   * runs. A run still working is left unchanged.
   */
  resume(run: RunState, prompt: string): void {
    const { now, timeScale } = this.config;
    const { final } = statusAt(run.script, (now() - run.segmentStart) / timeScale);
    if (!final) return;
    run.resumeCount += 1;
    run.segmentStart = now();
    run.prIds = [];
    run.script = this.scriptFor({
      id: run.id,
      prompt,
      metadata: run.metadata,
      repoId: run.repoId,
      model: null,
      agentType: null,
      userId: run.userId,
      orgId: run.orgId,
      resumeCount: run.resumeCount,
    });
  }

  /** Flags the run's pull requests and stops every unfinished run working on them (see STOPPED_STATUS). */
  removeFromPr(run: RunState): void {
    const { now, timeScale } = this.config;
    const flagged = new Set(run.prIds);
    for (const id of run.prIds) this.removedFromPrs.add(id);
    for (const other of this.runs.values()) {
      if (other !== run && !other.prIds.some((id) => flagged.has(id))) continue;
      const elapsed = (now() - other.segmentStart) / timeScale;
      if (statusAt(other.script, elapsed).final) continue; // finished runs stay as they ended
      other.script = { ...other.script, status: STOPPED_STATUS, steps: [], durationMs: elapsed, prs: 0, result: null, summary: null };
      this.stopped.add(other.id);
    }
  }

  /** Replaces a run's script from now on (the fake's `scriptRun`). */
  rescript(id: number, script: FakeRunScript): void {
    const run = this.runs.get(id);
    if (!run) throw new RangeError(`fake codegen: no run ${id}`);
    run.segmentStart = this.config.now();
    run.script = resolveScript(script, run.prompt, script.durationMs ?? 0);
  }

  /** The API view of a run right now (what GET run returns). */
  view(run: RunState): Record<string, unknown> {
    const { now, timeScale, repos } = this.config;
    const elapsed = (now() - run.segmentStart) / timeScale;
    const { status, final } = statusAt(run.script, elapsed);
    let prs: Record<string, unknown>[] = [];
    if (final) {
      while (run.prIds.length < run.script.prs) run.prIds.push(this.nextPrId++);
      const repo = repos.find((r) => r.id === run.repoId) ?? repos[0];
      const endIso = new Date(run.segmentStart + run.script.durationMs * timeScale).toISOString();
      prs = run.prIds.slice(0, run.script.prs).map((id, index) => ({
        id,
        title: `Agent run ${run.id}${run.script.prs > 1 ? ` (part ${index + 1})` : ''}`,
        url: `https://github.com/${repo?.fullName ?? 'acme/app'}/pull/${id - 5000}`,
        created_at: endIso,
        head_branch_name: `codegen-bot/run-${run.id}-${index + 1}`,
      }));
    }
    return {
      id: run.id,
      organization_id: run.orgId,
      status,
      created_at: run.createdIso,
      web_url: `https://codegen.com/agent/trace/${run.id}`,
      result: final ? run.script.result : null,
      summary: final ? run.script.summary : null,
      source_type: 'API',
      github_pull_requests: prs,
      metadata: run.metadata,
    };
  }

  /** The run's log entries so far: the prompt, one action per tenth of its duration, the final answer. */
  logs(run: RunState): Record<string, unknown>[] {
    const { now, timeScale } = this.config;
    const elapsed = (now() - run.segmentStart) / timeScale;
    const { status, final } = statusAt(run.script, elapsed);
    const progress = final ? 1 : Math.min(1, elapsed / Math.max(1, run.script.durationMs));
    const logs: Record<string, unknown>[] = [];
    const at = (fraction: number) =>
      new Date(run.segmentStart + fraction * run.script.durationMs * timeScale).toISOString();
    const entry = (fraction: number, fields: Record<string, unknown>) => ({
      agent_run_id: run.id,
      created_at: at(fraction),
      tool_name: null,
      message_type: null,
      thought: null,
      observation: null,
      tool_input: null,
      tool_output: null,
      ...fields,
    });
    logs.push(entry(0, { message_type: 'USER_MESSAGE', observation: run.prompt }));
    const actions = Math.floor(progress * 8);
    for (let i = 1; i <= actions; i++) {
      logs.push(
        entry(i / 10, {
          message_type: 'ACTION',
          tool_name: i % 2 === 0 ? 'ripgrep_search' : 'edit_file',
          tool_input: { step: i },
          tool_output: { ok: true },
        }),
      );
    }
    if (final) {
      logs.push(
        status === 'COMPLETE'
          ? entry(1, { message_type: 'FINAL_ANSWER', observation: run.script.result })
          : entry(1, { message_type: 'ERROR', observation: run.script.result ?? status }),
      );
    }
    return logs;
  }

  private scriptFor(request: FakeRunRequest): ResolvedFakeRunScript {
    const fromCallback = this.config.script?.(request);
    const fromMarker = parseFakeRunMarker(request.prompt);
    const script: FakeRunScript = { ...this.config.defaultScript, ...fromMarker, ...fromCallback };
    // Default duration: 3..12 minutes of API time, seeded.
    return resolveScript(script, request.prompt, 180_000 + Math.floor(this.config.random() * 540_000));
  }
}
