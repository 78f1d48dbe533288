/**
 * The fake's agent runs. A run's status is computed from the clock on every read (its script's
 * timeline, scaled by `timeScale`), so runs progress on their own and no timers are left behind;
 * resume starts a new segment, remove-from-pr ends unfinished runs early.
 */
import { HttpReply, MESSAGES } from './http.js';
import { parseFakeRunMarker, resolveScript, statusAt, type FakeRunScript, type ResolvedFakeRunScript } from './run-script.js';
import type { FakeCodegenRepo, FakeCreatedRecord, FakeRunCompletionHook, FakeRunPullRequest, FakeRunRequest } from './types.js';

/** A pull request a run reported, with the fake's Codegen-side PR id. */
export interface ReportedPull extends FakeRunPullRequest {
  readonly id: number;
  readonly createdIso: string;
}

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
  /** The prompt of the current segment (the creation's, or the last resume's). */
  segmentPrompt: string;
  script: ResolvedFakeRunScript;
  resumeCount: number;
  /** PRs the current segment reported; undefined until it ended (settled on the first read after). */
  prs: ReportedPull[] | undefined;
  /** PRs earlier segments reported: a resumed run continues them. */
  earlierPrs: ReportedPull[];
  /** `API` for runs created through the API; Codegen's own runs (its CI auto-fixer) say otherwise. */
  readonly sourceType: string;
}

/**
 * Which finished runs may be resumed: the spec's "Resume a paused agent run" (PAUSED always), and
 * for the others (COMPLETE, ERROR, …) what the fake was told (`resumeFinished`).
 */
export type ResumeVerdict = { readonly ok: true } | { readonly ok: false; readonly reply: HttpReply };

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
  /** Whether a finished run (not PAUSED) takes a resume, and as which run. */
  readonly resumeFinished: 'accept' | 'refuse' | 'new-run';
}

/** Every run of the fake, with the records a test reads back (creations, stops, flagged PRs). */
export class RunBook {
  readonly runs = new Map<number, RunState>();
  readonly created: FakeCreatedRecord[] = [];
  readonly stopped = new Set<number>();
  readonly removedFromPrs = new Set<number>();
  /** Decides the PRs of a finished run (the link to a fake GitHub); none: the fake's own. */
  completion: FakeRunCompletionHook | undefined;
  private nextRunId = 1001;
  private nextPrId = 5001;
  /** One Codegen-side id (and creation time) per PR URL, so follow-up runs on a PR report the same PR. */
  private readonly prIdByUrl = new Map<string, number>();
  private readonly prCreatedByUrl = new Map<string, string>();

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

  /**
   * Creates a run (its script from the callback, the prompt's marker and the defaults). `record`:
   * whether it counts in `created` (a create request; a run a resume started does not).
   */
  create(fields: Omit<FakeRunRequest, 'id' | 'resumeCount'>, record = true, sourceType = 'API'): RunState {
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
      segmentPrompt: fields.prompt,
      script: this.scriptFor(request),
      resumeCount: 0,
      prs: undefined,
      earlierPrs: [],
      sourceType,
    };
    this.runs.set(id, run);
    if (record) this.created.push({ id, at, prompt: fields.prompt, metadata: run.metadata, userId: fields.userId, orgId: fields.orgId, responseDropped: false });
    return run;
  }

  /** Runs of `org`, newest first, optionally of one user. */
  list(org: number, userId: string | null, sourceType: string | null): RunState[] {
    return [...this.runs.values()]
      .filter((run) => run.orgId === org)
      .filter((run) => userId === null || run.userId === Number(userId))
      .filter((run) => sourceType === null || run.sourceType === sourceType)
      .sort((a, b) => b.createdAt - a.createdAt || b.id - a.id);
  }

  /**
   * Whether `run` takes a resume now. The spec: "Resume a paused agent run". PAUSED runs always
   * do; a finished one (COMPLETE, ERROR, …) as `resumeFinished` says (the docs also send
   * follow-ups to finished runs, unverified). A refusal answers 400 in Codegen's own error shape
   * (`{message, status_code}`): the spec declares no status for it, so this is an inference.
   */
  canResume(run: RunState): ResumeVerdict {
    const { status, final } = this.statusOf(run);
    if (!final || status === 'PAUSED' || this.config.resumeFinished !== 'refuse') return { ok: true };
    return { ok: false, reply: new HttpReply(400, { message: `Agent run ${run.id} is ${status} and cannot be resumed.`, status_code: 400 }) };
  }

  /**
   * A follow-up `prompt`. The run starts a new segment (PENDING → ACTIVE → … on the prompt's
   * script) and keeps its id; with `resumeFinished: 'new-run'` a finished run (not PAUSED) is
   * continued by a new run instead, which carries on its PRs (whether the real API does either is
   * unverified). A run still working is left unchanged (the spec says nothing of resuming a live
   * run). Returns the run that now works on the follow-up.
   */
  resume(run: RunState, prompt: string): RunState {
    const { now } = this.config;
    const { status, final } = this.statusOf(run);
    if (!final) return run;
    this.view(run); // settles the ending segment's PRs
    const carried = [...run.earlierPrs];
    for (const pr of run.prs ?? []) if (!carried.some((earlier) => earlier.url === pr.url)) carried.push(pr);
    // What the resumed segment is created or scripted from: the run's own fields, the new prompt.
    const input = { prompt, metadata: run.metadata, repoId: run.repoId, model: null, agentType: null, userId: run.userId, orgId: run.orgId };
    if (status !== 'PAUSED' && this.config.resumeFinished === 'new-run') {
      const next = this.create(input, false);
      next.earlierPrs.push(...carried);
      return next;
    }
    run.earlierPrs = carried;
    run.resumeCount += 1;
    run.segmentStart = now();
    run.segmentPrompt = prompt;
    run.prs = undefined;
    run.script = this.scriptFor({ id: run.id, ...input, resumeCount: run.resumeCount });
    return run;
  }

  private statusOf(run: RunState): { status: string; final: boolean } {
    return statusAt(run.script, (this.config.now() - run.segmentStart) / this.config.timeScale);
  }

  /** Flags the run's pull requests and stops every unfinished run working on them (see STOPPED_STATUS). */
  removeFromPr(run: RunState): void {
    const { now, timeScale } = this.config;
    this.view(run); // settles the PRs of a run that ended since the last read
    const prIdsOf = (r: RunState) => [...r.earlierPrs, ...(r.prs ?? [])].map((pr) => pr.id);
    const flagged = new Set(prIdsOf(run));
    for (const id of flagged) this.removedFromPrs.add(id);
    for (const other of this.runs.values()) {
      if (other !== run && !prIdsOf(other).some((id) => flagged.has(id))) continue;
      const elapsed = (now() - other.segmentStart) / timeScale;
      if (statusAt(other.script, elapsed).final) continue; // finished runs stay as they ended
      other.script = { ...other.script, status: STOPPED_STATUS, steps: [], durationMs: elapsed, prs: 0, result: null, summary: null };
      this.stopped.add(other.id);
    }
  }

  /**
   * A run Codegen starts by itself (not a create request: not in `created`), e.g. its check-suite
   * auto-fixer (`GITHUB_CHECK_SUITE`), continuing `pullRequests` (it reports them when it ends).
   */
  start(fields: Omit<FakeRunRequest, 'id' | 'resumeCount'>, sourceType: string, pullRequests: readonly FakeRunPullRequest[]): RunState {
    const run = this.create(fields, false, sourceType);
    const at = new Date(run.createdAt).toISOString();
    for (const pr of pullRequests) {
      let id = this.prIdByUrl.get(pr.url);
      if (id === undefined) {
        id = this.nextPrId++;
        this.prIdByUrl.set(pr.url, id);
      }
      run.earlierPrs.push({ ...pr, id, createdIso: this.prCreatedByUrl.get(pr.url) ?? at });
    }
    return run;
  }

  /** Replaces a run's script from now on (the fake's `scriptRun`). */
  rescript(id: number, script: FakeRunScript): void {
    const run = this.runs.get(id);
    if (!run) throw new RangeError(`fake codegen: no run ${id}`);
    run.segmentStart = this.config.now();
    run.prs = undefined;
    run.script = resolveScript(script, run.segmentPrompt, script.durationMs ?? 0);
  }

  /** The API view of a run right now (what GET run returns). */
  view(run: RunState): Record<string, unknown> {
    const { status, final } = this.statusOf(run);
    if (final && run.prs === undefined) run.prs = this.settlePulls(run, status);
    return {
      id: run.id,
      organization_id: run.orgId,
      status,
      created_at: run.createdIso,
      web_url: `https://codegen.com/agent/trace/${run.id}`,
      result: final ? run.script.result : null,
      summary: final ? run.script.summary : null,
      source_type: run.sourceType,
      github_pull_requests: (final ? (run.prs ?? []) : []).map((pr) => ({
        id: pr.id,
        title: pr.title,
        url: pr.url,
        created_at: pr.createdIso,
        head_branch_name: pr.headBranchName,
      })),
      metadata: run.metadata,
    };
  }

  /**
   * The PRs of a segment that just ended: `prs` of its script, from the completion hook (a
   * linked fake GitHub) when it decides, else the PRs earlier segments reported (a resumed run
   * continues its PR), topped up with new ones on the run's repository.
   */
  private settlePulls(run: RunState, status: string): ReportedPull[] {
    const count = run.script.prs;
    if (count === 0) return [];
    const { timeScale, repos } = this.config;
    const repo = repos.find((r) => r.id === run.repoId) ?? repos[0];
    const endIso = new Date(run.segmentStart + run.script.durationMs * timeScale).toISOString();
    const decided = this.completion?.({
      id: run.id,
      status,
      prompt: run.segmentPrompt,
      metadata: run.metadata,
      repo: repo?.fullName ?? null,
      resumeCount: run.resumeCount,
      prCount: count,
      earlierPullRequests: run.earlierPrs.map(({ title, url, headBranchName }) => ({ title, url, headBranchName })),
    });
    const pulls: FakeRunPullRequest[] = decided ? [...decided] : run.earlierPrs.slice(0, count);
    for (let index = pulls.length; !decided && index < count; index++) {
      const number = this.nextPrId - 5000;
      const url = `https://github.com/${repo?.fullName ?? 'acme/app'}/pull/${number}`;
      this.prIdByUrl.set(url, this.nextPrId++);
      pulls.push({
        title: `Agent run ${run.id}${count > 1 ? ` (part ${index + 1})` : ''}`,
        url,
        headBranchName: `codegen-bot/run-${run.id}-${index + 1}`,
      });
    }
    return pulls.map((pr) => {
      let id = this.prIdByUrl.get(pr.url);
      if (id === undefined) {
        id = this.nextPrId++;
        this.prIdByUrl.set(pr.url, id);
      }
      const createdIso = this.prCreatedByUrl.get(pr.url) ?? endIso;
      this.prCreatedByUrl.set(pr.url, createdIso);
      return { ...pr, id, createdIso };
    });
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
    logs.push(entry(0, { message_type: 'USER_MESSAGE', observation: run.segmentPrompt }));
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
