import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { runCli } from '../src/cli/dispatch.js';
import type { CliIO } from '../src/cli/io.js';
import { readTree } from './support/files.js';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'p2s-cli-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

async function cli(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const io: CliIO = { cwd: dir, env: {}, stdout: (t) => (stdout += t), stderr: (t) => (stderr += t) };
  const code = await runCli(args, io);
  return { code, stdout, stderr };
}

function put(path: string, content: string) {
  mkdirSync(dirname(join(dir, path)), { recursive: true });
  writeFileSync(join(dir, path), content);
}


const FINDING_A = `  - tactic: Execution
    technique: T1059.001
    confirmed: true
    description: "PowerShell download cradle."
    data_source_ref: EDR
    iocs:
      - { type: process_name, value: "powershell.exe" }
`;
const FINDING_B = `  - tactic: Command and Control
    technique: T1071.001
    confirmed: false
    description: "Beacon to a staging host."
    data_source_ref: EDR
    iocs:
      - { type: ip, value: "203.0.113.9" }
`;
function hunt(name: string, findings: string): string {
  return `hunt:\n  name: "${name}"\n  hypothesis: "h"\n  analyst: "a"\n  date: "2026-04-08"\n  peak_phase: Validated\ndata_sources:\n  - { name: EDR, type: endpoint }\nfindings:\n${findings}verdict: "v"\n`;
}

describe('peak-to-sigma convert', () => {
  test('writes the layout, prints a summary; a second run changes no byte', async () => {
    put('hunts/one.yaml', hunt('One', FINDING_A + FINDING_B));
    const first = await cli('convert', 'hunts', '--out', 'out');
    expect(first.stderr).toBe('');
    expect(first.code).toBe(0);
    expect(first.stdout).toBe('converted 1 of 1 hunt report (2 findings, 2 rules) into out: 10 written, 0 unchanged, 0 deleted\n');
    const written = readTree(join(dir, 'out'));
    expect(Object.keys(written)).toEqual([
      '.peak-to-sigma-manifest.json',
      'coverage.json',
      'one/kql/t1059-001-process-creation.kql',
      'one/kql/t1071-001-network-connection.kql',
      'one/navigator.json',
      'one/sigma/t1059-001-process-creation.yml',
      'one/sigma/t1071-001-network-connection.yml',
      'one/spl/t1059-001-process-creation.spl',
      'one/spl/t1071-001-network-connection.spl',
      'one/sql/t1059-001-process-creation.sql',
      'one/sql/t1071-001-network-connection.sql'
    ]);
    expect(JSON.parse(written['.peak-to-sigma-manifest.json']!).files['one/navigator.json'].source).toBe('hunts/one.yaml');

    const second = await cli('convert', 'hunts', '--out', 'out', '--format', 'json');
    expect(second.code).toBe(0);
    const summary = JSON.parse(second.stdout);
    expect(summary).toMatchObject({ out: 'out', hunts: 1, converted: 1, findings: 2, rules: 2, conflicts: [], diagnostics: [] });
    expect(summary.files.written).toEqual([]);
    expect(summary.files.deleted).toEqual([]);
    expect(summary.files.unchanged).toHaveLength(10);
    expect(readTree(join(dir, 'out'))).toEqual(written);
  });

  test('removing a finding deletes its stale rules; files the tool never wrote stay', async () => {
    put('hunts/one.yaml', hunt('One', FINDING_A + FINDING_B));
    await cli('convert', 'hunts', '--out', 'out');
    put('out/one/NOTES.md', 'analyst notes');
    put('out/README.md', 'mine');
    put('hunts/one.yaml', hunt('One', FINDING_A));
    const r = await cli('convert', 'hunts', '--out', 'out', '--format', 'json');
    expect(r.code).toBe(0);
    const summary = JSON.parse(r.stdout);
    expect(summary.files.deleted).toEqual([
      'one/kql/t1071-001-network-connection.kql',
      'one/sigma/t1071-001-network-connection.yml',
      'one/spl/t1071-001-network-connection.spl',
      'one/sql/t1071-001-network-connection.sql'
    ]);
    expect(summary.files.written).toEqual(['coverage.json', 'one/navigator.json']);
    const after = readTree(join(dir, 'out'));
    expect(after['one/NOTES.md']).toBe('analyst notes');
    expect(after['README.md']).toBe('mine');
    expect(Object.keys(after).some((p) => p.includes('t1071'))).toBe(false);
  });

  test('removing a whole hunt deletes its directory', async () => {
    put('hunts/one.yaml', hunt('One', FINDING_A));
    put('hunts/two.yaml', hunt('Two', FINDING_B));
    await cli('convert', 'hunts', '--out', 'out');
    rmSync(join(dir, 'hunts/two.yaml'));
    const r = await cli('convert', 'hunts', '--out', 'out');
    expect(r.code).toBe(0);
    expect(existsSync(join(dir, 'out/two'))).toBe(false);
    expect(existsSync(join(dir, 'out/one/navigator.json'))).toBe(true);
  });

  test('a hand-edited rule stops the run (exit 1, nothing written); --force overwrites it', async () => {
    put('hunts/one.yaml', hunt('One', FINDING_A));
    await cli('convert', 'hunts', '--out', 'out');
    const edited = 'out/one/kql/t1059-001-process-creation.kql';
    put(edited, `${readFileSync(join(dir, edited), 'utf8')}| where DeviceName != "build-agent"\n`);
    put('hunts/one.yaml', hunt('One', FINDING_A + FINDING_B));
    const before = readTree(join(dir, 'out'));

    const r = await cli('convert', 'hunts', '--out', 'out');
    expect(r.code).toBe(1);
    expect(r.stderr).toBe(
      `${join('out', 'one/kql/t1059-001-process-creation.kql')}:1:1: error: edited by hand since peak-to-sigma wrote it; left as it is (rerun with --force to overwrite it)\n`
    );
    expect(r.stdout).toBe('nothing written to out: see the errors above\n');
    expect(readTree(join(dir, 'out'))).toEqual(before);

    const forced = await cli('convert', 'hunts', '--out', 'out', '--force', '--format', 'json');
    expect(forced.code).toBe(0);
    const summary = JSON.parse(forced.stdout);
    expect(summary.conflicts).toEqual([{ path: 'one/kql/t1059-001-process-creation.kql', reason: 'edited by hand since peak-to-sigma wrote it' }]);
    expect(summary.files.written).toContain('one/kql/t1059-001-process-creation.kql');
    expect(summary.diagnostics[0]).toMatchObject({ severity: 'warning' });
    expect(readFileSync(join(dir, edited), 'utf8')).not.toContain('build-agent');
  });

  test('a report with errors: exit 1, located message, no files for it, the other report converts, its old outputs stay', async () => {
    put('hunts/good.yaml', hunt('Good', FINDING_A));
    put('hunts/later-bad.yaml', hunt('Later Bad', FINDING_B));
    await cli('convert', 'hunts', '--out', 'out');
    const kept = readTree(join(dir, 'out/later-bad'));
    put('hunts/later-bad.yaml', hunt('Later Bad', FINDING_B.replace('T1071.001', 'T1071.1')));
    put('hunts/new-bad.yaml', hunt('New Bad', FINDING_A.replace('confirmed: true', 'confirmed: maybe')));

    const r = await cli('convert', 'hunts', '--out', 'out');
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^hunts\/later-bad\.yaml:11:16: error: /m);
    expect(r.stderr).toMatch(/^hunts\/new-bad\.yaml:12:\d+: error: /m);
    expect(r.stdout).toMatch(/^converted 1 of 3 hunt reports/);
    expect(readTree(join(dir, 'out/later-bad'))).toEqual(kept);
    expect(existsSync(join(dir, 'out/new-bad'))).toBe(false);
    expect(existsSync(join(dir, 'out/good/navigator.json'))).toBe(true);
  });

  test('--formats, --kql-flavor, --status-map and --lookback-days reach the outputs', async () => {
    put('hunts/one.yaml', hunt('One', FINDING_A));
    const r = await cli('convert', 'hunts/one.yaml', '--out', 'out', '--formats', 'sigma,kql', '--kql-flavor', 'sentinel', '--status-map', 'Validated=test', '--lookback-days', '30');
    expect(r.code).toBe(0);
    const files = readTree(join(dir, 'out'));
    expect(Object.keys(files)).toEqual(['.peak-to-sigma-manifest.json', 'one/kql/t1059-001-process-creation.kql', 'one/sigma/t1059-001-process-creation.yml']);
    expect(files['one/sigma/t1059-001-process-creation.yml']).toMatch(/^status: test$/m);
    expect(files['one/kql/t1059-001-process-creation.kql']).toContain('TimeGenerated');
    expect(files['one/kql/t1059-001-process-creation.kql']).toContain('ago(30d)');
  });

  test.each([
    [['convert', 'hunts'], /--out DIR is required/],
    [['convert', '--out', 'out'], /name at least one hunt report/],
    [['convert', 'hunts', '--out', 'out', '--formats', 'sigma,yara'], /--formats: unknown format "yara"/],
    [['convert', 'hunts', '--out', 'out', '--kql-flavor', 'splunk'], /--kql-flavor: unknown KQL flavour/],
    [['convert', 'hunts', '--out', 'out', '--status-map', 'Scoped=prod'], /--status-map: unknown Sigma status "prod"/],
    [['convert', 'hunts', '--out', 'out', '--lookback-days', '0'], /--lookback-days: lookback days must be between 1/],
    [['convert', 'hunts', '--out', 'out', '--format', 'xml'], /--format must be text or json/],
    [['convert', 'hunts', '--out', 'out', '--bogus'], /Unknown option '--bogus'/],
    [['diff', '--base', 'a'], /name the base reports with --base and the head reports with --head/]
  ])('usage errors exit 2: %j', async (args, message) => {
    const r = await cli(...args);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(message);
    expect(r.stderr).toContain('usage: peak-to-sigma');
    expect(existsSync(join(dir, 'out'))).toBe(false);
  });

  test('a missing mapping file is a located error and nothing is written', async () => {
    put('hunts/one.yaml', hunt('One', FINDING_A));
    const r = await cli('convert', 'hunts', '--out', 'out', '--mappings', 'nope.yml');
    expect(r.code).toBe(1);
    expect(r.stderr).toBe('nope.yml:1:1: error: cannot read the mapping file: no such file\n');
    expect(existsSync(join(dir, 'out'))).toBe(false);
  });

  test('a corrupt manifest is reported, not a crash', async () => {
    put('hunts/one.yaml', hunt('One', FINDING_A));
    put('out/.peak-to-sigma-manifest.json', '{ "version": 1, ');
    const r = await cli('convert', 'hunts', '--out', 'out');
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^out\/\.peak-to-sigma-manifest\.json:1:1: error: corrupt manifest: not valid JSON/);
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });
});

describe('peak-to-sigma diff', () => {
  test('reports added, removed, upgraded and downgraded techniques', async () => {
    put('base/a.yaml', hunt('A', FINDING_A.replace('confirmed: true', 'confirmed: false') + FINDING_B));
    put('head/a.yaml', hunt('A', FINDING_A));
    put('head/b.yaml', hunt('B', FINDING_A.replace('T1059.001', 'T1003.001').replace('Execution', 'Credential Access')));
    const text = await cli('diff', '--base', 'base', '--head', 'head');
    expect(text.code).toBe(0);
    expect(text.stdout).toBe(
      [
        'ATT&CK coverage: 1 added, 1 removed, 1 upgraded, 0 downgraded',
        'added:',
        '  + T1003.001 LSASS Memory [credential-access] confirmed',
        'removed:',
        '  - T1071.001 Web Protocols [command-and-control]',
        'upgraded to confirmed:',
        '  ^ T1059.001 PowerShell [execution] confirmed',
        ''
      ].join('\n')
    );
    const json = JSON.parse((await cli('diff', '--base', 'base', '--head', 'head', '--format', 'json')).stdout);
    expect(json.base).toEqual({ hunts: 1 });
    expect(json.head).toEqual({ hunts: 2 });
    expect(json.added.map((c: { techniqueId: string }) => c.techniqueId)).toEqual(['T1003.001']);
    expect(json.downgraded).toEqual([]);
  });

  test('no change', async () => {
    put('a.yaml', hunt('A', FINDING_A));
    const r = await cli('diff', '--base', 'a.yaml', '--head', 'a.yaml');
    expect(r).toEqual({ code: 0, stdout: 'ATT&CK coverage unchanged (1 technique)\n', stderr: '' });
  });
});

describe('the built CLI', () => {
  test('converts the AiTM example end to end and reruns without changes', () => {
    const cliPath = join(process.cwd(), 'dist/cli/index.js');
    expect(existsSync(cliPath)).toBe(true); // run `npm run build` first (CI does)
    const out = join(dir, 'out');
    const run = () => spawnSync(process.execPath, [cliPath, 'convert', 'examples/hunts/aitm-proxy.yaml', '--out', out, '--format', 'json'], { encoding: 'utf8' });
    const first = run();
    expect(first.stderr).toBe('');
    expect(first.status).toBe(0);
    expect(JSON.parse(first.stdout).files.written.length).toBeGreaterThan(10);
    const second = run();
    expect(second.status).toBe(0);
    expect(JSON.parse(second.stdout).files.written).toEqual([]);
  });
});
