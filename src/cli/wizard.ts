import { execFile } from 'node:child_process';
import { formatDiagnostic } from '../core/diagnostics.js';
import type { KqlFlavor, StatusMap } from '../core/model.js';
import type { RoutingTable } from '../core/routing/table.js';
import { loadMappings } from '../shell/mappings.js';
import { type OptionResult, parseKqlFlavor, parseLookbackDays, parseStatusMap } from '../shell/options.js';
import { startWizardServer } from '../wizard/server.js';
import { type CliCommand, type CliIO, UsageError } from './io.js';

export const DEFAULT_WIZARD_PORT = 8787;

const USAGE = `usage: peak-to-sigma wizard [--port N] [--open] [--kql-flavor xdr|sentinel] [--status-map MAP] [--lookback-days N] [--mappings FILE]

Starts the guided web wizard on this computer (http://127.0.0.1:<port>/, never reachable from
other machines): four steps to describe a hunt, with a live preview of every generated rule.
Stop it with Ctrl+C.

  --port N           port to listen on (default ${DEFAULT_WIZARD_PORT}; 0 picks a free one)
  --open             open the wizard in the default browser
  --kql-flavor F     KQL flavour the page starts with (xdr or sentinel; default xdr)
  --status-map MAP   PEAK phase to Sigma status, e.g. Validated=stable,Scoped=test,Unscoped=experimental
  --lookback-days N  how far back the previewed queries look (default 7)
  --mappings FILE    YAML file overriding the routing table, as for convert

exit codes: 0 stopped, 1 the mapping file has errors, 2 usage error or the port cannot be used`;

export interface WizardArgs {
  port: number;
  open: boolean;
  kqlFlavor?: KqlFlavor;
  statusMap?: StatusMap;
  lookbackDays?: number;
  mappings?: string;
}

export function parseWizardArgs(args: string[]): WizardArgs {
  const parsed: WizardArgs = { port: DEFAULT_WIZARD_PORT, open: false };
  const option = <T>(name: string, result: OptionResult<T>): T => {
    if (!result.ok) throw new UsageError(`${name}: ${result.message}`);
    return result.value;
  };
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    const [flag, inline] = arg.startsWith('--') && arg.includes('=') ? [arg.slice(0, arg.indexOf('=')), arg.slice(arg.indexOf('=') + 1)] : [arg, undefined];
    const value = (): string => {
      if (inline !== undefined) return inline;
      const next = args[++i];
      if (next === undefined) throw new UsageError(`${flag} needs a value`);
      return next;
    };
    switch (flag) {
      case '--port': {
        const text = value();
        const port = /^\d{1,5}$/.test(text) ? Number(text) : NaN;
        if (!(port >= 0 && port <= 65535)) throw new UsageError(`--port must be a port number from 0 to 65535, got "${text}"`);
        parsed.port = port;
        break;
      }
      case '--open':
        if (inline !== undefined) throw new UsageError('--open takes no value');
        parsed.open = true;
        break;
      case '--kql-flavor':
        parsed.kqlFlavor = option(flag, parseKqlFlavor(value()));
        break;
      case '--status-map':
        parsed.statusMap = option(flag, parseStatusMap(value()));
        break;
      case '--lookback-days':
        parsed.lookbackDays = option(flag, parseLookbackDays(value()));
        break;
      case '--mappings':
        parsed.mappings = value();
        break;
      default:
        throw new UsageError(`unknown option "${arg}"`);
    }
  }
  return parsed;
}

/** The platform's "open this URL" command, as an argv array (never a shell string). */
export function browserCommand(platform: NodeJS.Platform, url: string): [string, string[]] {
  if (platform === 'darwin') return ['open', [url]];
  // Not `cmd /c start`: cmd re-parses its command line, rundll32 takes the URL as one argument.
  if (platform === 'win32') return ['rundll32.exe', ['url.dll,FileProtocolHandler', url]];
  return ['xdg-open', [url]];
}

export type OpenUrl = (url: string) => Promise<void>;

/** Opens the system browser; resolves either way, rejecting only to say why it could not. */
export const openInBrowser: OpenUrl = (url) =>
  new Promise((resolve, reject) => {
    const [command, argv] = browserCommand(process.platform, url);
    try {
      const child = execFile(command, argv, { timeout: 10_000, windowsHide: true }, (err) => (err ? reject(err) : resolve()));
      child.unref();
    } catch (err) {
      reject(err instanceof Error ? err : new Error(String(err)));
    }
  });

/** Resolves on Ctrl+C or SIGTERM. */
function untilInterrupted(): Promise<void> {
  return new Promise((resolve) => {
    const stop = () => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      resolve();
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
}

/** The routing table with the user's mapping file applied; undefined (after printing why) when it has errors. */
async function loadRouting(file: string, io: CliIO): Promise<RoutingTable | undefined> {
  const loaded = await loadMappings(file, io.cwd);
  for (const d of loaded.diagnostics) io.stderr(`${formatDiagnostic(d)}\n`);
  return loaded.routing;
}

/** Serves the wizard until `stopped()` resolves. Exit code 0; 1 for a broken mapping file; 2 when the port cannot be used. */
export async function runWizard(args: string[], io: CliIO, stopped: () => Promise<void>, open: OpenUrl = openInBrowser): Promise<number> {
  const options = parseWizardArgs(args);
  const routing = options.mappings === undefined ? undefined : await loadRouting(options.mappings, io);
  if (options.mappings !== undefined && !routing) return 1;
  let server;
  try {
    server = await startWizardServer({
      port: options.port,
      ...(routing ? { routing } : {}),
      ...(options.kqlFlavor ? { kqlFlavor: options.kqlFlavor } : {}),
      ...(options.statusMap ? { statusMap: options.statusMap } : {}),
      ...(options.lookbackDays ? { lookbackDays: options.lookbackDays } : {}),
      log: (line) => io.stderr(`${line}\n`)
    });
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    const why = code === 'EADDRINUSE' ? 'is already in use' : code === 'EACCES' ? 'is not allowed for this user' : `cannot be used (${err instanceof Error ? err.message : String(err)})`;
    io.stderr(`peak-to-sigma wizard: port ${options.port} on 127.0.0.1 ${why}; choose another with --port N (0 picks a free one)\n`);
    return 2;
  }
  io.stdout(`peak-to-sigma wizard: open ${server.url} in your browser (Ctrl+C stops it)\n`);
  if (options.open) {
    open(server.url).catch((err: unknown) => {
      io.stderr(`peak-to-sigma wizard: could not open a browser (${err instanceof Error ? err.message : String(err)}); open ${server.url} yourself\n`);
    });
  }
  await stopped();
  await server.close();
  io.stdout('peak-to-sigma wizard: stopped\n');
  return 0;
}

export const wizardCommand: CliCommand = {
  name: 'wizard',
  summary: 'start the guided web wizard on this computer',
  usage: USAGE,
  run: (args, io) => runWizard(args, io, untilInterrupted)
};
