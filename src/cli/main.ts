#!/usr/bin/env node
import { runCli } from './dispatch.js';
import { processIO } from './io.js';

const io = processIO();
runCli(process.argv.slice(2), io).then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    io.stderr(`peak-to-sigma: internal error: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exitCode = 2;
  }
);
