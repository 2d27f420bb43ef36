import { lstatSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { convertHunts } from '../src/core/convert.js';
import { MANIFEST_FILE, reconcileOutputs, serializeManifest } from '../src/core/manifest.js';
import { DEFAULT_STATUS_MAP, OUTPUT_FORMATS } from '../src/core/model.js';

/**
 * examples/detections is what `peak-to-sigma convert examples/hunts/aitm-proxy.yaml --out
 * examples/detections` writes (scripts/update-examples.mjs). Regenerate it in-process and compare
 * every byte, so the committed reference output cannot drift from the code.
 */
const EXAMPLE = 'examples/hunts/aitm-proxy.yaml';
const COMMITTED = 'examples/detections';

function committedFiles(root: string): Record<string, string> {
  const files: Record<string, string> = {};
  const walk = (rel: string) => {
    for (const name of readdirSync(join(root, rel))) {
      const path = rel ? `${rel}/${name}` : name;
      if (lstatSync(join(root, path)).isDirectory()) walk(path);
      else files[path] = readFileSync(join(root, path), 'utf8');
    }
  };
  walk('');
  return files;
}

test('examples/detections is up to date (regenerate: npm run build && node scripts/update-examples.mjs)', () => {
  const result = convertHunts([{ file: EXAMPLE, source: readFileSync(EXAMPLE) }], {
    formats: [...OUTPUT_FORMATS],
    statusMap: DEFAULT_STATUS_MAP,
    kqlFlavor: 'xdr',
    lookbackDays: 7
  });
  expect(result.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
  const expected: Record<string, string> = {};
  for (const f of result.files) expected[f.path] = f.content;
  const plan = reconcileOutputs(result.files, undefined, () => undefined, { sources: 'all' }, false);
  expected[MANIFEST_FILE] = serializeManifest(plan.manifest);

  const actual = committedFiles(COMMITTED);
  expect(Object.keys(actual).sort()).toEqual(Object.keys(expected).sort());
  for (const path of Object.keys(expected)) {
    if (actual[path] !== expected[path]) throw new Error(`${COMMITTED}/${path} is out of date:\n--- committed\n${actual[path]}\n--- generated\n${expected[path]}`);
  }
});
