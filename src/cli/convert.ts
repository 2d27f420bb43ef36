import { join } from 'node:path';
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { convertHunts, type ConvertOptions } from '../core/convert.js';
import { type Diagnostic, formatDiagnostic, hasErrors, sortDiagnostics } from '../core/diagnostics.js';
import { type EnrichProvider, PROVIDER_LABELS } from '../core/enrichment.js';
import { DEFAULT_STATUS_MAP, OUTPUT_FORMATS } from '../core/model.js';
import { type EnrichmentPlan, planEnrichment } from '../enrich/index.js';
import { collectHuntFiles } from '../shell/collect.js';
import { loadMappings } from '../shell/mappings.js';
import { type OptionResult, parseFormats, parseKqlFlavor, parseLookbackDays, parseStatusMap } from '../shell/options.js';
import { writeOutputs } from '../shell/output-writer.js';
import { ENRICH_USAGE, parseEnrichFlags } from './enrich-options.js';
import { type CliCommand, type CliIO, UsageError } from './io.js';
import { countOf } from '../core/wording.js';

const USAGE = `usage: peak-to-sigma convert <files, dirs or globs...> --out DIR [options]

Writes, per hunt report, Sigma/KQL/SPL/SQL rules and a Navigator layer into DIR/<hunt>/, plus
DIR/coverage.json for all hunts. DIR mirrors the reports given: outputs of removed findings or
reports are deleted; files edited by hand are never overwritten (the run stops with exit 1).

options:
  --out DIR                 output directory (required)
  --formats LIST            ${OUTPUT_FORMATS.join(',')} or all (default: all)
  --kql-flavor xdr|sentinel KQL for Defender XDR advanced hunting or Sentinel (default: xdr)
  --status-map MAP          PEAK phase → Sigma status
                            (default: ${Object.entries(DEFAULT_STATUS_MAP).map(([p, s]) => `${p}=${s}`).join(',')})
  --lookback-days N         how far back queries look (default: 7)
  --mappings FILE           YAML file overriding the routing table (tables, fields)
  --force                   overwrite or delete generated files even if edited by hand
  --format text|json        how this command reports (default: text)
${ENRICH_USAGE}

exit codes: 0 ok, 1 a report has errors or an output conflicts, 2 usage error (enrichment
problems are warnings and never change the exit code)`;

/** `node:util` argument parsing with its errors turned into usage errors (exit 2). */
export function parseCommandArgs<T extends NonNullable<ParseArgsConfig['options']>>(args: string[], options: T, allowPositionals: boolean) {
  try {
    return parseArgs({ args, options, allowPositionals, strict: true });
  } catch (err) {
    throw new UsageError(err instanceof Error ? err.message : String(err));
  }
}

export function reportFormat(value: string | undefined): 'text' | 'json' {
  if (value === undefined || value === 'text' || value === 'json') return value ?? 'text';
  throw new UsageError(`--format must be text or json, got "${value}"`);
}

function required<T>(flag: string, result: OptionResult<T>): T {
  if (!result.ok) throw new UsageError(`${flag}: ${result.message}`);
  return result.value;
}

export const convertCommand: CliCommand = {
  name: 'convert',
  summary: 'turn hunt reports into Sigma, KQL, SPL, SQL and Navigator files',
  usage: USAGE,
  async run(args: string[], io: CliIO): Promise<number> {
    const enrich = parseEnrichFlags(args, io.env);
    const { values, positionals } = parseCommandArgs(
      enrich.rest,
      {
        out: { type: 'string' },
        formats: { type: 'string' },
        'kql-flavor': { type: 'string' },
        'status-map': { type: 'string' },
        'lookback-days': { type: 'string' },
        mappings: { type: 'string' },
        force: { type: 'boolean' },
        format: { type: 'string' }
      },
      true
    );
    const output = reportFormat(values.format);
    if (!positionals.length) throw new UsageError('name at least one hunt report, directory or glob');
    if (!values.out) throw new UsageError('--out DIR is required');
    const outDir = values.out;
    const force = values.force ?? false;
    const options: ConvertOptions = {
      formats: values.formats === undefined ? [...OUTPUT_FORMATS] : required('--formats', parseFormats(values.formats)),
      kqlFlavor: values['kql-flavor'] === undefined ? 'xdr' : required('--kql-flavor', parseKqlFlavor(values['kql-flavor'])),
      statusMap: values['status-map'] === undefined ? { ...DEFAULT_STATUS_MAP } : required('--status-map', parseStatusMap(values['status-map'])),
      lookbackDays: values['lookback-days'] === undefined ? 7 : required('--lookback-days', parseLookbackDays(values['lookback-days']))
    };

    const diagnostics: Diagnostic[] = [];
    if (values.mappings !== undefined) {
      const loaded = await loadMappings(values.mappings, io.cwd);
      diagnostics.push(...loaded.diagnostics);
      if (!loaded.routing) return finish(io, output, { outDir, diagnostics });
      options.routing = loaded.routing;
    }

    const collected = await collectHuntFiles(positionals, io.cwd);
    diagnostics.push(...collected.diagnostics);
    const result = convertHunts(
      collected.files.map((f) => ({ file: f.file, source: f.bytes })),
      options
    );
    diagnostics.push(...result.diagnostics);
    const failed = result.hunts.filter((h) => hasErrors(h.diagnostics)).map((h) => h.file);
    const converted = result.hunts.filter((h) => !hasErrors(h.diagnostics));

    // Always planned, also without --enrich: existing enrichment.md files must stay planned, or
    // the writer would delete them as stale outputs.
    const enrichment = await planEnrichment({ hunts: result.hunts, outDir, cwd: io.cwd, config: enrich.config });
    const enrichmentWarnings = [...(enrich.warning ? [enrich.warning] : []), ...enrichment.warnings];

    const outcome = writeOutputs({ outDir, cwd: io.cwd, planned: [...result.files, ...enrichment.files], scope: { sources: 'all', keep: failed }, force });
    diagnostics.push(...outcome.diagnostics);
    for (const conflict of outcome.conflicts) {
      diagnostics.push({
        file: join(outDir, conflict.path),
        line: 1,
        column: 1,
        severity: force ? 'warning' : 'error',
        message: force ? `${conflict.reason}; overwritten (--force)` : `${conflict.reason}; left as it is (rerun with --force to overwrite it)`,
        path: []
      });
    }
    return finish(io, output, {
      outDir,
      diagnostics,
      hunts: result.hunts.length,
      converted: converted.length,
      findings: converted.reduce((n, h) => n + (h.report?.findings.length ?? 0), 0),
      rules: converted.reduce((n, h) => n + h.rules.length, 0),
      outcome,
      enrichment: enrichmentSummary(enrichment, enrichmentWarnings)
    });
  }
};

interface Summary {
  outDir: string;
  diagnostics: Diagnostic[];
  hunts?: number;
  converted?: number;
  findings?: number;
  rules?: number;
  outcome?: ReturnType<typeof writeOutputs>;
  enrichment?: EnrichmentSummary;
}

/** The `enrichment` part of the JSON report; provider and model are null when enrichment did not run. */
interface EnrichmentSummary {
  provider: EnrichProvider | null;
  model: string | null;
  /** Hunts answered by the provider in this run. */
  enriched: number;
  /** Unchanged hunts whose enrichment.md was kept without a request. */
  cached: number;
  /** Hunts whose enrichment failed (their previous enrichment.md, if any, is kept). */
  failed: number;
  warnings: string[];
}

function enrichmentSummary(plan: EnrichmentPlan, warnings: string[]): EnrichmentSummary {
  const results = plan.run?.results ?? [];
  return {
    provider: plan.run?.provider ?? null,
    model: plan.run?.model ?? null,
    enriched: results.filter((r) => !r.cached && r.answer).length,
    cached: results.filter((r) => r.cached).length,
    failed: results.filter((r) => r.warning).length,
    warnings
  };
}

const NO_ENRICHMENT: EnrichmentSummary = { provider: null, model: null, enriched: 0, cached: 0, failed: 0, warnings: [] };

function finish(io: CliIO, output: 'text' | 'json', summary: Summary): number {
  const diagnostics = sortDiagnostics(summary.diagnostics);
  const outcome = summary.outcome;
  const failed = hasErrors(diagnostics) || !outcome?.applied;
  const enrichment = summary.enrichment ?? NO_ENRICHMENT;
  // On stderr in both formats: stdout stays the report (JSON has them in `enrichment.warnings` too).
  for (const warning of enrichment.warnings) io.stderr(`warning: ${warning}\n`);
  if (output === 'json') {
    io.stdout(
      `${JSON.stringify(
        {
          out: summary.outDir,
          hunts: summary.hunts ?? 0,
          converted: summary.converted ?? 0,
          findings: summary.findings ?? 0,
          rules: summary.rules ?? 0,
          files: { written: outcome?.written ?? [], unchanged: outcome?.unchanged ?? [], deleted: outcome?.deleted ?? [] },
          conflicts: outcome?.conflicts ?? [],
          diagnostics,
          enrichment
        },
        null,
        2
      )}\n`
    );
  } else {
    for (const d of diagnostics) io.stderr(`${formatDiagnostic(d)}\n`);
    if (outcome?.applied) {
      io.stdout(
        `converted ${summary.converted} of ${countOf(summary.hunts ?? 0, 'hunt report')} (${countOf(summary.findings ?? 0, 'finding')}, ${countOf(summary.rules ?? 0, 'rule')}) into ${summary.outDir}: ` +
          `${outcome.written.length} written, ${outcome.unchanged.length} unchanged, ${outcome.deleted.length} deleted\n`
      );
    } else {
      io.stdout(`nothing written to ${summary.outDir}: see the errors above\n`);
    }
    if (enrichment.provider) {
      io.stdout(`enrichment (${PROVIDER_LABELS[enrichment.provider]} ${enrichment.model}): ${enrichment.enriched} enriched, ${enrichment.cached} unchanged, ${enrichment.failed} failed\n`);
    }
  }
  return failed ? 1 : 0;
}
