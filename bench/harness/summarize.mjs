#!/usr/bin/env node
// Adapted from the project's shared bench harness (shared/bench/summarize.mjs, 2026-11-25): unchanged.
// Turns run.sh's raw records into markdown tables.
//
//   node summarize.mjs timed RESULTS_DIR   (reads timed.tsv + bounds.jsonl)
//   node summarize.mjs huge  RESULTS_DIR   (reads huge.tsv)
//
// timed.tsv: runner \t shape \t rep \t exit code \t JSON line
// huge.tsv:  runner \t rep \t exit code \t wall s \t max RSS KB \t JSON line
import { readFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';

const [mode, dir] = process.argv.slice(2);
const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};
const fmt = (x, d = 3) => (x === null || x === undefined || Number.isNaN(x) ? '-' : x.toFixed(d));
const uniq = (xs) => [...new Set(xs)];
const readTsv = (f) => readFileSync(f, 'utf8').split('\n').filter(Boolean).map((l) => l.split('\t'));
const parse = (s) => { try { return JSON.parse(s); } catch { return null; } };
const table = (head, rows) => [
  `| ${head.join(' | ')} |`,
  `|${head.map((_, i) => (i === 0 ? ' --- ' : ' ---: ')).join('|')}|`,
  ...rows.map((r) => `| ${r.join(' | ')} |`),
].join('\n');

if (mode === 'timed') {
  const recs = readTsv(join(dir, 'timed.tsv')).map(([runner, shape, rep, rc, json]) => ({ runner, shape, rep, rc: Number(rc), res: parse(json) }));
  const bounds = readFileSync(join(dir, 'bounds.jsonl'), 'utf8').split('\n').filter(Boolean).map(JSON.parse);
  const shapes = uniq(recs.map((r) => r.shape));
  const runners = uniq(recs.map((r) => r.runner));
  const warnings = [];
  const B = (shape) => bounds.find((b) => b.shape === shape) ?? {};
  const n = bounds[0]?.n;
  // The ratio is recomputed against bound.mjs's LB, so a runner cannot grade itself; its own
  // lb_ms / shape / self-check fields are cross-checked and any disagreement is a warning.
  const cell = (runner, shape) => {
    const rs = recs.filter((r) => r.runner === runner && r.shape === shape);
    const lb = B(shape).lb_ms;
    const ok = rs.filter((r) => r.rc === 0 && r.res && typeof r.res.makespan_ms === 'number');
    for (const r of rs) {
      const tag = `${runner} on ${shape} rep ${r.rep}`;
      if (!ok.includes(r)) { warnings.push(`${tag}: exit ${r.rc}, result ${r.res ? JSON.stringify(r.res) : 'missing'}`); continue; }
      const ratio = r.res.makespan_ms / lb;
      if (ratio < 0.97) warnings.push(`${tag}: makespan ${r.res.makespan_ms} ms is ${ratio.toFixed(3)} x LB (< 0.97: faster than possible?)`);
      if (r.res.shape !== shape) warnings.push(`${tag}: runner reports shape ${JSON.stringify(r.res.shape)}`);
      if (typeof r.res.lb_ms === 'number' && Math.abs(r.res.lb_ms - lb) > 0.005 * lb) warnings.push(`${tag}: runner's lb_ms ${r.res.lb_ms} != bound.mjs ${lb}`);
      if (r.res.order_violations === undefined || r.res.ran_once === undefined) warnings.push(`${runner}: reports no self-check (tasks / ran_once / order_violations)`);
      else if (r.res.order_violations !== 0 || r.res.ran_once !== r.res.tasks) warnings.push(`${tag}: self-check failed ${JSON.stringify(r.res)}`);
      if (r.res.max_concurrency === undefined) warnings.push(`${runner}: reports no max_concurrency`);
      else if (r.res.max_concurrency > r.res.n || r.res.n !== n) warnings.push(`${tag}: ran ${r.res.max_concurrency} tasks at once with n = ${r.res.n} (asked for ${n})`);
    }
    return { rs, ok, ratios: ok.map((r) => r.res.makespan_ms / lb), ms: ok.map((r) => r.res.makespan_ms) };
  };
  const reps = uniq(recs.map((r) => r.rep)).length;

  console.log(`Median of ${reps} runs of makespan / LB (1.000 = optimal; lower is better), LB from bound.mjs. N = ${n}.\n`);
  const rows = runners.map((rn) => [rn, ...shapes.map((s) => {
    const c = cell(rn, s);
    const bad = c.rs.length - c.ok.length;
    return c.ok.length ? fmt(median(c.ratios)) + (bad ? ` (${bad} failed)` : '') : `FAIL (${bad})`;
  })]);
  rows.push(['*ideal list scheduler, critical-path priority (bound.mjs)*', ...shapes.map((s) => fmt(B(s).list_cp_ratio))]);
  rows.push(['*ideal list scheduler, FIFO (bound.mjs)*', ...shapes.map((s) => fmt(B(s).list_fifo_ratio))]);
  rows.push(['*ideal wave barriers (bound.mjs)*', ...shapes.map((s) => fmt(B(s).waves_ratio))]);
  console.log(table(['runner', ...shapes], rows));

  console.log('\nLower bound per shape (ms): LB = max(critical path, total work / N).\n');
  console.log(table(['', ...shapes], [
    ['critical path', ...shapes.map((s) => fmt(B(s).cp_ms, 1))],
    ['total work / N', ...shapes.map((s) => fmt(B(s).work_over_n_ms, 1))],
    ['**LB**', ...shapes.map((s) => fmt(B(s).lb_ms, 1))],
  ]));

  console.log('\nSpread: min - max ratio over the runs.\n');
  console.log(table(['runner', ...shapes], runners.map((rn) => [rn, ...shapes.map((s) => {
    const c = cell(rn, s);
    return c.ok.length ? `${fmt(Math.min(...c.ratios))} - ${fmt(Math.max(...c.ratios))}` : '-';
  })])));

  console.log('\nMedian makespan (ms).\n');
  console.log(table(['runner', ...shapes], runners.map((rn) => [rn, ...shapes.map((s) => {
    const c = cell(rn, s);
    return c.ok.length ? fmt(median(c.ms), 1) : '-';
  })])));

  const uw = uniq(warnings);
  console.log(uw.length ? `\nWARNINGS:\n${uw.map((w) => `- ${w}`).join('\n')}` : '\nAll runs exited 0, ran every task exactly once, respected every dependency, never ran more than N at once; no ratio below 0.97.');
} else if (mode === 'huge') {
  const f = join(dir, 'huge.tsv');
  if (!existsSync(f)) process.exit(0);
  const recs = readTsv(f).map(([runner, rep, rc, wall, rssKb, json]) => ({ runner, rep, rc: Number(rc), wall: Number(wall), rssKb: Number(rssKb), res: parse(json) }));
  const runners = uniq(recs.map((r) => r.runner));
  const rows = runners.map((rn) => {
    const rs = recs.filter((r) => r.runner === rn);
    const ok = rs.filter((r) => r.rc === 0 && r.res);
    const timeouts = rs.filter((r) => r.rc === 124 || r.rc === 137).length;
    const other = rs.length - ok.length - timeouts;
    const status = [ok.length && `${ok.length} ok`, timeouts && `${timeouts} TIMEOUT`, other && `${other} failed`].filter(Boolean).join(', ');
    const m = (xs) => (xs.length ? median(xs) : null);
    if (!ok.length && timeouts) { // killed at the cap: say so, with what it had reached by then
      const t = rs.find((r) => r.rc === 124 || r.rc === 137);
      return [rn, status, `> ${fmt(t.wall * 1000, 0)} (timeout)`, `> ${fmt(t.wall, 2)} (timeout)`, `>= ${fmt(t.rssKb / 1024, 1)} at kill`, '-'];
    }
    return [rn, status,
      fmt(m(ok.map((r) => r.res.makespan_ms)), 0),
      fmt(m(ok.map((r) => r.wall)), 2),
      fmt(m(ok.map((r) => r.rssKb / 1024)), 1),
      fmt(m(ok.map((r) => r.res.peak_rss_mb)), 1)];
  });
  console.log(table(['runner', 'runs', 'scheduling time, ms (in-process)', 'process wall, s', 'peak RSS, MB (/usr/bin/time)', 'peak RSS, MB (in-process)'], rows));
} else {
  console.error('usage: node summarize.mjs timed|huge RESULTS_DIR');
  process.exit(2);
}
