import type { AttackCatalogue } from '../core/attack.js';
import { convertHunts } from '../core/convert.js';
import type { Diagnostic } from '../core/diagnostics.js';
import { IOC_TYPES, type DataSourceType, type IocType, type KqlFlavor, OUTPUT_FORMATS, type OutputFormat, type StatusMap } from '../core/model.js';
import { formatKeyPath } from '../core/hunt/parse.js';
import { huntSlug, isContainedRelativePath } from '../core/paths.js';
import { describeIocRoute, type RoutingTable } from '../core/routing/table.js';
import { draftToReport, type PreviewRequest, reportToYaml } from './draft.js';

/**
 * The wizard's JSON endpoints as plain functions over the core: the HTTP layer only decodes the
 * request and encodes the answer, so what the page shows is exactly what the CLI would produce.
 */

export interface WizardContext {
  catalogue: AttackCatalogue;
  routing: RoutingTable;
  statusMap: StatusMap;
  lookbackDays: number;
}

export interface TechniqueHit {
  id: string;
  name: string;
  tactics: { shortname: string; name: string }[];
  deprecated: boolean;
}

export const MAX_TECHNIQUE_HITS = 12;

export function searchTechniques(query: string, catalogue: AttackCatalogue): TechniqueHit[] {
  return catalogue.search(query, MAX_TECHNIQUE_HITS).map((t) => ({
    id: t.id,
    name: t.name,
    tactics: t.tactics.map((shortname) => ({ shortname, name: catalogue.tactic(shortname)?.name ?? shortname })),
    deprecated: !!(t.deprecated || t.revoked)
  }));
}

export interface IocRoute {
  iocType: IocType;
  /** Where the IOC lands per format; null when this data-source type has no route for it. */
  route: { logsourceKey: string; sigma: string; kql: string; spl: string; sql: string } | null;
}

export function iocRoutes(dataSourceType: DataSourceType, kqlFlavor: KqlFlavor, routing: RoutingTable): IocRoute[] {
  return IOC_TYPES.map((iocType) => ({ iocType, route: describeIocRoute(routing, iocType, dataSourceType, kqlFlavor) ?? null }));
}

export interface PreviewFile {
  path: string;
  format: OutputFormat;
  content: string;
}

/** A diagnostic plus its message as shown next to its field, where the path prefix says nothing new. */
export interface WizardDiagnostic extends Diagnostic {
  fieldMessage: string;
}

export interface PreviewResponse {
  /** The hunt file as the wizard would save it. */
  yaml: string;
  /** Repository path the preview was computed for (what the user typed, or the suggestion). */
  fileName: string;
  suggestedFileName: string;
  diagnostics: WizardDiagnostic[];
  /** Every rule in every format plus the hunt's Navigator layer, in path order. */
  files: PreviewFile[];
}

/** Diagnostic path of the wizard's own field (not part of the hunt document). */
export const FILE_NAME_PATH = ['fileName'];

export function previewDraft(request: PreviewRequest, ctx: WizardContext): PreviewResponse {
  const report = draftToReport(request.report);
  const yaml = reportToYaml(report);
  const hunt = request.report.hunt;
  const suggestedFileName = `hunts/${huntSlug({ name: hunt.name.trim() || 'hunt', ...(hunt.id.trim() ? { id: hunt.id.trim() } : {}) })}.yaml`;
  const typed = request.fileName.trim();
  const fileNameOk = !typed || (isContainedRelativePath(typed) && /\.ya?ml$/i.test(typed));
  const fileName = typed && fileNameOk ? typed : suggestedFileName;

  const result = convertHunts([{ file: fileName, source: yaml }], {
    formats: [...OUTPUT_FORMATS],
    statusMap: ctx.statusMap,
    kqlFlavor: request.kqlFlavor,
    lookbackDays: ctx.lookbackDays,
    routing: ctx.routing,
    catalogue: ctx.catalogue
  });
  const diagnostics = [...result.diagnostics];
  if (!fileNameOk) {
    diagnostics.unshift({
      file: fileName,
      line: 1,
      column: 1,
      severity: 'error',
      message: 'must be a relative path inside the repository (no "..", no leading "/") ending in .yaml or .yml',
      path: FILE_NAME_PATH
    });
  }
  const files = (result.hunts[0]?.files ?? []).flatMap((f) => {
    const format = OUTPUT_FORMATS.find((o) => o === f.format);
    return format ? [{ path: f.path, format, content: f.content }] : [];
  });
  return { yaml, fileName, suggestedFileName, diagnostics: diagnostics.map(withFieldMessage), files };
}

function withFieldMessage(d: Diagnostic): WizardDiagnostic {
  const prefix = d.path.length ? `${formatKeyPath(d.path)}: ` : '';
  return { ...d, fieldMessage: prefix && d.message.startsWith(prefix) ? d.message.slice(prefix.length) : d.message };
}
