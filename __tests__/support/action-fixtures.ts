import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { convertHunts } from '../../src/core/convert.js';
import { MANIFEST_FILE, reconcileOutputs, serializeManifest } from '../../src/core/manifest.js';
import { DEFAULT_STATUS_MAP, OUTPUT_FORMATS } from '../../src/core/model.js';
import type { FakeGitHub } from './fake-github.js';
import { PROJECT_ROOT } from './run-action.js';

/** What the action end-to-end tests share: the repository, the hunts, the committed outputs. */

const require = createRequire(import.meta.url);
export const webhooks = require('@octokit/webhooks-examples') as { name: string; examples: Record<string, any>[] }[];

export const OWNER = 'octo-org';
export const REPO = 'hunts';
export const TOKEN = 'ghs_e2eFakeInstallationToken0123456789';
export const OUT = 'detections';

export const AITM = readFileSync(join(PROJECT_ROOT, 'examples', 'hunts', 'aitm-proxy.yaml'), 'utf8');

/** A one-finding DNS beaconing hunt (id H-0107) with the given name. */
export function beaconHunt(name: string): string {
  return `hunt:
  id: H-0107
  name: ${JSON.stringify(name)}
  hypothesis: "Implants beacon to a DGA domain over DNS every 60 seconds."
  analyst: "R. Hunter"
  date: "2026-05-02"
  peak_phase: Validated
data_sources:
  - name: "Corporate DNS"
    type: dns
findings:
  - tactic: "Command and Control"
    technique: "T1071.004"
    technique_name: "DNS"
    confirmed: true
    description: "Periodic TXT lookups for cdn-update.example.net from 14 hosts."
    data_source_ref: "Corporate DNS"
    iocs:
      - type: domain
        value: "cdn-update.example.net"
verdict: "Confirmed beaconing; rule deployed."
`;
}

/** What `convert` would have committed for these hunts under `outDir`: the generated files plus the manifest. */
export function generated(hunts: Record<string, string>, outDir = OUT): Record<string, string> {
  const conversion = convertHunts(
    Object.entries(hunts).map(([file, source]) => ({ file, source })),
    { formats: [...OUTPUT_FORMATS], statusMap: DEFAULT_STATUS_MAP, kqlFlavor: 'xdr', lookbackDays: 7 }
  );
  const plan = reconcileOutputs(conversion.files, undefined, () => undefined, { sources: 'all' }, false);
  const prefix = outDir ? `${outDir}/` : '';
  const files: Record<string, string> = {};
  for (const f of plan.write) files[`${prefix}${f.path}`] = f.content;
  files[`${prefix}${MANIFEST_FILE}`] = serializeManifest(plan.manifest);
  return files;
}

/** A fresh directory holding these files, as a checkout would. */
export function workspaceWith(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'p2s-workspace-'));
  for (const [path, content] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    writeFileSync(join(dir, path), content);
  }
  return dir;
}

/** Requests to the fake GitHub per operation id. */
export function tally(fake: FakeGitHub): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const r of fake.requests) {
    const key = r.operation ?? `${r.method} ${r.path}`;
    counts[key] = (counts[key] ?? 0) + 1;
  }
  return counts;
}
