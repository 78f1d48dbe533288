/**
 * Prints a markdown table of medians over seeds, one row per runner × size × shape, from one or
 * more JSON-lines files of bench.mjs (default: the newest in bench/backlog/results/).
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
const order = ['pco', 'pco-board', 'seed-design', 'tick'];
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
