import { type AttackCatalogue, bundledAttackCatalogue } from './attack.js';
import { renderKql } from './backends/kql.js';
import { renderSigma } from './backends/sigma.js';
import { renderSpl } from './backends/spl.js';
import { renderSql } from './backends/sql.js';
import { type Coverage, coverageOf } from './coverage.js';
import { type Diagnostic, hasErrors, sortDiagnostics } from './diagnostics.js';
import { type ParsedHunt, parseHuntReport } from './hunt/parse.js';
import type { HuntReport } from './hunt/schema.js';
import { ALL_HUNTS_SOURCE, comparePaths, type GeneratedFile } from './manifest.js';
import type { KqlFlavor, OutputFormat, PlannedRule, RenderOptions, StatusMap } from './model.js';
import { attackCell, coverageLayer, huntLayer, serializeLayer } from './navigator.js';
import { huntSlug, isContainedRelativePath, slugify } from './paths.js';
import { planRules } from './rules/plan.js';
import { bundledRoutingTable, type RoutingTable } from './routing/table.js';

export type { GeneratedFile } from './manifest.js';

/**
 * The conversion pipeline (DESIGN.md §1): hunt files in, the planned output tree out (§6).
 * Pure and deterministic: the same inputs give byte-identical files, in path order.
 */

export interface ConvertOptions {
  formats: OutputFormat[];
  statusMap: StatusMap;
  kqlFlavor: KqlFlavor;
  lookbackDays: number;
  routing?: RoutingTable;
  catalogue?: AttackCatalogue;
}

export interface HuntInput {
  file: string;
  source: string | Uint8Array;
}

export interface HuntResult {
  file: string;
  slug?: string;
  report?: HuntReport;
  rules: PlannedRule[];
  files: GeneratedFile[];
  diagnostics: Diagnostic[];
}

export interface ConversionResult {
  hunts: HuntResult[];
  files: GeneratedFile[];
  coverage: Coverage;
  diagnostics: Diagnostic[];
}

export const COVERAGE_FILE = 'coverage.json';
export const NAVIGATOR_FILE = 'navigator.json';

/** The rule formats: each one a renderer, a directory, a file extension, and which rules it has a query for. */
const RULE_FORMATS: readonly {
  format: OutputFormat;
  extension: string;
  render: (rule: PlannedRule, options: RenderOptions) => string;
  covers?: (rule: PlannedRule) => boolean;
}[] = [
  { format: 'sigma', extension: 'yml', render: renderSigma },
  { format: 'kql', extension: 'kql', render: renderKql, covers: (rule) => rule.kql !== undefined },
  { format: 'spl', extension: 'spl', render: renderSpl },
  { format: 'sql', extension: 'sql', render: renderSql }
];

export function convertHunts(inputs: readonly HuntInput[], options: ConvertOptions): ConversionResult {
  const catalogue = options.catalogue ?? bundledAttackCatalogue();
  const routing = options.routing ?? bundledRoutingTable();
  const converted = inputs.map((input) => convertOne(input, options, catalogue, routing));
  rejectClashingHunts(converted);
  const hunts = converted.map((c) => c.result);

  const valid = hunts.filter((h): h is HuntResult & { report: HuntReport } => !!h.report && !hasErrors(h.diagnostics));
  const coverage = coverageOf(
    valid.map((h) => ({ file: h.file, report: h.report })),
    catalogue
  );
  const files = valid.flatMap((h) => h.files);
  if (options.formats.includes('navigator')) {
    files.push({ path: COVERAGE_FILE, content: serializeLayer(coverageLayer(coverage, catalogue)), source: ALL_HUNTS_SOURCE, format: 'coverage' });
  }
  files.sort((a, b) => comparePaths(a.path, b.path));
  return { hunts, files, coverage, diagnostics: sortDiagnostics(hunts.flatMap((h) => h.diagnostics)) };
}

interface Converted {
  result: HuntResult;
  locate: ParsedHunt['locate'];
}

/**
 * Positions for the rare diagnostics made after a hunt is converted (clashes between hunts). The
 * parsed document behind `ParsedHunt.locate` is large; keeping one per hunt until every hunt is
 * converted made the garbage collector copy all of them, so the file is parsed again if needed.
 */
function relocator(input: HuntInput, catalogue: AttackCatalogue): ParsedHunt['locate'] {
  let locate: ParsedHunt['locate'] | undefined;
  return (path) => (locate ??= parseHuntReport(input.source, input.file, catalogue).locate)(path);
}

function convertOne(input: HuntInput, options: ConvertOptions, catalogue: AttackCatalogue, routing: RoutingTable): Converted {
  const parsed = parseHuntReport(input.source, input.file, catalogue);
  const result: HuntResult = { file: input.file, rules: [], files: [], diagnostics: [...parsed.diagnostics] };
  const done = { result, locate: relocator(input, catalogue) };
  const report = parsed.report;
  if (!report || hasErrors(parsed.diagnostics)) return done;
  result.report = report;
  const slug = huntSlug(report.hunt);
  result.slug = slug;

  const plan = planRules(report, {
    file: input.file,
    locate: parsed.locate,
    statusMap: options.statusMap,
    kqlFlavor: options.kqlFlavor,
    routing,
    catalogue
  });
  result.rules = plan.rules;
  result.diagnostics.push(...plan.diagnostics);
  if (hasErrors(plan.diagnostics)) return done;

  const renderOptions: RenderOptions = { lookbackDays: options.lookbackDays, kqlFlavor: options.kqlFlavor };
  const baseNames = ruleBaseNames(plan.rules);
  const ruleFiles = new Map<string, string[]>();
  const files: GeneratedFile[] = [];
  for (const rule of plan.rules) {
    const baseName = baseNames.get(rule)!;
    for (const { format, extension, render, covers } of RULE_FORMATS) {
      if (!options.formats.includes(format) || (covers && !covers(rule))) continue;
      const relative = `${format}/${baseName}.${extension}`;
      let content: string;
      try {
        content = render(rule, renderOptions);
      } catch (err) {
        result.diagnostics.push(
          locatedError(input.file, parsed.locate, ['findings', rule.meta.findingIndex], `cannot render the ${format} rule for ${rule.logsourceKey}: ${err instanceof Error ? err.message : String(err)}`)
        );
        continue;
      }
      files.push({ path: `${slug}/${relative}`, content, source: input.file, format });
      ruleFiles.set(rule.meta.ruleId, [...(ruleFiles.get(rule.meta.ruleId) ?? []), relative]);
    }
  }

  if (options.formats.includes('navigator')) {
    report.findings.forEach((finding, index) => {
      const cell = attackCell(catalogue, finding.technique, finding.tactic);
      if (!cell.ok) result.diagnostics.push(locatedWarning(input.file, parsed.locate, ['findings', index, 'technique'], `left out of the Navigator layer: ${cell.reason}`));
    });
    const layer = huntLayer(report, plan.rules, { catalogue, file: input.file, ruleFiles });
    files.push({ path: `${slug}/${NAVIGATOR_FILE}`, content: serializeLayer(layer), source: input.file, format: 'navigator' });
  }

  const escaping = files.find((f) => !isContainedRelativePath(f.path));
  if (escaping) {
    result.diagnostics.push(locatedError(input.file, parsed.locate, ['hunt'], `output path ${JSON.stringify(escaping.path)} would leave the output directory`));
  }
  if (!hasErrors(result.diagnostics)) result.files = files.sort((a, b) => comparePaths(a.path, b.path));
  return done;
}

/**
 * `<technique>-<log source>` per rule, e.g. `t1557-001-process-creation`. Two findings of one hunt
 * may share both; then each of those gets its finding number so neither overwrites the other.
 */
function ruleBaseNames(rules: readonly PlannedRule[]): Map<PlannedRule, string> {
  const plain = new Map<PlannedRule, string>();
  const counts = new Map<string, number>();
  for (const rule of rules) {
    const name = `${slugify(rule.meta.technique.id)}-${slugify(rule.logsourceKey)}`;
    plain.set(rule, name);
    counts.set(name, (counts.get(name) ?? 0) + 1);
  }
  const names = new Map<PlannedRule, string>();
  for (const [rule, name] of plain) names.set(rule, counts.get(name)! > 1 ? `${name}-finding-${rule.meta.findingIndex + 1}` : name);
  return names;
}

/**
 * Two hunts that would write into the same directory, or share a hunt id (their rule ids are
 * derived from it), both fail, each naming the other: neither may overwrite the other's rules.
 */
function rejectClashingHunts(converted: readonly Converted[]): void {
  const clash = (keyOf: (c: Converted) => string | undefined, at: (string | number)[], message: (key: string, others: string) => string) => {
    const groups = new Map<string, Converted[]>();
    for (const c of converted) {
      const key = hasErrors(c.result.diagnostics) ? undefined : keyOf(c);
      if (key !== undefined) groups.set(key, [...(groups.get(key) ?? []), c]);
    }
    for (const [key, group] of groups) {
      if (group.length < 2) continue;
      for (const { result, locate } of group) {
        const others = group.filter((c) => c.result !== result).map((c) => c.result.file);
        result.diagnostics.push(locatedError(result.file, locate, at, message(key, others.join(', '))));
        result.files = [];
      }
    }
  };
  clash(
    (c) => c.result.report?.hunt.id,
    ['hunt', 'id'],
    (id, others) => `hunt id ${id} is also the id of ${others}; rule ids derive from it, so give each hunt its own id`
  );
  clash(
    (c) => c.result.slug,
    ['hunt', 'name'],
    (slug, others) => `this hunt's outputs would go to the directory "${slug}", like those of ${others}: give the hunts different ids or names`
  );
}

function locatedError(file: string, locate: ParsedHunt['locate'], path: (string | number)[], message: string): Diagnostic {
  return { file, ...locate(path), severity: 'error', message, path };
}

function locatedWarning(file: string, locate: ParsedHunt['locate'], path: (string | number)[], message: string): Diagnostic {
  return { file, ...locate(path), severity: 'warning', message, path };
}
