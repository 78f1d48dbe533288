#!/usr/bin/env node
/**
 * The `pco` executable. Everything lives in ./cli/: this file only runs it and exits with its code.
 */
import { main } from './cli/program.js';

void main(process.argv).then((code) => {
  process.exitCode = code;
  // Fake servers, pollers and sockets are closed by the commands; should anything still hold the
  // event loop, do not hang the shell.
  setTimeout(() => process.exit(code), 2_000).unref();
});
