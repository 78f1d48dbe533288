/**
 * Prints a markdown table of medians over seeds, one row per runner × size × shape, from one or
 * more JSON-lines files of bench.mjs (default: the newest in bench/backlog/results/), then pco's
 * runners against issue 15's bars.
 *
 *   node bench/backlog/summarize.mjs [results.jsonl ...]
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
let files = process.argv.slice(2);
if (files.length === 0) {
  const dir = path.join(here, 'results');
  const newest = readdirSync(dir)
    .filter((f) => f.endsWith('.jsonl'))
    .sort()
    .pop();
  if (!newest) throw new Error(`no results in ${dir}: run bench/backlog/run.sh first`);
  files = [path.join(dir, newest)];
}
const lines = files.flatMap((f) =>
  readFileSync(f, 'utf8')
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => JSON.parse(l)),
);

const median = (values) => {
  const v = values.filter((x) => typeof x === 'number' && Number.isFinite(x)).sort((a, b) => a - b);
  if (v.length === 0) return null;
  const mid = Math.floor(v.length / 2);
  return v.length % 2 === 1 ? v[mid] : (v[mid - 1] + v[mid]) / 2;
};
const max = (values) => {
  const v = values.filter((x) => typeof x === 'number');
  return v.length === 0 ? null : Math.max(...v);
};

const COLUMNS = [
  ['makespan/LB', 'makespanOverLb', median, 3],
  ['LB h', (r) => (r.lbS === null ? null : r.lbS / 3600), median],
  ['1st create ms', 'firstCreateRealMs', median],
  ['detect p50/p95 s', ['detectP50S', 'detectP95S'], median],
  ['write-back p50/p95 s', ['writeBackP50S', 'writeBackP95S'], median],
  ['CG reads/task', 'codegenReadsPerTask', median],
  ['CG creates/task', 'codegenCreatesPerTask', median],
  ['CG reads/tick (max)', 'codegenReadsPerTickMax', max],
  ['CG reads outside ticks', 'codegenReadsOutsideTicks', median],
  ['CG reads in a 2 s window (max)', 'readsPer2sMax', max],
  ['GH REST/task', 'githubRestPerTask', median],
  ['GH GraphQL/task', 'githubGraphqlPerTask', median],
  ['GH GraphQL pts/task', 'githubGraphqlPointsPerTask', median],
  ['GH load reqs', 'githubLoadRequests', median],
  ['429 CG/GH/GH secondary (max)', ['codegen429', 'github429or403', 'githubSecondaryLimited'], max],
  ['GH writes <1 s', 'githubWritesUnder1s', median],
  ['CPU ms/task', 'cpuMsPerTask', median],
  ['RSS MB', 'peakRssMb', median],
  ['done/expected', ['done', 'expectedDone'], median],
];

const groups = new Map();
for (const r of lines) {
  const key = `${r.runner}|${r.n}|${r.shape}`;
  if (!groups.has(key)) groups.set(key, []);
  groups.get(key).push(r);
}
const fmt = (x, digits) => (x === null ? '–' : digits !== undefined ? x.toFixed(digits) : Number.isInteger(x) ? String(x) : x >= 100 ? x.toFixed(0) : x >= 10 ? x.toFixed(1) : x.toFixed(2));
const pick = (rows, field) => rows.map((r) => (typeof field === 'function' ? field(r) : r[field]));

console.log(`| runner | n | shape | seeds | ${COLUMNS.map(([h]) => h).join(' | ')} |`);
console.log(`| --- | --: | --- | --: | ${COLUMNS.map(() => '--:').join(' | ')} |`);
const order = ['pco', 'pco-cli', 'pco-board-some', 'pco-board', 'seed-design', 'tick'];
const sorted = [...groups.entries()].sort(([a], [b]) => {
  const [ra, na, sa] = a.split('|');
  const [rb, nb, sb] = b.split('|');
  return Number(na) - Number(nb) || sa.localeCompare(sb) || order.indexOf(ra) - order.indexOf(rb);
});
for (const [key, rows] of sorted) {
  const [runner, n, shape] = key.split('|');
  const ok = rows.filter((r) => !r.error);
  const cells = COLUMNS.map(([, field, agg, digits]) => (Array.isArray(field) ? field.map((f) => fmt(agg(pick(ok, f)), digits)).join(' / ') : fmt(agg(pick(ok, field)), digits)));
  const failedRuns = rows.length - ok.length;
  console.log(`| ${runner} | ${n} | ${shape} | ${ok.length}${failedRuns ? ` (+${failedRuns} failed)` : ''} | ${cells.join(' | ')} |`);
}

// Issue 15's bars, for pco's runners (pco, pco-cli: no estimates; pco-board-some: a third of the
// items with an estimate, held to the bar of estimates; pco-board: every estimate).
// Latencies are judged only on runs at a time scale of 1/100 or slower (the latency pass of
// run.sh): faster, a real millisecond of request handling weighs a second of API time or more.
const LATENCY_SCALE = 0.01;
const pcoGroups = sorted.filter(([key]) => key.startsWith('pco'));
if (pcoGroups.length > 0) {
  const bars = [];
  const bar = (name, rows, check) => {
    if (rows.length === 0) return;
    const misses = rows.filter(([, r]) => !check(r));
    bars.push(`- ${misses.length === 0 ? 'met' : '**not met**'}: ${name} (${rows.length - misses.length} of ${rows.length} rows${misses.length ? `; not: ${misses.map(([k]) => k.replaceAll('|', ' ')).join(', ')}` : ''})`);
  };
  const rowsOf = (filter) =>
    pcoGroups.flatMap(([key, rows]) => {
      const ok = rows.filter((r) => !r.error && filter(r));
      return ok.length === 0 ? [] : [[key, ok]];
    });
  const med = (rows, f) => median(pick(rows, f));
  bar('makespan / LB ≤ 1.03 with estimates, all or some (median)', rowsOf((r) => r.estimates !== 'none'), (rows) => med(rows, 'makespanOverLb') <= 1.03);
  bar('makespan / LB ≤ 1.10 without (median)', rowsOf((r) => r.estimates === 'none'), (rows) => med(rows, 'makespanOverLb') <= 1.1);
  bar('0 responses 429 or secondary-limit (every run)', rowsOf(() => true), (rows) => rows.every((r) => r.codegen429 === 0 && r.github429or403 === 0 && (r.githubSecondaryLimited ?? 0) === 0));
  bar('≤ 1 Codegen read per poll tick (every run that reports its ticks)', rowsOf((r) => typeof r.codegenReadsPerTickMax === 'number'), (rows) => rows.every((r) => r.codegenReadsPerTickMax <= 1));
  bar('1,000 issues loaded in ≤ 15 GitHub requests', rowsOf((r) => r.n >= 1000), (rows) => rows.every((r) => r.githubLoadRequests <= 15));
  bar(`detection p95 ≤ 2 s of API time (median; runs at ≥ 1/${1 / LATENCY_SCALE})`, rowsOf((r) => r.timeScale >= LATENCY_SCALE), (rows) => med(rows, 'detectP95S') <= 2);
  bar(`write-back p95 ≤ 60 s of API time (median; runs at ≥ 1/${1 / LATENCY_SCALE})`, rowsOf((r) => r.timeScale >= LATENCY_SCALE), (rows) => med(rows, 'writeBackP95S') <= 60);
  bar('every task that can be done is done (every run)', rowsOf(() => true), (rows) => rows.every((r) => r.done === r.expectedDone && r.writeBackMissing === 0));
  console.log(`\nIssue 15's bars (pco's runners in these results):\n${bars.join('\n')}`);
}
