import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from '../src/cli/dispatch.js';
import type { CliIO } from '../src/cli/io.js';
import { UsageError } from '../src/cli/io.js';
import { browserCommand, DEFAULT_WIZARD_PORT, parseWizardArgs, runWizard } from '../src/cli/wizard.js';
import { applyRoutingOverrides, parseRoutingOverrides } from '../src/core/routing/overrides.js';
import { bundledRoutingTable, describeIocRoute } from '../src/core/routing/table.js';

const REPO_ROOT = new URL('..', import.meta.url).pathname;
const MAPPINGS = 'examples/mappings/custom-fields.yml';

function captureIO(onStdout?: (text: string) => void, cwd = REPO_ROOT) {
  const out: string[] = [];
  const err: string[] = [];
  const io: CliIO = {
    cwd,
    env: {},
    stdout: (t) => {
      out.push(t);
      onStdout?.(t);
    },
    stderr: (t) => err.push(t)
  };
  return { io, out, err };
}

/** Runs the wizard command until `stop` is called; resolves once it printed its URL. */
async function startCommand(args: string[], open?: (url: string) => Promise<void>, cwd = REPO_ROOT) {
  let stop!: () => void;
  const stopped = new Promise<void>((resolve) => (stop = resolve));
  let announce!: (url: string) => void;
  const announced = new Promise<string>((resolve) => (announce = resolve));
  const { io, out, err } = captureIO((t) => {
    const url = /http:\/\/127\.0\.0\.1:\d+\//.exec(t);
    if (url) announce(url[0]);
  }, cwd);
  const exit = runWizard(args, io, () => stopped, open);
  const url = await Promise.race([announced, exit.then((code) => `exited ${code}: ${err.join('')}`)]);
  return { url, exit, out, err, stop };
}

describe('wizard command: options', () => {
  test('defaults', () => {
    expect(parseWizardArgs([])).toEqual({ port: DEFAULT_WIZARD_PORT, open: false });
  });

  test('every option, with a space or with =', () => {
    expect(parseWizardArgs(['--port', '0', '--open', '--kql-flavor', 'sentinel', '--status-map', 'Scoped=stable', '--lookback-days=30'])).toEqual({
      port: 0,
      open: true,
      kqlFlavor: 'sentinel',
      statusMap: { Validated: 'stable', Scoped: 'stable', Unscoped: 'experimental' },
      lookbackDays: 30
    });
    expect(parseWizardArgs(['--mappings', MAPPINGS]).mappings).toBe(MAPPINGS);
    expect(parseWizardArgs(['--port=65535']).port).toBe(65535);
  });

  test.each([
    [['--port', 'abc'], '--port must be a port number from 0 to 65535, got "abc"'],
    [['--port', '65536'], '--port must be a port number from 0 to 65535, got "65536"'],
    [['--port', '-1'], '--port must be a port number from 0 to 65535, got "-1"'],
    [['--port'], '--port needs a value'],
    [['--mappings'], '--mappings needs a value'],
    [['--open=yes'], '--open takes no value'],
    [['--kql-flavor', 'splunk'], '--kql-flavor: unknown KQL flavour "splunk"'],
    [['--status-map', 'Scoped=prod'], '--status-map: unknown Sigma status "prod"'],
    [['--lookback-days', '0'], '--lookback-days: lookback days must be between 1 and 3650'],
    [['--host', '0.0.0.0'], 'unknown option "--host"'],
    [['hunts/'], 'unknown option "hunts/"']
  ])('%j is a usage error', (args, message) => {
    expect(() => parseWizardArgs(args)).toThrow(UsageError);
    expect(() => parseWizardArgs(args)).toThrow(message);
  });

  test('the browser is opened with an argv array, the URL one argument', () => {
    const url = 'http://127.0.0.1:8787/';
    expect(browserCommand('linux', url)).toEqual(['xdg-open', [url]]);
    expect(browserCommand('darwin', url)).toEqual(['open', [url]]);
    expect(browserCommand('win32', url)).toEqual(['rundll32.exe', ['url.dll,FileProtocolHandler', url]]);
  });
});

describe('wizard command: running', () => {
  test('serves the page on 127.0.0.1 until stopped, then exits 0', async () => {
    const run = await startCommand(['--port', '0']);
    expect(run.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/$/);
    const page = await fetch(run.url);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('<title>peak-to-sigma wizard</title>');
    run.stop();
    expect(await run.exit).toBe(0);
    expect(run.out.join('')).toContain('peak-to-sigma wizard: stopped');
    await expect(fetch(run.url)).rejects.toThrow();
  });

  test('--open hands the URL to the browser opener; a failure to open is only a message', async () => {
    const opened: string[] = [];
    const run = await startCommand(['--port', '0', '--open'], async (url) => {
      opened.push(url);
      throw new Error('no display');
    });
    await new Promise((resolve) => setImmediate(resolve));
    expect(opened).toEqual([run.url]);
    expect(run.err.join('')).toContain(`could not open a browser (no display); open ${run.url} yourself`);
    expect((await fetch(run.url)).status).toBe(200);
    run.stop();
    expect(await run.exit).toBe(0);
  });

  test('--mappings: the page shows where IOCs land with the user\'s overrides, as convert would use them', async () => {
    const overrides = parseRoutingOverrides(readFileSync(join(REPO_ROOT, MAPPINGS), 'utf8'), MAPPINGS);
    expect(overrides.table).toBeDefined();
    const routing = applyRoutingOverrides(bundledRoutingTable(), overrides.table!);
    const run = await startCommand(['--port', '0', '--mappings', MAPPINGS]);
    const body = (await (await fetch(`${run.url}api/routes?dataSourceType=identity&kqlFlavor=xdr`)).json()) as { routes: { iocType: string; route: unknown }[] };
    const ip = body.routes.find((r) => r.iocType === 'ip')!.route;
    expect(ip).toEqual(describeIocRoute(routing, 'ip', 'identity', 'xdr'));
    // The example mapping file moves sign-ins to SigninLogs: the answer really comes from the overrides.
    expect(ip).not.toEqual(describeIocRoute(bundledRoutingTable(), 'ip', 'identity', 'xdr'));
    run.stop();
    expect(await run.exit).toBe(0);
  });

  test('--mappings with a broken or missing file: located errors, exit 1, no server', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'wizard-mappings-'));
    try {
      writeFileSync(join(dir, 'bad.yml'), 'version: 1\nroutes:\n  no_such_ioc: {}\n');
      const bad = await startCommand(['--port', '0', '--mappings', 'bad.yml'], undefined, dir);
      expect(await bad.exit).toBe(1);
      expect(bad.err.join('')).toMatch(/^bad\.yml:3:\d+: error: /);
      expect(bad.out).toEqual([]);
      const missing = await startCommand(['--port', '0', '--mappings', 'nope.yml'], undefined, dir);
      expect(await missing.exit).toBe(1);
      expect(missing.err.join('')).toBe('nope.yml:1:1: error: cannot read the mapping file: no such file\n');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('a port in use is a clear message and exit 2', async () => {
    const blocker = createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    const port = (blocker.address() as AddressInfo).port;
    try {
      const run = await startCommand(['--port', String(port)]);
      expect(await run.exit).toBe(2);
      expect(run.err.join('')).toBe(`peak-to-sigma wizard: port ${port} on 127.0.0.1 is already in use; choose another with --port N (0 picks a free one)\n`);
    } finally {
      await new Promise((resolve) => blocker.close(resolve));
    }
  });

  test('the CLI knows the command: help, and usage errors exit 2', async () => {
    const help = captureIO();
    expect(await runCli(['wizard', '--help'], help.io)).toBe(0);
    expect(help.out.join('')).toContain('usage: peak-to-sigma wizard [--port N] [--open]');
    const list = captureIO();
    expect(await runCli(['--help'], list.io)).toBe(0);
    expect(list.out.join('')).toMatch(/\n {2}wizard +start the guided web wizard/);
    const bad = captureIO();
    expect(await runCli(['wizard', '--port', 'http'], bad.io)).toBe(2);
    expect(bad.err.join('')).toContain('peak-to-sigma wizard: --port must be a port number');
  });
});
