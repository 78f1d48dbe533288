/**
 * The figures of one run, from the fakes' own request logs and the runner's report. Times are
 * API time: real ms / timeScale (reported in API seconds).
 */
import { REPO } from './generate.mjs';

/** The fake Codegen's read operations a runner sends: a run, a page of runs, users/me. */
const READ_OPERATIONS = new Set(['getRun', 'listRuns', 'getCurrentUser']);

export function percentile(values, p) {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))];
}

const round = (x, digits = 2) => (x === null || x === undefined || !Number.isFinite(x) ? null : Number(x.toFixed(digits)));

function bodyOf(record) {
  if (typeof record.body === 'string') {
    try {
      return JSON.parse(record.body);
    } catch {
      return undefined;
    }
  }
  return record.body;
}

/**
 * @param {object} env the fakes (fakes.mjs)
 * @param {object} backlog the generated backlog (generate.mjs)
 * @param {object} report the runner's last stdout line (runner-common.mjs `finish`)
 */
export function computeFigures(env, backlog, report) {
  const ts = env.timeScale;
  const apiS = (realMs) => (realMs === null || realMs === undefined ? null : realMs / ts / 1000);
  const created = env.codegen.created;
  const firstCreate = created.length > 0 ? created[0].at : null;

  // The completion of each task's last run (the one whose outcome counted), on the fake's clock.
  const completion = new Map();
  for (const c of created) {
    const s = env.scripted.get(c.id);
    if (s) completion.set(s.task, c.at + s.durationMs * ts);
  }
  const doneAt = Object.entries(report.done ?? {}).map(([n, at]) => [Number(n), at]);
  const endedAt = [...doneAt, ...Object.entries(report.failed ?? {}).map(([n, at]) => [Number(n), at])];
  const lastEnd = endedAt.length > 0 ? Math.max(...endedAt.map(([, at]) => at)) : null;
  const detection = endedAt.filter(([n]) => completion.has(n)).map(([n, at]) => at - completion.get(n));

  // Write-back: done → the result comment and the `status:done` label both answered by the fake.
  const requests = env.github.requests;
  const commentAt = new Map();
  const labelAt = new Map();
  const prefix = `/repos/${REPO}/issues/`;
  for (const r of requests) {
    if (r.method !== 'POST' || !r.path.startsWith(prefix) || r.status >= 300) continue;
    const [num, what] = r.path.slice(prefix.length).split('/');
    const n = Number(num);
    if (what === 'comments' && !commentAt.has(n)) commentAt.set(n, r.at);
    if (what === 'labels' && !labelAt.has(n) && (bodyOf(r)?.labels ?? []).some((l) => (typeof l === 'string' ? l : l?.name) === 'status:done')) labelAt.set(n, r.at);
  }
  const writeBack = [];
  let writeBackMissing = 0;
  for (const [n, at] of doneAt) {
    const c = commentAt.get(n);
    const l = labelAt.get(n);
    if (c === undefined || l === undefined) writeBackMissing++;
    else writeBack.push(Math.max(c, l) - at);
  }

  // Requests.
  const stats = env.codegen.stats();
  const reads = env.codegen.requests.filter((r) => READ_OPERATIONS.has(r.operation));
  const creates = env.codegen.requests.filter((r) => r.operation === 'createRun');
  const graphql = requests.filter((r) => r.route === 'POST /graphql');
  const rest = requests.length - graphql.length;
  // GitHub's secondary limits (fakes.mjs) mark their refusals; the rest of the 403/429s are the
  // primary limit (or, for a 403, a permission refusal, which the runners do not meet).
  const secondaryKinds = {};
  for (const r of requests) if (r.secondaryLimit) secondaryKinds[r.secondaryLimit] = (secondaryKinds[r.secondaryLimit] ?? 0) + 1;
  const ghSecondary = Object.values(secondaryKinds).reduce((a, b) => a + b, 0);
  const ghLimited = requests.filter((r) => (r.status === 429 || r.status === 403) && !r.secondaryLimit).length;
  const loadRequests = firstCreate === null ? requests.length : requests.filter((r) => r.at <= firstCreate && (r.method === 'GET' || (r.route === 'POST /graphql' && !/^mutation/.test(r.operation ?? '')))).length;

  // Poll ticks, exactly: the runner counts its ticks and the reads each sent (pco: the RunWatcher's
  // `tick` events; tick: its 30 s loop); every other Codegen read the fake answered was sent
  // outside a tick (pco: lookups after a create of unknown outcome, and the client's retries of a
  // read answered 5xx). seed-design has no ticks (a 2 s loop per run): null.
  const ev = report.events ?? {};
  const hasTicks = typeof ev.tickReads === 'number';
  const readsByOperation = {};
  for (const r of reads) readsByOperation[r.operation] = (readsByOperation[r.operation] ?? 0) + 1;
  // By operation, where the runner says which reads its ticks sent (pco: list → listRuns, get →
  // getRun, user → getCurrentUser; a `user` tick answered from the client's cache sent none).
  const byMode = ev.tickReadsByMode;
  const outsideByOperation = byMode
    ? {
        getRun: (readsByOperation.getRun ?? 0) - byMode.get,
        listRuns: (readsByOperation.listRuns ?? 0) - byMode.list,
        getCurrentUser: (readsByOperation.getCurrentUser ?? 0) - byMode.user,
      }
    : null;
  const refusedReads = reads.filter((r) => r.status === 'dropped' || r.status >= 300).length;
  // A window figure, not a tick figure: the most reads in any 2 s of API time (pco's shortest poll
  // interval). Two ticks 2 s apart land in one window whenever real-time jitter shortens the gap.
  let readsPer2sMax = 0;
  for (let i = 0, j = 0; i < reads.length; i++) {
    while (reads[i].at - reads[j].at >= 2000 * ts) j++;
    readsPer2sMax = Math.max(readsPer2sMax, i - j + 1);
  }

  // Writes against GitHub's secondary limits: writes closer than 1 s of API time (GitHub's
  // guidance), and the comments the fake accepted in any 60 s window (GitHub allows 80
  // content-creating requests a minute; a refused one created nothing).
  const writes = requests.filter((r) => (r.route === 'POST /graphql' ? /^mutation/.test(r.operation ?? '') : r.method !== 'GET'));
  let closeWrites = 0;
  let minWriteGap = Number.POSITIVE_INFINITY;
  for (let i = 1; i < writes.length; i++) {
    const gap = writes[i].at - writes[i - 1].at;
    if (gap < 990 * ts) closeWrites++;
    minWriteGap = Math.min(minWriteGap, gap);
  }
  const comments = writes.filter((r) => r.method === 'POST' && r.path.endsWith('/comments') && r.status < 300).map((r) => r.at);
  let commentsPerMinute = 0;
  for (let i = 0, j = 0; i < comments.length; i++) {
    while (comments[i] - comments[j] >= 60_000 * ts) j++;
    commentsPerMinute = Math.max(commentsPerMinute, i - j + 1);
  }

  const tasks = backlog.n;
  const makespan = firstCreate !== null && lastEnd !== null ? apiS(lastEnd - firstCreate) : null;
  const lb = backlog.bounds.lbMs / 1000;
  return {
    tasks,
    done: doneAt.length,
    failed: Object.keys(report.failed ?? {}).length,
    expectedDone: backlog.bounds.runnable - backlog.bounds.failing,
    makespanS: round(makespan, 0),
    lbS: round(lb, 0),
    makespanOverLb: round(makespan === null ? null : makespan / lb, 3),
    firstCreateS: round(apiS(firstCreate === null ? null : firstCreate - report.processStart), 1),
    firstCreateRealMs: round(firstCreate === null ? null : firstCreate - report.processStart, 0),
    detectP50S: round(apiS(percentile(detection, 50)), 1),
    detectP95S: round(apiS(percentile(detection, 95)), 1),
    writeBackP50S: round(apiS(percentile(writeBack, 50)), 1),
    writeBackP95S: round(apiS(percentile(writeBack, 95)), 1),
    writeBackMissing,
    codegenReadsPerTask: round(reads.length / tasks),
    codegenCreatesPerTask: round(creates.length / tasks),
    runsCreated: created.length,
    codegenReads: reads.length,
    codegenReadsByOperation: readsByOperation,
    codegenReadsRefused: refusedReads,
    codegenTicks: hasTicks ? ev.ticks : null,
    codegenReadsPerTickMax: hasTicks ? ev.maxReadsPerTick : null,
    codegenRunsPerTickMax: hasTicks ? ev.maxRunsPerTick : null,
    codegenReadsOutsideTicks: hasTicks ? reads.length - ev.tickReads : null,
    codegenReadsOutsideTicksByOperation: outsideByOperation,
    readsPer2sMax,
    githubRestPerTask: round(rest / tasks),
    githubGraphqlPerTask: round(graphql.length / tasks),
    // Points as the fake charges them (GitHub's formula: the connections' requests / 100, at least 1; a mutation 1).
    githubGraphqlPoints: graphql.reduce((sum, r) => sum + (r.points ?? 0), 0),
    githubGraphqlPointsPerTask: round(graphql.reduce((sum, r) => sum + (r.points ?? 0), 0) / tasks),
    githubLoadRequests: loadRequests,
    codegen429: stats.rateLimited,
    codegen5xx: stats.serverErrors,
    github429or403: ghLimited,
    githubSecondaryLimited: ghSecondary,
    githubSecondaryKinds: secondaryKinds,
    githubSecondaryLimits: env.githubSecondary ?? null,
    githubWritesUnder1s: closeWrites,
    // How close: a client that spaces its writes 1 s apart when it sends them still shows gaps
    // below 1 s here, by the real milliseconds between its send and the fake's receipt.
    githubWriteGapMinS: round(apiS(Number.isFinite(minWriteGap) ? minWriteGap : null), 2),
    githubCommentsMaxPerMinute: commentsPerMinute,
    cpuMsPerTask: round(report.cpuMs / tasks, 1),
    peakRssMb: round(report.maxRssMb, 0),
  };
}
