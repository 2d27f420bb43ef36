import type { HuntResult } from '../core/convert.js';
import type { Coverage } from '../core/coverage.js';
import { hasErrors } from '../core/diagnostics.js';
import type { PlannedRule } from '../core/model.js';
import { slugify } from '../core/paths.js';
import type { ReportFinding, ReportHunt } from './report-markdown.js';

const RULE_FORMATS = new Set(['sigma', 'kql', 'spl', 'sql']);

/**
 * The findings tables of the report, from the conversion results of the hunts in this run:
 * one row per finding, linking each rule file generated for it (repository-relative paths).
 */
export function reportHunts(hunts: readonly HuntResult[], coverage: Coverage, outputDir: string): ReportHunt[] {
  return hunts.flatMap((hunt) => {
    const report = hunt.report;
    if (!report || hasErrors(hunt.diagnostics)) return [];
    const layer = hunt.files.find((f) => f.format === 'navigator');
    const findings = report.findings.map((finding, index): ReportFinding => {
      const rules = hunt.rules.filter((r) => r.meta.findingIndex === index);
      const technique = finding.technique.toUpperCase();
      return {
        technique,
        techniqueName: coverage[technique]?.name ?? finding.technique_name ?? technique,
        tactic: rules[0]?.meta.tactic.shortname ?? finding.tactic,
        confirmed: finding.confirmed,
        status: rules[0]?.meta.status,
        level: rules[0]?.meta.level,
        iocs: finding.iocs.length,
        files: rules.flatMap((rule) => ruleFiles(hunt, rule, index, rules.length > 1, outputDir))
      };
    });
    return [{ file: hunt.file, name: report.hunt.name, peakPhase: report.hunt.peak_phase, findings, layerPath: layer && `${outputDir}/${layer.path}` }];
  });
}

/**
 * The files of one rule: `<format>/<technique>-<log source>.<ext>`, or with `-finding-<n>`
 * when two findings of the hunt share technique and log source (convert.ts names them so).
 */
function ruleFiles(hunt: HuntResult, rule: PlannedRule, findingIndex: number, several: boolean, outputDir: string): { label: string; path: string }[] {
  const base = `${slugify(rule.meta.technique.id)}-${slugify(rule.logsourceKey)}`;
  const names = new Set([base, `${base}-finding-${findingIndex + 1}`]);
  return hunt.files
    .filter((f) => RULE_FORMATS.has(f.format) && f.path.startsWith(`${hunt.slug}/${f.format}/`) && names.has(stem(f.path)))
    .map((f) => ({ label: several ? `${f.format} (${rule.logsourceKey})` : f.format, path: `${outputDir}/${f.path}` }));
}

function stem(path: string): string {
  const name = path.slice(path.lastIndexOf('/') + 1);
  const dot = name.lastIndexOf('.');
  return dot > 0 ? name.slice(0, dot) : name;
}
