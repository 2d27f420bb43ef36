#!/usr/bin/env node
// `npm run bench`: converts a synthetic repository (1,000 hunts × 3 findings × 4 IOCs by default)
// to every format with the BUILT CLI, and reports whole-process wall time and peak RSS per run.
// Usage: node scripts/bench.mjs [--hunts N] [--runs N] [--cli path/to/cli/index.js]
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { benchHunt } from './bench-hunts.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const { values } = parseArgs({
  options: { hunts: { type: 'string', default: '1000' }, runs: { type: 'string', default: '3' }, cli: { type: 'string', default: join(root, 'dist/cli/index.js') } }
});
const huntCount = Number(values.hunts);
const runCount = Number(values.runs);
const cli = resolve(values.cli);
if (!existsSync(cli)) {
  console.error(`bench: ${cli} is missing; run \`npm run build\` first (or pass --cli)`);
  process.exit(2);
}

const work = join(root, '.bench');
const hunts = join(work, 'hunts');
const usageFile = join(work, 'usage.json');
// A run started right after `rm -rf` of its tens of thousands of output files measured ~7 s of
// system time instead of ~1 s: the file system's clean-up of a mass deletion is billed to whoever
// writes next. So earlier outputs are only moved aside (a rename is cheap) and deleted after the
// last measurement.
mkdirSync(work, { recursive: true });
for (const name of readdirSync(work)) if (!name.startsWith('trash-')) renameSync(join(work, name), join(work, `trash-${process.pid}-${name}`));
mkdirSync(hunts);
for (let i = 1; i <= huntCount; i++) writeFileSync(join(hunts, `hunt-${String(i).padStart(5, '0')}.yaml`), benchHunt(i));

function convert(out) {
  const started = process.hrtime.bigint();
  const child = spawnSync(
    process.execPath,
    ['--import', join(root, 'scripts/bench-rss.mjs'), cli, 'convert', hunts, '--out', out, '--formats', 'all', '--format', 'json'],
    { cwd: root, env: { ...process.env, PEAK_TO_SIGMA_BENCH_USAGE: usageFile }, encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 }
  );
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  if (child.status !== 0) {
    console.error(child.stderr || child.stdout.slice(0, 4000));
    console.error(`bench: convert exited with ${child.status}`);
    process.exit(1);
  }
  const summary = JSON.parse(child.stdout);
  const errors = summary.diagnostics.filter((d) => d.severity === 'error');
  if (errors.length) {
    console.error(errors.slice(0, 5));
    process.exit(1);
  }
  const usage = JSON.parse(readFileSync(usageFile, 'utf8'));
  return { seconds, cpuSeconds: usage.cpuMicros / 1e6, systemSeconds: usage.systemMicros / 1e6, rssMiB: usage.maxRssKiB / 1024, summary };
}

const rows = [];
for (let run = 1; run <= runCount; run++) {
  // Each fresh run gets a directory of its own, never one just deleted, for the same reason.
  const out = join(work, `out-${run}`);
  const fresh = convert(out);
  const again = convert(out);
  if (again.summary.files.written.length || again.summary.files.deleted.length) {
    console.error('bench: the second run changed files; conversion is not idempotent');
    process.exit(1);
  }
  rows.push({ run, fresh, again });
}
for (const name of readdirSync(work)) if (name.startsWith('trash-')) rmSync(join(work, name), { recursive: true, force: true });

const first = rows[0].fresh.summary;
console.log(
  `peak-to-sigma bench: ${first.hunts} hunts, ${first.findings} findings, ${first.rules} rules → ${first.files.written.length} files (${process.platform}, node ${process.version})`
);
// CPU time is printed too: on a busy machine it shows what wall time would be on an idle one. Its
// system part is mostly the file system's work, which varies with the disk's state, and not only
// after deletions: on the 2-core VM this was tuned on, creating the same 22,000 files and
// directories took anywhere from 0.5 s to 11 s of system time within half an hour. Compare runs
// made close together, and look at the system column before trusting a fresh-run wall time.
const cell = (m) =>
  `${m.seconds.toFixed(2).padStart(6)} s ${m.cpuSeconds.toFixed(2).padStart(6)} s ${m.systemSeconds.toFixed(2).padStart(6)} s ${m.rssMiB.toFixed(0).padStart(5)} MiB`;
console.log(`load average ${os.loadavg().map((l) => l.toFixed(1)).join(' ')} on ${os.availableParallelism()} cores`);
console.log('run | empty output dir: wall    cpu (system)  peak RSS | re-run, all unchanged: wall    cpu (system)  peak RSS');
for (const { run, fresh, again } of rows) console.log(`${String(run).padStart(3)} | ${' '.repeat(16)}${cell(fresh)} | ${' '.repeat(21)}${cell(again)}`);
const worst = (key) => Math.max(...rows.flatMap((r) => [r.fresh[key], r.again[key]]));
console.log(`worst: wall ${worst('seconds').toFixed(2)} s, peak RSS ${worst('rssMiB').toFixed(0)} MiB (target: < 2 s, < 300 MiB)`);
