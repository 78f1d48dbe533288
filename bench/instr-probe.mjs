const marks = []; let t0;
globalThis.__m = (l) => { if (marks.length < 40) marks.push([l, performance.now()]); };
const { Orchestrator } = await import('../packages/core/dist/instr.js');
const { loadDag } = await import('/work/main/bench/.work/harness/dag.mjs');
const dag = loadDag(`/work/main/bench/.work/harness/dags/seedplan.json`);
const tasks = dag.tasks.map((t, i) => ({ id: t.id, title: t.id, dependencies: t.deps, estimate: dag.ms[i], source: { index: i } }));
const DONE = Object.freeze({ status: 'done' });
let first;
t0 = performance.now();
const orc = new Orchestrator({ source: { load: async () => tasks }, executor: { execute: () => { first ??= performance.now(); return new Promise((r) => setImmediate(() => r(DONE))); } }, concurrency: 10 });
await orc.run();
const seen = new Set(); let prev = t0; const out = [];
for (const [l, t] of marks) { if (seen.has(l) && l !== 'pre-exec') continue; seen.add(l); out.push(`${l} ${(t - prev).toFixed(3)}`); prev = t; if (l === 'pre-exec') break; }
out.push(`first ${(first - t0).toFixed(3)}`);
console.log(out.join(' | '));
