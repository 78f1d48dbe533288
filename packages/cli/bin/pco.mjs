#!/usr/bin/env node
// The `pco` executable: the built CLI (dist/cli.js). In a checkout that has not been built yet
// (`npm ci` then `npx pco`), the TypeScript sources run through tsx instead, with the workspace
// packages resolved to their sources (the `@pco/source` condition): slower to start, same CLI.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const built = new URL('../dist/cli.js', import.meta.url);
if (existsSync(built)) {
  await import(built.href);
} else {
  const source = fileURLToPath(new URL('../src/cli.ts', import.meta.url));
  const child = spawnSync(process.execPath, ['--conditions=@pco/source', '--import', 'tsx', source, ...process.argv.slice(2)], { stdio: 'inherit' });
  process.exit(child.status ?? (child.signal ? 130 : 1));
}
