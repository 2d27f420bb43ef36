import * as core from '@actions/core';
import { run } from './run.js';

// Entry of the bundled action (dist/index.js). Users see a message, never a stack trace; the stack goes to the debug log.
run().catch((err: unknown) => {
  if (err instanceof Error && err.stack) core.debug(err.stack);
  core.setFailed(`peak-to-sigma: ${err instanceof Error ? err.message : String(err)}`);
});
