#!/usr/bin/env node
// `npm run check:packages`: every package as a consumer gets it. Packs each workspace package
// (after `npm run build`), lints the tarball with publint and @arethetypeswrong/cli, checks that
// no tarball ships source maps or a second bundle, then installs @pco/core alone from the
// tarballs into an empty folder with engine-strict on (so an engine this Node cannot run fails
// the install) and checks what it brings: size, no CLI or fake-server dependencies, ESM and CJS
// entry points that load. Exits 1 on any finding. Used by .ci/run.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const workspaces = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')).workspaces;
const out = mkdtempSync(path.join(tmpdir(), 'pco-packs-'));
const problems = [];
const run = (cmd, args, options = {}) => execFileSync(cmd, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], ...options });
/** Packages ESM-only by design: attw's CommonJS checks do not apply to them. */
const ESM_ONLY = new Set();

const tarballs = {};
for (const dir of workspaces) {
  const pkgDir = path.join(root, dir);
  const pkg = JSON.parse(readFileSync(path.join(pkgDir, 'package.json'), 'utf8'));
  const [packed] = JSON.parse(run('npm', ['pack', '--json', '--pack-destination', out], { cwd: pkgDir }));
  const tarball = path.join(out, packed.filename);
  tarballs[pkg.name] = tarball;
  const files = packed.files.map((file) => file.path);
  const maps = files.filter((file) => file.endsWith('.map'));
  if (maps.length > 0) problems.push(`${pkg.name}: ships source maps (${maps.join(', ')})`);
  if (!files.includes('README.md')) problems.push(`${pkg.name}: no README.md in the tarball`);
  const isEsmOnly = pkg.exports?.['.'] && !JSON.stringify(pkg.exports['.']).includes('require');
  if (isEsmOnly) ESM_ONLY.add(pkg.name);
  console.log(`${pkg.name.padEnd(22)} ${String(packed.files.length).padStart(3)} files  ${(packed.size / 1024).toFixed(1).padStart(7)} kB packed  ${(packed.unpackedSize / 1024).toFixed(1).padStart(7)} kB unpacked${isEsmOnly ? '  (ESM only)' : ''}`);
  try {
    run('npx', ['publint', 'run', pkgDir, '--strict']);
  } catch (error) {
    problems.push(`${pkg.name}: publint\n${error.stdout}${error.stderr}`);
  }
  try {
    const profile = ESM_ONLY.has(pkg.name) ? ['--profile', 'esm-only'] : [];
    run('npx', ['attw', tarball, '--format', 'ascii', ...profile]);
  } catch (error) {
    problems.push(`${pkg.name}: @arethetypeswrong/cli\n${error.stdout}${error.stderr}`);
  }
}

// A consumer of @pco/core alone. The @pco/* packages are not on the registry in CI: overrides
// point every one of them at its tarball; the rest comes from the registry as for a user.
const consumer = mkdtempSync(path.join(tmpdir(), 'pco-consumer-'));
const fileSpecs = Object.fromEntries(Object.entries(tarballs).map(([name, file]) => [name, `file:${file}`]));
writeFileSync(
  path.join(consumer, 'package.json'),
  JSON.stringify({ name: 'consumer', private: true, type: 'module', dependencies: { '@pco/core': fileSpecs['@pco/core'] }, overrides: fileSpecs }, null, 2),
);
try {
  run('npm', ['install', '--engine-strict', '--no-audit', '--no-fund', '--ignore-scripts'], { cwd: consumer });
} catch (error) {
  problems.push(`npm install @pco/core (engine-strict, Node ${process.version}) failed:\n${error.stdout}${error.stderr}`);
}
const bytes = (dir) => readdirSync(dir, { withFileTypes: true }).reduce((sum, entry) => {
  const full = path.join(dir, entry.name);
  return sum + (entry.isDirectory() ? bytes(full) : entry.isFile() ? statSync(full).size : 0);
}, 0);
const installed = (dir) => readdirSync(dir).flatMap((name) => (name.startsWith('@') ? readdirSync(path.join(dir, name)).map((sub) => `${name}/${sub}`) : name.startsWith('.') ? [] : [name]));
const modules = path.join(consumer, 'node_modules');
const size = bytes(modules);
const names = installed(modules);
console.log(`\n@pco/core alone: ${(size / 1024 / 1024).toFixed(2)} MB of node_modules, ${names.length} packages: ${names.join(', ')}`);
if (size > 5 * 1024 * 1024) problems.push(`@pco/core's install is ${(size / 1024 / 1024).toFixed(2)} MB (bar: 5 MB)`);
for (const unwanted of ['@pco/testkit', '@pco/cli', '@pco/github-source', '@pco/codegen-client', 'commander', 'pino', 'yaml', 'log-update', 'graphql', 'ajv']) {
  if (names.includes(unwanted)) problems.push(`@pco/core brings ${unwanted}`);
}
writeFileSync(path.join(consumer, 'esm.mjs'), "import { Orchestrator } from '@pco/core';\nif (typeof Orchestrator !== 'function') process.exit(1);\n");
writeFileSync(path.join(consumer, 'cjs.cjs'), "const { Orchestrator } = require('@pco/core');\nif (typeof Orchestrator !== 'function') process.exit(1);\n");
for (const file of ['esm.mjs', 'cjs.cjs']) {
  try {
    run(process.execPath, [file], { cwd: consumer });
  } catch (error) {
    problems.push(`@pco/core does not load from ${file}:\n${error.stderr}`);
  }
}

// A consumer of the CLI: everything, with engine-strict (an @octokit/* that needs Node 22 would
// fail here), and the `pco` binary runs.
const cliConsumer = mkdtempSync(path.join(tmpdir(), 'pco-cli-consumer-'));
writeFileSync(
  path.join(cliConsumer, 'package.json'),
  JSON.stringify({ name: 'cli-consumer', private: true, type: 'module', dependencies: { '@pco/cli': fileSpecs['@pco/cli'] }, overrides: fileSpecs }, null, 2),
);
try {
  run('npm', ['install', '--engine-strict', '--no-audit', '--no-fund', '--ignore-scripts'], { cwd: cliConsumer });
  const help = run(path.join(cliConsumer, 'node_modules/.bin/pco'), ['--help'], { cwd: cliConsumer });
  if (!help.startsWith('Usage: pco')) problems.push(`pco --help from an install printed: ${help.slice(0, 200)}`);
  console.log(`@pco/cli: ${(bytes(path.join(cliConsumer, 'node_modules')) / 1024 / 1024).toFixed(2)} MB of node_modules; pco --help runs`);
} catch (error) {
  problems.push(`npm install @pco/cli (engine-strict, Node ${process.version}) or pco --help failed:\n${error.stdout}${error.stderr}`);
}

if (problems.length > 0) {
  console.error(`\n${problems.length} problem${problems.length === 1 ? '' : 's'}:\n- ${problems.join('\n- ')}`);
  process.exit(1);
}
console.log('\nEvery package packs clean (publint, attw), no source maps; @pco/core installs alone on this Node and loads as ESM and CJS.');
