import { bundledAttackCatalogue } from '../core/attack.js';
import { type Coverage, type CoverageChange, coverageOf, diffCoverage, isEmptyDiff } from '../core/coverage.js';
import { type Diagnostic, formatDiagnostic, hasErrors, sortDiagnostics } from '../core/diagnostics.js';
import { parseHuntReport } from '../core/hunt/parse.js';
import type { HuntReport } from '../core/hunt/schema.js';
import { collectHuntFiles } from '../shell/collect.js';
import { parseCommandArgs, reportFormat } from './convert.js';
import { type CliCommand, type CliIO, UsageError } from './io.js';

const USAGE = `usage: peak-to-sigma diff --base <files, dirs or globs> --head <files, dirs or globs> [--format text|json]

Compares the ATT&CK coverage of two sets of hunt reports (e.g. a checkout of the base branch and
the working tree): techniques added, removed, upgraded (unconfirmed → confirmed) and downgraded.
--base and --head may each be repeated.

exit codes: 0 ok, 1 a report has errors, 2 usage error`;

export const diffCommand: CliCommand = {
  name: 'diff',
  summary: 'compare the ATT&CK coverage of two sets of hunt reports',
  usage: USAGE,
  async run(args: string[], io: CliIO): Promise<number> {
    const { values } = parseCommandArgs(
      args,
      { base: { type: 'string', multiple: true }, head: { type: 'string', multiple: true }, format: { type: 'string' } },
      false
    );
    const output = reportFormat(values.format);
    if (!values.base?.length || !values.head?.length) throw new UsageError('name the base reports with --base and the head reports with --head');

    const diagnostics: Diagnostic[] = [];
    const base = await coverageFrom(values.base, io.cwd, diagnostics);
    const head = await coverageFrom(values.head, io.cwd, diagnostics);
    const diff = diffCoverage(base.coverage, head.coverage);
    const sorted = sortDiagnostics(diagnostics);

    if (output === 'json') {
      io.stdout(`${JSON.stringify({ base: { hunts: base.hunts }, head: { hunts: head.hunts }, ...diff, diagnostics: sorted }, null, 2)}\n`);
    } else {
      for (const d of sorted) io.stderr(`${formatDiagnostic(d)}\n`);
      io.stdout(describeDiff(diff, Object.keys(head.coverage).length));
    }
    return hasErrors(sorted) ? 1 : 0;
  }
};

async function coverageFrom(patterns: string[], cwd: string, diagnostics: Diagnostic[]): Promise<{ coverage: Coverage; hunts: number }> {
  const catalogue = bundledAttackCatalogue();
  const collected = await collectHuntFiles(patterns, cwd);
  diagnostics.push(...collected.diagnostics);
  const reports: { file: string; report: HuntReport }[] = [];
  for (const { file, bytes } of collected.files) {
    const parsed = parseHuntReport(bytes, file, catalogue);
    diagnostics.push(...parsed.diagnostics);
    if (parsed.report && !hasErrors(parsed.diagnostics)) reports.push({ file, report: parsed.report });
  }
  return { coverage: coverageOf(reports, catalogue), hunts: reports.length };
}

function describeDiff(diff: ReturnType<typeof diffCoverage>, headTechniques: number): string {
  if (isEmptyDiff(diff)) return `ATT&CK coverage unchanged (${headTechniques} technique${headTechniques === 1 ? '' : 's'})\n`;
  const sections: [string, string, CoverageChange[]][] = [
    ['added', '+', diff.added],
    ['removed', '-', diff.removed],
    ['upgraded to confirmed', '^', diff.upgraded],
    ['downgraded to unconfirmed', 'v', diff.downgraded]
  ];
  const lines = [
    `ATT&CK coverage: ${diff.added.length} added, ${diff.removed.length} removed, ${diff.upgraded.length} upgraded, ${diff.downgraded.length} downgraded`
  ];
  for (const [title, mark, changes] of sections) {
    if (!changes.length) continue;
    lines.push(`${title}:`);
    for (const c of changes) lines.push(`  ${mark} ${c.techniqueId} ${c.name} [${c.tactics.join(', ')}]${c.confirmed ? ' confirmed' : ''}`);
  }
  return `${lines.join('\n')}\n`;
}
