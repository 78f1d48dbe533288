#!/usr/bin/env node
// `npm run demo`. Until the `pco demo` command lands (fake GitHub + fake Codegen, the whole
// pipeline), this runs the @pco/graph planning example from source.
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const result = spawnSync(
  process.execPath,
  ['--conditions=@pco/source', '--import', 'tsx', 'examples/graph/plan-backlog.ts'],
  { cwd: root, stdio: 'inherit' },
);
process.exit(result.status ?? 1);
