/**
 * Child process of the scale-out SIGKILL suite: one pco process (see `startNode`) from the JSON
 * config in PCO_SCALE_OUT_NODE; resumes its journal, prints one JSON line with its results when
 * the run ends, then exits.
 */
import { startNode, type NodeConfig } from './scale-out-node.js';

const text = process.env.PCO_SCALE_OUT_NODE;
if (text === undefined) throw new Error('PCO_SCALE_OUT_NODE is not set');
const node = await startNode(JSON.parse(text) as NodeConfig);
const summary = await node.run;
process.stdout.write(`${JSON.stringify({ counts: summary.counts, results: summary.results.map((r) => ({ id: r.id, state: r.state, runId: r.runId })), retries: node.retries })}\n`);
await node.close();
process.exit(0);
