import { Document, parse as parseYaml, visit } from 'yaml';
import { z } from 'zod';
import { KQL_FLAVORS } from '../core/model.js';

/**
 * What the wizard page posts: the form as it stands, every field a string (or a flag, or a list
 * of lines), however incomplete. The shape is strict (an unknown field is a 400), the values are
 * not: judging them is the core's job, so an empty or wrong value comes back as a diagnostic on
 * its field rather than as a rejected request.
 */

const MAX_TEXT = 20_000;
const MAX_ROWS = 200;

const text = z.string().max(MAX_TEXT, `must be at most ${MAX_TEXT} characters`);
const lines = z.array(text).max(MAX_ROWS, `must have at most ${MAX_ROWS} lines`);
const rows = <T extends z.ZodType>(row: T) => z.array(row).max(MAX_ROWS, `must have at most ${MAX_ROWS} rows`);

export const DraftIocSchema = z.strictObject({ type: text, value: text, match: text });

export const DraftFindingSchema = z.strictObject({
  tactic: text,
  technique: text,
  technique_name: text,
  confirmed: z.boolean(),
  description: text,
  data_source_ref: text,
  iocs: rows(DraftIocSchema),
  falsepositives: lines,
  level: text
});

export const DraftDataSourceSchema = z.strictObject({ name: text, type: text, coverage: text });

export const DraftHuntSchema = z.strictObject({
  id: text,
  name: text,
  hypothesis: text,
  analyst: text,
  date: text,
  peak_phase: text,
  hunt_type: text,
  references: lines
});

export const DraftReportSchema = z.strictObject({
  hunt: DraftHuntSchema,
  data_sources: rows(DraftDataSourceSchema),
  findings: rows(DraftFindingSchema),
  verdict: text
});

/** `POST /api/preview`. `fileName` is where the hunt will live in the repository (blank: suggested). */
export const PreviewRequestSchema = z.strictObject({
  report: DraftReportSchema,
  fileName: text,
  kqlFlavor: z.enum(KQL_FLAVORS)
});

export type DraftReport = z.infer<typeof DraftReportSchema>;
export type PreviewRequest = z.infer<typeof PreviewRequestSchema>;

/** One line per problem, naming the field: `report.findings.0: unknown field "finding"`. */
export function describeRequestIssues(error: z.ZodError, max = 5): string {
  const messages = error.issues.slice(0, max).map((issue) => {
    const where = ['request', ...issue.path.map(String)].join('.');
    if (issue.code === 'unrecognized_keys') {
      const keys = issue.keys.map((k) => JSON.stringify(k)).join(', ');
      return `${where}: unknown field${issue.keys.length > 1 ? 's' : ''} ${keys}`;
    }
    if (issue.code === 'invalid_type' && / received undefined$/.test(issue.message)) return `${where}: missing (expected ${issue.expected})`;
    return `${where}: ${issue.message}`;
  });
  const more = error.issues.length > max ? ` (and ${error.issues.length - max} more)` : '';
  return messages.join('; ') + more;
}

const isBlank = (s: string) => s.trim() === '';
const nonBlankLines = (items: string[]) => items.map((s) => s.trim()).filter(Boolean);

/**
 * The hunt report (DESIGN.md §2 key order) the draft describes. Optional fields left blank are
 * left out; required ones are kept even when empty so the schema names them. Rows are never
 * dropped, so a diagnostic's path indexes the same row the form shows.
 */
export function draftToReport(draft: DraftReport): Record<string, unknown> {
  const { hunt } = draft;
  return {
    hunt: {
      ...(isBlank(hunt.id) ? {} : { id: hunt.id.trim() }),
      name: hunt.name,
      hypothesis: hunt.hypothesis,
      analyst: hunt.analyst,
      date: hunt.date,
      peak_phase: hunt.peak_phase,
      ...(isBlank(hunt.hunt_type) ? {} : { hunt_type: hunt.hunt_type }),
      ...(nonBlankLines(hunt.references).length ? { references: nonBlankLines(hunt.references) } : {})
    },
    data_sources: draft.data_sources.map((ds) => ({
      name: ds.name,
      type: ds.type,
      ...(isBlank(ds.coverage) ? {} : { coverage: ds.coverage })
    })),
    findings: draft.findings.map((f) => ({
      tactic: f.tactic,
      technique: f.technique.trim(),
      ...(isBlank(f.technique_name) ? {} : { technique_name: f.technique_name }),
      confirmed: f.confirmed,
      description: f.description,
      data_source_ref: f.data_source_ref,
      iocs: f.iocs.map((ioc) => ({
        type: ioc.type,
        value: ioc.type === 'network_port' && /^\s*\d{1,5}\s*$/.test(ioc.value) ? Number(ioc.value) : ioc.value,
        ...(isBlank(ioc.match) ? {} : { match: ioc.match })
      })),
      ...(nonBlankLines(f.falsepositives).length ? { falsepositives: nonBlankLines(f.falsepositives) } : {}),
      ...(isBlank(f.level) ? {} : { level: f.level })
    })),
    verdict: draft.verdict
  };
}

/**
 * The report as YAML that reads the same under YAML 1.2 (this tool) and YAML 1.1 (PyYAML, most
 * Sigma tooling): a one-line string that 1.1 would take for something else (`yes`, `2026-04-08`,
 * `0o17`) is double-quoted. 1.2's own look-alikes (`null`, `1e3`) the serializer quotes already.
 */
export function reportToYaml(report: Record<string, unknown>): string {
  const doc = new Document(report);
  visit(doc, {
    Scalar(_key, node) {
      if (typeof node.value === 'string' && !node.value.includes('\n') && !readsAsSameUnderYaml11(node.value)) node.type = 'QUOTE_DOUBLE';
    }
  });
  return doc.toString({ lineWidth: 100 });
}

function readsAsSameUnderYaml11(value: string): boolean {
  try {
    return parseYaml(value, { version: '1.1' }) === value;
  } catch {
    return false;
  }
}
