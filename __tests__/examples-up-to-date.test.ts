import { readFileSync } from 'node:fs';
import { generated } from './support/action-fixtures.js';
import { readTree } from './support/files.js';

/**
 * examples/detections is what `peak-to-sigma convert examples/hunts/aitm-proxy.yaml --out
 * examples/detections` writes (scripts/update-examples.mjs). Regenerate it in-process and compare
 * every byte, so the committed reference output cannot drift from the code.
 */
const EXAMPLE = 'examples/hunts/aitm-proxy.yaml';
const COMMITTED = 'examples/detections';


test('examples/detections is up to date (regenerate: npm run build && node scripts/update-examples.mjs)', () => {
  const expected = generated({ [EXAMPLE]: readFileSync(EXAMPLE, 'utf8') }, '');
  const actual = readTree(COMMITTED);
  expect(Object.keys(actual).sort()).toEqual(Object.keys(expected).sort());
  for (const path of Object.keys(expected)) {
    if (actual[path] !== expected[path]) throw new Error(`${COMMITTED}/${path} is out of date:\n--- committed\n${actual[path]}\n--- generated\n${expected[path]}`);
  }
});
