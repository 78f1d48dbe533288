/**
 * Landing crash suite (issue 16): `pco run`'s landing pipeline in a child process, SIGKILLed at
 * seeded moments during reactions and merges (right after a review, a milestone, a merge or
 * update-branch step, a follow-up's intent, a run's record, a follow-up's outcome, in the middle
 * of a journal write) and resumed each time. The fakes live in this
 * process (linked: a follow-up resumes the agent's run, which pushes to its pull request), so
 * their records see every process: no follow-up run or resumed twice, no scripted reaction lost,
 * no pull request merged twice (no merge request on a merged one), every task landed exactly once.
 *
 * The backlog: #1 fails CI once, #2 (after #1) gets changes requested once, #3 and #4 change the
 * same file (the later one conflicts), #5 waits for #2 and #3, #6 for #5. Seeded (PCO_CRASH_SEED
 * overrides); about 15-30 s on two cores.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { readJournal } from '@pco/core';
import { seededRandom } from '@pco/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { JournalFaultPoint } from '../../../../core/src/journal/fault-injection.js';
import { firstRunOf, pullOf, REPO, startLanding, type LandingEnv } from '../../landing/landing-harness.js';
import { childCommand, runChild, type Kill, type Life } from './crash-process.js';

const SEED = Number(process.env.PCO_CRASH_SEED ?? 20261202);
const SPEED = 1000;
const CHILD = fileURLToPath(new URL('./landing-crash-child.ts', import.meta.url));
const id = (n: number) => `${REPO}#${n}`;
const TASKS = [1, 2, 3, 4, 5, 6].map(id);
/** [dependent, prerequisite] */
const EDGES: readonly [string, string][] = [
  [id(2), id(1)],
  [id(5), id(2)],
  [id(5), id(3)],
  [id(6), id(5)],
];

/**
 * The kills, in the order the work offers their moments (each at the first such moment of its
 * life, so the run does not finish before the schedule): first runs and reviews, then the
 * follow-ups and merges interleaved, then the rest; a torn write at a seeded moment among them.
 */
function killSchedule(random: () => number): Kill[] {
  const hook = (point: JournalFaultPoint, only?: string): Kill => ({ kind: 'hook', point, n: 1, ...(only ? { only } : {}) });
  // And kills at random moments (a timer in the parent), which may fall anywhere: inside a
  // create, a resume, a merge request, between a write and its answer.
  const timer = (): Kill => ({ kind: 'timer', afterMs: 250 + Math.floor(random() * 700) });
  // Timers early, while every kind of work is still ahead (a late one would find the run done).
  return [
    hook('after-review'),
    timer(),
    hook('after-intent', 'follow-up'),
    timer(),
    hook('after-step', 'merge:'),
    hook('before-created', 'first-run'),
    timer(),
    hook('after-follow-up'),
    hook('after-milestone'),
    timer(),
    hook('after-intent', 'follow-up'),
    hook('after-step', 'merge:'),
    hook('after-step', 'merge:'),
    hook('after-follow-up'),
    { kind: 'hook', point: 'mid-write', n: 3 + Math.floor(random() * 6) },
    hook('after-milestone'),
    hook('after-review'),
    hook('after-step', 'merge:'),
    hook('after-milestone'),
    hook('after-step'),
  ];
}

describe('landing crash suite: SIGKILL during reactions and merges, resume each time', () => {
  let env: LandingEnv;
  let command: string[];
  let dir: string;

  beforeAll(async () => {
    env = await startLanding({
      speed: SPEED,
      issues: [
        { number: 1, title: 'Add the cart API' },
        { number: 2, title: 'Add the checkout page', body: 'Depends on #1' },
        { number: 3, title: 'Log cart events' },
        { number: 4, title: 'Log checkout events' },
        { number: 5, title: 'Add the order summary', body: 'Depends on #2\n\nDepends on #3' },
        { number: 6, title: 'Add the receipt email', body: 'Depends on #5' },
      ],
      // pco's merge train merges: every merge is a request of the lander's.
      autoMergeAllowed: false,
      pulls: (taskId) => {
        if (taskId === id(1)) return { ci: ['failure', 'success'] };
        if (taskId === id(2)) return { ci: ['success'], reviews: ['changes', 'approve'] };
        if (taskId === id(3) || taskId === id(4)) return { ci: ['success'], files: ['src/logging.ts'] };
        return undefined;
      },
      runs: (_taskId, followUp) => ({ durationMs: followUp ? 60_000 : 120_000 }),
    });
    dir = await mkdtemp(join(tmpdir(), 'pco-landing-crash-'));
    command = await childCommand(CHILD, dir);
  });
  afterAll(async () => {
    await env?.close();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('no duplicated follow-up, no lost reaction, no pull request merged twice; every task landed once', async () => {
    const started = Date.now();
    const random = seededRandom(SEED);
    const configPath = join(dir, 'pco.yaml');
    await writeFile(configPath, env.configText);
    const childEnv = { PCO_LANDING_CONFIG: configPath, PCO_LANDING_DIR: env.dir, PCO_LANDING_SPEED: String(SPEED) };

    const lives: Life[] = [];
    for (const kill of killSchedule(random)) {
      const life = await runChild(command, childEnv, kill, 'PCO_LANDING_KILL_AT');
      lives.push(life);
      if (life.signal === 'SIGKILL') continue;
      // The run finished before this kill point came (the work ran out of such moments).
      expect(life.stderr).toBe('');
      break;
    }
    const last = lives.at(-1)!.signal === 'SIGKILL' ? await runChild(command, childEnv, undefined, 'PCO_LANDING_KILL_AT') : lives.pop()!;
    lives.push(last);
    expect(last.stderr).toBe('');
    const outcome = JSON.parse(last.stdout.trim().split('\n').at(-1)!) as { code: number; results: { id: string; state: string; landing?: string; error?: string }[] };

    // --- figures --------------------------------------------------------------------------------
    const killed = lives.filter((life) => life.signal === 'SIGKILL');
    const byPoint: Record<string, number> = {};
    for (const life of killed) {
      const name = life.kill?.kind === 'hook' ? `${life.kill.point}${life.kill.only ? `(${life.kill.only})` : ''}` : 'timer';
      byPoint[name] = (byPoint[name] ?? 0) + 1;
    }
    const { entries } = await readJournal(join(env.dir, 'journal.jsonl'));
    const followUpKeys = new Map<string, Set<string>>();
    const doneResults = new Map<string, number>();
    for (const entry of entries) {
      if (entry.type === 'follow-up') followUpKeys.set(entry.taskId, (followUpKeys.get(entry.taskId) ?? new Set()).add(`${entry.key}=${entry.outcome}`));
      if (entry.type === 'result' && entry.result.state === 'done') doneResults.set(entry.result.id, (doneResults.get(entry.result.id) ?? 0) + 1);
    }
    const keys = [...followUpKeys.values()].reduce((n, set) => n + set.size, 0);
    const followUpSegments = env.segments.filter((s) => s.followUp);
    const resumes = env.codegen.requests.filter((r) => r.operation === 'resumeRun' && r.status === 200);
    const merges = env.github.requests.filter((r) => r.operation === 'graphql mutation PcoLandMerge');
    console.log(
      `landing crash suite (seed ${SEED}): ${killed.length} SIGKILLs ${JSON.stringify(byPoint)}, ${lives.length} processes, ` +
        `${env.codegen.created.length} runs created, ${resumes.length} resumes, ${followUpSegments.length} follow-up runs for ${keys} follow-up keys, ` +
        `${env.link.pushes.length} pushes, ${merges.length} merge requests for ${env.link.opened.length} pull requests, ${((Date.now() - started) / 1000).toFixed(1)} s`,
    );

    // The kills happened, during reactions and merges too.
    expect(killed.length).toBeGreaterThanOrEqual(6);
    expect(Object.keys(byPoint).filter((p) => /after-step|follow-up/.test(p)).length).toBeGreaterThanOrEqual(2);

    // Every task landed exactly once: done in the end, one done result in the journal, one first
    // agent run, one pull request, merged.
    expect(outcome.code).toBe(0);
    expect(outcome.results.map((r) => [r.id, r.state, r.landing])).toEqual(TASKS.map((t) => [t, 'done', 'landed']));
    for (const task of TASKS) {
      expect(doneResults.get(task), `${task}: done results`).toBe(1);
      expect(env.codegen.created.filter((r) => r.metadata?.pco_task_id === task && r.metadata?.pco_follow_up_pr === undefined), `${task}: first runs`).toHaveLength(1);
    }
    expect(env.link.opened).toHaveLength(TASKS.length);

    // No lost reaction: each scripted one ended done (the CI fix, the review fix, one rebase).
    const keysOf = (task: string) => [...(followUpKeys.get(task) ?? [])];
    expect(keysOf(id(1))).toEqual([expect.stringMatching(/^checks-failed:[0-9a-f]{40}=done$/)]);
    expect(keysOf(id(2))).toEqual([expect.stringMatching(/^changes-requested:.+=done$/)]);
    expect([...keysOf(id(3)), ...keysOf(id(4))]).toEqual([expect.stringMatching(/^conflict:[0-9a-f]{40}:[0-9a-f]{40}=done$/)]);
    expect([5, 6].flatMap((n) => keysOf(id(n)))).toEqual([]);

    // What each follow-up segment was (shown when the counts below do not add up).
    if (followUpSegments.length !== keys) {
      console.log(followUpSegments.map((seg) => `${seg.taskId} run ${seg.runId}#${seg.resumeCount}: ${seg.prompt.split('\n')[0]}`).join('\n'));
      console.log(JSON.stringify([...followUpKeys].map(([task, set]) => [task, [...set]])));
      for (const e of entries) if ('taskId' in e && e.taskId === id(1)) console.log(JSON.stringify({ ...e, result: undefined, pullRequests: undefined }).slice(0, 300));
      for (const life of lives) console.log(JSON.stringify(life.kill), life.signal, life.stderr.slice(0, 300));
    }
    // No duplicated follow-up: one resume, one agent segment and one push per follow-up key.
    expect(keys).toBe(3);
    expect(resumes).toHaveLength(3);
    expect(followUpSegments).toHaveLength(3);
    expect(env.link.pushes).toHaveLength(3);
    expect(env.codegen.created.filter((r) => r.metadata?.pco_follow_up_pr !== undefined)).toEqual([]);

    // No pull request merged twice: each merged, by one merge request carrying its merged head
    // (a request on a merged pull request would carry it too).
    for (const task of TASKS) {
      const pr = env.github.pulls.get(REPO, pullOf(env, task)!.number);
      expect(pr.merged, task).toBe(true);
      const onHead = merges.filter((m) => {
        const variables = (m.body as { variables: { id: string; head: string } }).variables;
        return variables.id === pr.nodeId && variables.head === pr.headSha;
      });
      expect(onHead, `${task}: merge requests on its merged head`).toHaveLength(1);
    }

    // Dependencies held across the crashes: no dependent's agent run before its prerequisite merged.
    for (const [dependent, prerequisite] of EDGES) {
      const nodeId = env.github.pulls.get(REPO, pullOf(env, prerequisite)!.number).nodeId;
      const merged = merges.filter((m) => (m.body as { variables: { id: string } }).variables.id === nodeId).at(-1)!.at;
      expect(firstRunOf(env.codegen, dependent)!.at, `${dependent} after ${prerequisite} merged`).toBeGreaterThanOrEqual(merged);
    }
  }, 120_000);
});

/**
 * A follow-up resumes the run that opened its PR; a resume leaves no metadata to look it up by.
 * So CodegenExecutor journals the run and where its log ends BEFORE sending the resume (the
 * first checkpoint of the follow-up), and the run again once resumed (the second). A kill before
 * the first is durable: nothing was sent, the next process resumes. A kill after it but before
 * the resume was sent: the run's log has not grown past the journaled end, so the next process
 * resumes (no lost reaction). A kill before the second: the resume was accepted, and its run may
 * have finished before the restart; its log grew, so the next process re-attaches instead of
 * resuming again (no duplicate).
 */
describe('landing crash: a follow-up killed between its resume and its record', () => {
  it.each([
    { point: 'before-created', n: 1, when: 'before the resume was journaled' },
    { point: 'after-created', n: 1, when: 'after the resume was journaled, before it was sent' },
    { point: 'before-created', n: 2, when: 'after the resume was accepted, its run finishing before the restart' },
  ] as const)('is resumed once when killed $point $n ($when)', async ({ point, n }) => {
    const env = await startLanding({
      speed: SPEED,
      issues: [{ number: 1, title: 'Add the cart API' }],
      pulls: () => ({ ci: ['failure', 'success'] }),
      runs: (_taskId, followUp) => ({ durationMs: followUp ? 60_000 : 120_000 }),
    });
    const dir = await mkdtemp(join(tmpdir(), 'pco-landing-crash-'));
    try {
      const command = await childCommand(CHILD, dir);
      const configPath = join(dir, 'pco.yaml');
      await writeFile(configPath, env.configText);
      const childEnv = { PCO_LANDING_CONFIG: configPath, PCO_LANDING_DIR: env.dir, PCO_LANDING_SPEED: String(SPEED) };
      const killed = await runChild(command, childEnv, { kind: 'hook', point, n, only: 'follow-up' }, 'PCO_LANDING_KILL_AT');
      expect(killed.signal).toBe('SIGKILL');
      const last = await runChild(command, childEnv, undefined, 'PCO_LANDING_KILL_AT');
      expect(last.code).toBe(0);
      expect(env.github.pulls.get(REPO, pullOf(env, id(1))!.number).merged).toBe(true);
      expect(env.codegen.requests.filter((r) => r.operation === 'resumeRun' && r.status === 200)).toHaveLength(1);
      expect(env.link.pushes).toHaveLength(1);
    } finally {
      await env.close();
      await rm(dir, { recursive: true, force: true });
    }
  }, 60_000);
});
