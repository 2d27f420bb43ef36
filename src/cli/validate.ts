import { parseArgs } from 'node:util';
import { type Diagnostic, formatDiagnostic, sortDiagnostics } from '../core/diagnostics.js';
import { parseHuntReport } from '../core/hunt/parse.js';
import { collectHuntFiles } from '../shell/collect.js';
import { type CliCommand, UsageError } from './io.js';
import { countOf } from '../core/wording.js';

const FORMATS = ['text', 'json'] as const;

/** "3 reports checked: 1 with errors (2 errors, 1 warning)". */
export function summarise(fileCount: number, diagnostics: readonly Diagnostic[]): string {
  const errors = diagnostics.filter((d) => d.severity === 'error');
  const warnings = diagnostics.length - errors.length;
  const filesWithErrors = new Set(errors.map((d) => d.file)).size;
  const head = `${countOf(fileCount, 'report')} checked`;
  if (errors.length > 0) {
    const counts = [countOf(errors.length, 'error'), ...(warnings > 0 ? [countOf(warnings, 'warning')] : [])].join(', ');
    return `${head}: ${filesWithErrors} with errors (${counts})`;
  }
  return `${head}: no errors${warnings > 0 ? ` (${countOf(warnings, 'warning')})` : ''}`;
}

/** Options parsed from the command line; usage errors are thrown as UsageError (exit 2). */
function parseValidateArgs(args: string[]): { format: (typeof FORMATS)[number]; targets: string[] } {
  let parsed;
  try {
    parsed = parseArgs({ args, options: { format: { type: 'string', default: 'text' } }, allowPositionals: true, strict: true });
  } catch (err) {
    throw new UsageError(err instanceof Error ? err.message : String(err));
  }
  const format = FORMATS.find((f) => f === parsed.values.format);
  if (!format) throw new UsageError(`--format must be text or json (got '${parsed.values.format}')`);
  if (parsed.positionals.length === 0) throw new UsageError('give at least one hunt report file, directory or glob');
  return { format, targets: parsed.positionals };
}

export const validateCommand: CliCommand = {
  name: 'validate',
  summary: 'check hunt reports against the schema and ATT&CK',
  usage: [
    'usage: peak-to-sigma validate <files, dirs or globs...> [--format text|json]',
    '',
    'Checks each hunt report (YAML or JSON) and prints every problem as path:line:col: severity: message.',
    'Directories are searched recursively for *.yml, *.yaml and *.json.',
    '',
    'options:',
    '  --format text|json  text (default): problems on stderr; json: a JSON array of problems on stdout',
    '',
    'exit status: 0 no errors (warnings allowed), 1 a report has errors, 2 usage error'
  ].join('\n'),
  async run(args, io) {
    const { format, targets } = parseValidateArgs(args);
    const collected = await collectHuntFiles(targets, io.cwd);
    const diagnostics = [...collected.diagnostics];
    for (const { file, bytes } of collected.files) diagnostics.push(...parseHuntReport(bytes, file).diagnostics);
    const sorted = sortDiagnostics(diagnostics);
    const checked = new Set([...collected.files.map((f) => f.file), ...diagnostics.map((d) => d.file)]).size;

    if (format === 'json') {
      const rows = sorted.map(({ file, line, column, severity, message, path }) => ({ file, line, column, severity, message, path }));
      io.stdout(`${JSON.stringify(rows, null, 2)}\n`);
    } else {
      for (const d of sorted) io.stderr(`${formatDiagnostic(d)}\n`);
    }
    io.stderr(`${summarise(checked, sorted)}\n`);
    return sorted.some((d) => d.severity === 'error') ? 1 : 0;
  }
};
