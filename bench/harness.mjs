// Where the shared bench harness lives: $PCO_BENCH_HARNESS, else ../../shared/bench next to the
// repository (where CI and the sessions have it). Its dag.mjs supplies the runner plumbing.
import { dirname, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

export function harnessDir() {
  return process.env.PCO_BENCH_HARNESS ?? resolve(dirname(fileURLToPath(import.meta.url)), '../../shared/bench');
}

export async function harness() {
  return import(pathToFileURL(resolve(harnessDir(), 'dag.mjs')).href);
}
