#!/usr/bin/env node
// `npm run demo`: `pco demo` from the built CLI (fake GitHub + fake Codegen started in-process,
// the whole pipeline, sped up; no tokens, no network). Builds the packages first when a build
// is missing. Extra arguments are passed on: `npm run demo -- --json`, `npm run demo -- --speed 60`,
// `npm run demo -- --ui` (the web view on 127.0.0.1:4545).
import { spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import path from 'node:path';

const root = fileURLToPath(new URL('..', import.meta.url));
const packages = ['contract', 'graph', 'pool', 'codegen-client', 'github-source', 'testkit', 'core', 'cli'];
const cli = path.join(root, 'packages/cli/dist/cli.js');
const missing = packages.filter((name) => !existsSync(path.join(root, 'packages', name, 'dist/index.js')));
// The web view's page (`--ui`) is built by the CLI's build too.
const page = path.join(root, 'packages/cli/dist/web/index.html');
if (missing.length > 0 || !existsSync(cli) || !existsSync(page)) {
  console.error(`Building the packages first (missing: ${missing.length > 0 ? missing.join(', ') : !existsSync(cli) ? 'cli/dist/cli.js' : 'cli/dist/web'})…`);
  const build = spawnSync('npm', ['run', 'build'], { cwd: root, stdio: 'inherit' });
  if (build.status !== 0) process.exit(build.status ?? 1);
}
const child = spawn(process.execPath, [cli, 'demo', ...process.argv.slice(2)], { cwd: root, stdio: 'inherit' });
// Ctrl-C reaches the whole process group: the demo handles it (first: stop and report; second:
// exit now), so this wrapper must not die first. SIGTERM is sent to one process: pass it on.
process.on('SIGINT', () => {});
process.on('SIGTERM', () => child.kill('SIGTERM'));
child.on('exit', (code, signal) => process.exit(code ?? (signal ? 128 + 2 : 1)));
