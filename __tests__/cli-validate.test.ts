import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { runCli } from '../src/cli/dispatch.js';
import type { CliIO } from '../src/cli/io.js';

async function run(args: string[], cwd = process.cwd()): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const io: CliIO = { cwd, env: {}, stdout: (t) => (stdout += t), stderr: (t) => (stderr += t) };
  const code = await runCli(['validate', ...args], io);
  return { code, stdout, stderr };
}

describe('peak-to-sigma validate', () => {
  test('the bundled examples pass: exit 0, the one expected warning, a summary', async () => {
    const { code, stdout, stderr } = await run(['examples/hunts']);
    expect(code).toBe(0);
    expect(stdout).toBe('');
    const count = readdirSync('examples/hunts').length;
    expect(stderr).toBe(
      "examples/hunts/aitm-proxy.yaml:24:21: warning: findings[0].technique_name: 'Adversary-in-the-Middle: LLMNR/NBT-NS Poisoning' is not the name of T1557.001 in ATT&CK Enterprise v18.1: it is 'Adversary-in-the-Middle: LLMNR/NBT-NS Poisoning and SMB Relay'\n" +
        `${count} reports checked: no errors (1 warning)\n`
    );
  });

  test.each(readdirSync('examples/invalid'))('examples/invalid/%s exits 1 with one located error', async (name) => {
    const { code, stderr } = await run([`examples/invalid/${name}`]);
    expect(code).toBe(1);
    const lines = stderr.trimEnd().split('\n');
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatch(new RegExp(`^examples/invalid/${name.replace(/\./g, '\\.')}:\\d+:\\d+: error: \\S`));
    expect(lines[1]).toBe('1 report checked: 1 with errors (1 error)');
  });

  test('files, directories and missing paths together: every problem listed, exit 1', async () => {
    const { code, stderr } = await run(['examples/invalid/bad-ip.yaml', 'examples/hunts/aitm-proxy.yaml', 'no/such/hunt.yaml']);
    expect(code).toBe(1);
    expect(stderr.split('\n')).toEqual([
      "examples/hunts/aitm-proxy.yaml:24:21: warning: findings[0].technique_name: 'Adversary-in-the-Middle: LLMNR/NBT-NS Poisoning' is not the name of T1557.001 in ATT&CK Enterprise v18.1: it is 'Adversary-in-the-Middle: LLMNR/NBT-NS Poisoning and SMB Relay'",
      "examples/invalid/bad-ip.yaml:37:16: error: findings[1].iocs[0].value: '198.51.100.323' is not an IPv4 address: each of the four numbers is 0-255, without leading zeros",
      'no/such/hunt.yaml:1:1: error: no such file or directory',
      '3 reports checked: 2 with errors (2 errors, 1 warning)',
      ''
    ]);
  });

  test('the invalid examples directory: every file has an error', async () => {
    const { code, stderr } = await run(['examples/invalid']);
    expect(code).toBe(1);
    const n = readdirSync('examples/invalid').length;
    expect(stderr.trimEnd().split('\n').pop()).toBe(`${n} reports checked: ${n} with errors (${n} errors)`);
  });

  test('--format json prints the diagnostics as a JSON array on stdout', async () => {
    const { code, stdout, stderr } = await run(['--format', 'json', 'examples/invalid/bad-port.yaml', 'examples/hunts/aitm-proxy.yaml']);
    expect(code).toBe(1);
    const rows = JSON.parse(stdout) as Record<string, unknown>[];
    expect(rows).toEqual([
      {
        file: 'examples/hunts/aitm-proxy.yaml',
        line: 24,
        column: 21,
        severity: 'warning',
        message: expect.stringContaining('technique_name'),
        path: ['findings', 0, 'technique_name']
      },
      {
        file: 'examples/invalid/bad-port.yaml',
        line: 39,
        column: 16,
        severity: 'error',
        message: 'findings[1].iocs[1].value: a network port is a whole number from 1 to 65535 (got 80810)',
        path: ['findings', 1, 'iocs', 1, 'value']
      }
    ]);
    expect(rows.every((r) => Object.keys(r).join() === 'file,line,column,severity,message,path')).toBe(true);
    expect(stderr).toBe('2 reports checked: 1 with errors (1 error, 1 warning)\n');
  });

  test('--format json with no problems prints an empty array and exits 0', async () => {
    const { code, stdout } = await run(['examples/hunts/h-0104-cloud-token-abuse.json', '--format=json']);
    expect(code).toBe(0);
    expect(JSON.parse(stdout)).toEqual([]);
  });

  test('bad files on disk: 10 MB, non-UTF-8, binary — located errors, no stack trace', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'p2s-cli-'));
    try {
      writeFileSync(path.join(dir, 'big.yaml'), Buffer.alloc(10 * 1024 * 1024, 'a'));
      writeFileSync(path.join(dir, 'latin1.yaml'), Buffer.from('hunt:\n  analyst: "Ren\xe9"\n', 'latin1'));
      writeFileSync(path.join(dir, 'random.json'), Buffer.from([0x00, 0x01, 0x02, 0x7b]));
      const { code, stderr } = await run(['.'], dir);
      expect(code).toBe(1);
      expect(stderr).toBe(
        [
          'big.yaml:1:1: error: hunt reports are limited to 1 MiB; this file is 10.0 MiB',
          'latin1.yaml:2:16: error: the file is not valid UTF-8 (byte 0xE9 here); save it as UTF-8',
          'random.json:1:1: error: the file contains a NUL character: it is binary (or UTF-16) data, not a UTF-8 hunt report',
          '3 reports checked: 3 with errors (3 errors)',
          ''
        ].join('\n')
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('usage errors exit 2 with the usage text', async () => {
    const none = await run([]);
    expect(none.code).toBe(2);
    expect(none.stderr).toContain('give at least one hunt report file, directory or glob');
    expect(none.stderr).toContain('usage: peak-to-sigma validate');

    const unknown = await run(['--strict', 'examples/hunts']);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain("Unknown option '--strict'");

    const format = await run(['--format', 'xml', 'examples/hunts']);
    expect(format.code).toBe(2);
    expect(format.stderr).toContain("--format must be text or json (got 'xml')");
  });

  test('--help prints the usage on stdout and exits 0', async () => {
    const { code, stdout } = await run(['--help']);
    expect(code).toBe(0);
    expect(stdout).toContain('usage: peak-to-sigma validate <files, dirs or globs...> [--format text|json]');
  });
});
