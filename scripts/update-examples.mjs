#!/usr/bin/env node
// Regenerates the committed reference output examples/detections/ from the seed's AiTM report with
// the BUILT CLI (run `npm run build` first). __tests__/examples-up-to-date.test.ts fails until the
// result is committed.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const cli = join(root, 'dist/cli/index.js');
if (!existsSync(cli)) {
  console.error('update-examples: dist/cli/index.js is missing; run `npm run build` first');
  process.exit(2);
}
// Paths relative to the repository root: they are recorded in the manifest and the layers.
const child = spawnSync(process.execPath, [cli, 'convert', 'examples/hunts/aitm-proxy.yaml', '--out', 'examples/detections'], { cwd: root, stdio: 'inherit' });
process.exit(child.status ?? 2);
