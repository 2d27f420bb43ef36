import type { AttackCatalogue } from '../attack.js';
import type { Diagnostic } from '../diagnostics.js';
import type { DataSource, Finding, HuntReport, Ioc } from '../hunt/schema.js';
import { uuidV5 } from '../ids.js';
import type {
  Condition,
  FieldMatch,
  IocType,
  KqlFlavor,
  MatchOperator,
  PlannedRule,
  QueryTarget,
  RuleMeta,
  SigmaLevel,
  StatusMap
} from '../model.js';
import { canonicalIPv6Text } from '../ip.js';
import { huntSlug } from '../paths.js';
import { type FieldSpec, type IocTarget, type LogsourceDef, type RoutingTable, routeOf } from '../routing/table.js';

/**
 * The rule planner (DESIGN.md §3–§4): a finding becomes one rule per log source its IOCs need,
 * never a rule that mixes fields of different log sources. Each backend gets its own condition
 * tree with that backend's field names, so renderers only escape and print.
 */

export interface PlanContext {
  file: string;
  locate: (path: (string | number)[]) => { line: number; column: number };
  statusMap: StatusMap;
  kqlFlavor: KqlFlavor;
  routing: RoutingTable;
  catalogue: AttackCatalogue;
}

export interface PlanResult {
  rules: PlannedRule[];
  diagnostics: Diagnostic[];
}

/** The Sigma tag format (`__tests__/data/sigma-detection-rule-schema.json`). */
const SIGMA_TAG = /^[a-z0-9_-]+\.[a-z0-9._-]+$/;
/** SigmaHQ keeps titles short; ours are "<technique>: <finding summary> (<log source>)" within this budget. */
const TITLE_MAX = 120;
const TITLE_SUMMARY_MIN = 40;
const PROCESS_IOCS: readonly IocType[] = ['process_name', 'command_line'];

export function planRules(report: HuntReport, ctx: PlanContext): PlanResult {
  const diagnostics: Diagnostic[] = [];
  const at = (path: (string | number)[], severity: Diagnostic['severity'], message: string) =>
    diagnostics.push({ file: ctx.file, ...ctx.locate(path), severity, message, path });

  const drafts: Draft[] = [];
  report.findings.forEach((finding, findingIndex) => {
    const dataSource = report.data_sources.find((ds) => ds.name === finding.data_source_ref);
    if (!dataSource) {
      at(['findings', findingIndex, 'data_source_ref'], 'error', `names no data source of this report: "${finding.data_source_ref}"`);
      return;
    }
    drafts.push(...planFinding(report, finding, findingIndex, dataSource, ctx, at));
  });

  // Two findings of one hunt with the same technique and log source: each such rule's id also
  // names its finding, the way the output file names do, so no two rules share an id or a file.
  const pairCount = new Map<string, number>();
  for (const d of drafts) pairCount.set(d.pairKey, (pairCount.get(d.pairKey) ?? 0) + 1);
  const huntKey = report.hunt.id ?? huntSlug(report.hunt);
  const rules = drafts.map((d) => {
    const shared = (pairCount.get(d.pairKey) ?? 0) > 1;
    const name = `${huntKey}|${d.rule.meta.technique.id}|${d.rule.logsourceKey}${shared ? `|finding-${d.rule.meta.findingIndex + 1}` : ''}`;
    d.rule.meta.ruleId = uuidV5(name);
    return d.rule;
  });
  return { rules, diagnostics };
}

interface Draft {
  pairKey: string;
  rule: PlannedRule;
}

type Report = (path: (string | number)[], severity: Diagnostic['severity'], message: string) => void;

/** One IOC on its way into a rule: its position (for messages) and how it matches. */
interface PlacedIoc {
  index: number;
  ioc: Ioc;
  target: IocTarget;
  match: PlannedMatch;
}

/** The backend-neutral match of one IOC: operator and value before any field transform. */
interface PlannedMatch {
  operator: MatchOperator;
  value: string | number;
  /** A default domain match also matches subdomains. */
  subdomains: boolean;
}

function planFinding(report: HuntReport, finding: Finding, findingIndex: number, dataSource: DataSource, ctx: PlanContext, at: Report): Draft[] {
  const { routing } = ctx;
  const byLogsource = new Map<string, PlacedIoc[]>();
  finding.iocs.forEach((ioc, index) => {
    const iocPath = ['findings', findingIndex, 'iocs', index];
    const route = routeOf(routing, ioc.type, dataSource.type);
    if (!route) {
      at([...iocPath, 'type'], 'warning', `the mapping file routes no ${ioc.type} IOC from ${article(dataSource.type)} ${dataSource.type} data source; this IOC is left out of the rules`);
      return;
    }
    const logsource = routing.logsources[route.logsourceKey]!;
    if (!route.native) {
      at(
        [...iocPath, 'type'],
        'warning',
        `${article(dataSource.type)} ${dataSource.type} data source ("${dataSource.name}") does not record ${ioc.type} IOCs; this IOC is matched in ${logsource.label} logs (${route.logsourceKey}) instead`
      );
    }
    const match = plannedMatch(ioc, route.target, (message) => at(iocPath, 'warning', message));
    const placed = { index, ioc, target: route.target, match };
    byLogsource.set(route.logsourceKey, [...(byLogsource.get(route.logsourceKey) ?? []), placed]);
  });

  const drafts: Draft[] = [];
  const several = byLogsource.size > 1;
  for (const [logsourceKey, iocs] of byLogsource) {
    const logsource = routing.logsources[logsourceKey]!;
    const kqlTable = logsource.kql[ctx.kqlFlavor];
    if (!kqlTable) {
      at(
        ['findings', findingIndex, 'iocs', iocs[0]!.index, 'type'],
        'warning',
        `the ${ctx.kqlFlavor} KQL flavour has no table for ${logsource.label} logs, so this finding's ${iocs
          .map((p) => p.ioc.type)
          .join(', ')} IOCs get Sigma, SPL and SQL rules but no KQL query; use the other flavour or a mapping file that names your table`
      );
    }
    warnLoneParent(iocs, findingIndex, at);
    const meta = ruleMeta(report, finding, findingIndex, dataSource, logsource, several, ctx);
    const kqlFlavor = ctx.kqlFlavor;
    const rule: PlannedRule = {
      meta,
      logsourceKey,
      sigma: { logsource: { ...logsource.sigma }, condition: combine(iocs, (p) => matchCondition(p.target.sigma, p.match)) },
      kql: kqlTable
        ? {
            source: kqlTable.table,
            timeField: kqlTable.timeField,
            projection: [...kqlTable.projection],
            condition: combine(iocs, (p) => matchCondition(kqlField(p.target, kqlFlavor, logsourceKey), p.match))
          }
        : undefined,
      spl: queryTarget(
        logsource.spl.source,
        logsource.spl.timeField,
        logsource.spl.projection,
        combine(iocs, (p) => matchCondition(p.target.spl, p.match)),
        logsource.spl.sourcetype[dataSource.type] ?? logsource.spl.sourcetype['default']
      ),
      sql: queryTarget(logsource.sql.table, logsource.sql.timeField, logsource.sql.projection, combine(iocs, (p) => matchCondition(p.target.sql, p.match)))
    };
    drafts.push({ pairKey: `${meta.technique.id}|${logsourceKey}`, rule });
  }
  return drafts;
}

function kqlField(target: IocTarget, flavor: KqlFlavor, logsourceKey: string): FieldSpec {
  const spec = target.kql[flavor];
  // The routing table test guarantees a column wherever the log source has a table.
  if (!spec) throw new Error(`routing table: a ${logsourceKey} target has a ${flavor} table but no column`);
  return spec;
}

function queryTarget(source: string, timeField: string, projection: string[], condition: Condition, sourceHint?: string): QueryTarget {
  return sourceHint === undefined
    ? { source, timeField, projection: [...projection], condition }
    : { source, sourceHint, timeField, projection: [...projection], condition };
}

// ---------------------------------------------------------------------------------------------
// Matching: from an IOC and its route's default to the operator and value, then per field.

function plannedMatch(ioc: Ioc, target: IocTarget, warn: (message: string) => void): PlannedMatch {
  if (ioc.type === 'network_port') {
    if (ioc.match && ioc.match !== 'exact') warn(`ports are compared as numbers; "match: ${ioc.match}" is ignored`);
    return { operator: 'equals', value: Number(ioc.value), subdomains: false };
  }
  let value = String(ioc.value);
  const match = ioc.match ?? target.match;
  if ((ioc.type === 'process_name' || ioc.type === 'parent_process') && match !== 'regex' && /[\\/]/.test(value)) {
    const name = value.split(/[\\/]/).filter((part) => part !== '').pop() ?? value;
    warn(`a ${ioc.type} is a file name, but "${value}" looks like a path; the rules match its file name "${name}" (use file_path for a path)`);
    value = name;
  }
  if (match === 'regex') return { operator: 'regex', value, subdomains: false };
  if (ioc.type === 'ip' && match === 'exact' && value.includes('/')) return { operator: 'cidr', value, subdomains: false };
  // Logs write an IPv6 address in one form; an equality on another spelling of it would never match.
  if (ioc.type === 'ip' && match === 'exact') value = canonicalIPv6Text(value);
  const operator: MatchOperator = match === 'exact' ? 'equals' : match;
  return { operator, value, subdomains: ioc.match === undefined && target.subdomains };
}

/** Hive names differ between sources (`HKLM` in Sysmon, `HKEY_LOCAL_MACHINE` in Defender): a partial match drops them. */
const REGISTRY_HIVE = /^(?:HKEY_LOCAL_MACHINE|HKLM|HKEY_CURRENT_USER|HKCU|HKEY_USERS|HKU|HKEY_CLASSES_ROOT|HKCR|HKEY_CURRENT_CONFIG|HKCC)(?=\\)/i;
/** A regex anchored at the start of a file name, applied to a full path, anchors after a separator instead. */
const START_OF_FILE_NAME = '(?:^|[\\\\/])';

function matchCondition(spec: FieldSpec, match: PlannedMatch): Condition {
  return anyOf(spec.fields.map((field) => fieldCondition(field, spec, match)));
}

function fieldCondition(field: string, spec: FieldSpec, match: PlannedMatch): Condition {
  const { operator, value } = match;
  if (typeof value === 'number') return leaf(field, operator, value);
  const transform = spec.transform;
  if (transform === 'path-basename') {
    if (operator === 'equals') return anyOf([leaf(field, 'endswith', `\\${value}`), leaf(field, 'endswith', `/${value}`)]);
    if (operator === 'startswith') return anyOf([leaf(field, 'contains', `\\${value}`), leaf(field, 'contains', `/${value}`)]);
    if (operator === 'regex' && value.startsWith('^')) return leaf(field, 'regex', START_OF_FILE_NAME + value.slice(1));
  } else if (transform?.startsWith('hash-list') && operator === 'equals') {
    const algorithm = transform.split(':')[1];
    return leaf(field, 'contains', algorithm ? `${algorithm}=${value}` : value);
  } else if (transform === 'registry-hive' && (operator === 'contains' || operator === 'endswith')) {
    return leaf(field, operator, value.replace(REGISTRY_HIVE, ''));
  }
  if (match.subdomains && operator === 'equals') return anyOf([leaf(field, 'equals', value), leaf(field, 'endswith', `.${value}`)]);
  return leaf(field, operator, value);
}

function leaf(field: string, operator: MatchOperator, value: string | number): FieldMatch {
  return { kind: 'match', field, operator, value };
}

/** OR of the children, flattened; a single child stands alone. */
function anyOf(children: Condition[]): Condition {
  const flat = children.flatMap((c) => (c.kind === 'or' ? c.children : [c]));
  return flat.length === 1 ? flat[0]! : { kind: 'or', children: flat };
}

function allOf(children: Condition[]): Condition {
  const flat = children.flatMap((c) => (c.kind === 'and' ? c.children : [c]));
  return flat.length === 1 ? flat[0]! : { kind: 'and', children: flat };
}

/**
 * The rule's condition over its IOCs, grouped by IOC type in order of appearance: any IOC of a
 * group matching is a hit (OR), and the groups are OR-ed — except `parent_process`. A parent alone
 * ("spawned from explorer.exe") matches every program a user starts, so when the rule also has
 * process_name or command_line IOCs the parent is AND-ed with them: the child spawned from that parent.
 */
function combine(iocs: readonly PlacedIoc[], condition: (p: PlacedIoc) => Condition): Condition {
  const groups = new Map<IocType, Condition[]>();
  for (const p of iocs) groups.set(p.ioc.type, [...(groups.get(p.ioc.type) ?? []), condition(p)]);
  const group = (type: IocType) => anyOf(groups.get(type) ?? []);
  const parent = groups.has('parent_process');
  const children = [...groups.keys()].filter((t) => PROCESS_IOCS.includes(t));
  const pairWithParent = parent && children.length > 0;

  const terms: Condition[] = [];
  let parentTermPlaced = false;
  for (const type of groups.keys()) {
    const paired = type === 'parent_process' || PROCESS_IOCS.includes(type);
    if (pairWithParent && paired) {
      if (!parentTermPlaced) terms.push(allOf([group('parent_process'), anyOf(children.map(group))]));
      parentTermPlaced = true;
      continue;
    }
    terms.push(group(type));
  }
  return anyOf(terms);
}

function warnLoneParent(iocs: readonly PlacedIoc[], findingIndex: number, at: Report): void {
  const types = new Set(iocs.map((p) => p.ioc.type));
  if (!types.has('parent_process') || PROCESS_IOCS.some((t) => types.has(t))) return;
  for (const p of iocs) {
    if (p.ioc.type !== 'parent_process') continue;
    at(
      ['findings', findingIndex, 'iocs', p.index],
      'warning',
      `a parent_process IOC on its own matches every process that "${String(p.ioc.value)}" starts; the rule will be noisy — add the child's process_name or command_line to this finding`
    );
  }
}

// ---------------------------------------------------------------------------------------------
// Rule metadata (DESIGN.md §3).

function ruleMeta(
  report: HuntReport,
  finding: Finding,
  findingIndex: number,
  dataSource: DataSource,
  logsource: LogsourceDef,
  several: boolean,
  ctx: PlanContext
): RuleMeta {
  const hunt = report.hunt;
  const technique = techniqueOf(finding, ctx.catalogue);
  const tactic = tacticOf(finding, ctx.catalogue);
  const label = several ? ` (${logsource.label})` : '';
  const techniqueName = shorten(technique.name, TITLE_MAX - TITLE_SUMMARY_MIN - label.length);
  const summary = shorten(firstSentence(finding.description), Math.max(TITLE_SUMMARY_MIN, TITLE_MAX - [...techniqueName].length - 2 - label.length));
  const huntLine = `Hunt: ${hunt.name}${hunt.id ? ` (${hunt.id})` : ''}, PEAK phase ${hunt.peak_phase}; finding ${findingIndex + 1}, ${
    finding.confirmed ? 'confirmed' : 'not confirmed'
  }, from the ${dataSource.type} data source "${dataSource.name}".`;
  return {
    ruleId: '',
    title: `${techniqueName}: ${summary}${label}`,
    description: `${finding.description.trim()}\n\n${huntLine}`,
    author: hunt.analyst,
    date: hunt.date,
    references: unique(hunt.references ?? []),
    falsepositives: falsePositives(finding.falsepositives ?? []),
    status: ctx.statusMap[hunt.peak_phase],
    level: ruleLevel(finding),
    confirmed: finding.confirmed,
    technique,
    tactic,
    tags: ruleTags(tactic.shortname, technique.id),
    hunt: { ...(hunt.id ? { id: hunt.id } : {}), name: hunt.name, slug: huntSlug(hunt), peakPhase: hunt.peak_phase, file: ctx.file },
    findingIndex,
    dataSource: { name: dataSource.name, type: dataSource.type }
  };
}

function article(word: string): string {
  return /^[aeiou]/i.test(word) ? 'an' : 'a';
}

function unique(items: readonly string[]): string[] {
  return [...new Set(items.map((s) => s.trim()))];
}

/** The Sigma schema wants unique entries of at least two characters; SigmaHQ writes "Unknown" when none are known. */
function falsePositives(items: readonly string[]): string[] {
  const kept = unique(items).filter((s) => [...s].length >= 2);
  return kept.length > 0 ? kept : ['Unknown'];
}

function techniqueOf(finding: Finding, catalogue: AttackCatalogue): RuleMeta['technique'] {
  const id = finding.technique.toUpperCase();
  const known = catalogue.technique(id);
  if (!known) return { id, name: finding.technique_name ?? id };
  const parentId = id.includes('.') ? id.split('.')[0]! : undefined;
  const parent = parentId ? catalogue.technique(parentId) : undefined;
  return { id, name: parent ? `${parent.name}: ${known.name}` : known.name };
}

function tacticOf(finding: Finding, catalogue: AttackCatalogue): RuleMeta['tactic'] {
  const known = catalogue.tactic(finding.tactic);
  if (known) return { shortname: known.shortname, name: known.name };
  const shortname = finding.tactic
    .trim()
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '');
  return { shortname, name: finding.tactic.trim() };
}

/** First sentence of a description, whitespace collapsed. */
function firstSentence(text: string): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  const end = flat.search(/[.!?](\s|$)/);
  return end > 0 ? flat.slice(0, end) : flat;
}

function shorten(text: string, max: number): string {
  const chars = [...text];
  if (chars.length <= max) return text;
  const cut = chars.slice(0, max - 1).join('');
  const atWord = cut.replace(/\s+\S*$/, '');
  return `${atWord.length > max / 2 ? atWord : cut}…`;
}

/** Exported for the Sigma renderer's tests and for anyone building tags the same way. */
export function ruleTags(tacticShortname: string, techniqueId: string): string[] {
  const tags = [`attack.${tacticShortname}`, `attack.${techniqueId.toLowerCase()}`, 'detection.threat-hunting'];
  return [...new Set(tags.filter((t) => SIGMA_TAG.test(t)))];
}

export function ruleLevel(finding: Pick<Finding, 'level' | 'confirmed'>): SigmaLevel {
  return finding.level ?? (finding.confirmed ? 'high' : 'medium');
}
