import { type Document, isMap, isScalar, isSeq, LineCounter, type Node, parseDocument } from 'yaml';
import { z } from 'zod';
import { splDataModelProblem, splFieldNameProblem } from '../backends/spl-literal.js';
import type { Diagnostic } from '../diagnostics.js';
import { suggest } from '../hunt/suggest.js';
import { DATA_SOURCE_TYPES, IOC_MATCHES, IOC_TYPES, KQL_FLAVORS, type DataSourceType, type IocType, type KqlFlavor } from '../model.js';
import {
  bundledRoutingTable,
  FIELD_TRANSFORM,
  type FieldSpec,
  fieldSpec,
  type IocTarget,
  type KqlTableTarget,
  type LogsourceDef,
  type RawField,
  type Route,
  type RoutingTable
} from './table.js';

/**
 * User mapping files (`--mappings`, action input `mappings`): environment-specific tables and
 * fields — the first thing every converter user needs to change. The file is YAML, validated with
 * zod; every problem is a diagnostic at its line and column. Format and example: data/ROUTING.md.
 */

/** Field, table and column names: letters, digits, `_`, `.`, `-` — nothing a query or Sigma key could misread. */
const NAME = /^[A-Za-z_][A-Za-z0-9_.-]*$/;
const NAME_MESSAGE = 'must be a name of letters, digits, "_", "." or "-", starting with a letter or "_"';
const SIGMA_VALUE = /^[a-z0-9_.-]+$/;
const SOURCETYPE = /^[A-Za-z0-9_.:/-]+$/;
const MAX_MAPPING_BYTES = 256 * 1024;
/** A key of `routes.<ioc type>` that applies to every data-source type. */
const ALL_DATA_SOURCES = '*';

const name = z.string().regex(NAME, NAME_MESSAGE);

/**
 * A name that must also pass a backend's own rule, checked here so that a name the backend would
 * refuse at render time is an error at its place in the mapping file, not at every hunt it touches.
 */
function backendName(problem: (value: string) => string | undefined) {
  return z.string().superRefine((value, ctx) => {
    const message = NAME.test(value) ? problem(value) : NAME_MESSAGE;
    if (message !== undefined) ctx.addIssue({ code: 'custom', message });
  });
}

/**
 * Databricks names are quoted part by part at each ".", so any part is safe; an empty one (`a..b`,
 * a trailing ".") would be an empty identifier, which names no table or column.
 */
function sqlNameProblem(value: string): string | undefined {
  return value.split('.').some((p) => p === '') ? `SQL name ${JSON.stringify(value)} has an empty part (two dots in a row, or a dot at the end)` : undefined;
}

// KQL names need no rule of their own: kqlIdentifier brackets whatever is not a plain identifier.
const splName = backendName(splFieldNameProblem);
const splSource = backendName(splDataModelProblem);
const sqlName = backendName(sqlNameProblem);

function fieldOverride(fieldName: z.ZodType<string>) {
  const fieldNames = z.array(fieldName).min(1, 'name at least one field');
  return z.union([
    fieldName,
    fieldNames,
    z.strictObject({
      field: z.union([fieldName, fieldNames]),
      transform: z.string().regex(FIELD_TRANSFORM, 'must be one of path-basename, hash-list, hash-list:<ALGORITHM>, registry-hive').optional()
    })
  ]);
}
const kqlTable = z.strictObject({ table: name, timeField: name.optional(), projection: z.array(name).optional() });

const LogsourceOverrideSchema = z.strictObject({
  label: z.string().trim().min(1).max(60).optional(),
  sigma: z
    .strictObject({
      category: z.string().regex(SIGMA_VALUE, 'must be lower-case letters, digits, "_", "." or "-"').optional(),
      product: z.string().regex(SIGMA_VALUE, 'must be lower-case letters, digits, "_", "." or "-"').optional(),
      service: z.string().regex(SIGMA_VALUE, 'must be lower-case letters, digits, "_", "." or "-"').optional()
    })
    .optional(),
  kql: z.strictObject({ xdr: z.union([kqlTable, z.null()]).optional(), sentinel: z.union([kqlTable, z.null()]).optional() }).optional(),
  spl: z
    .strictObject({
      source: splSource.optional(),
      timeField: splName.optional(),
      projection: z.array(splName).optional(),
      sourcetype: z.string().regex(SOURCETYPE, 'must be a Splunk sourcetype (letters, digits, "_", ".", ":", "/", "-")').optional()
    })
    .optional(),
  sql: z.strictObject({ table: sqlName.optional(), timeField: name.optional(), projection: z.array(name).optional() }).optional()
});

const RouteOverrideSchema = z.strictObject({
  /** False switches the route off: such IOCs are left out of the rules (with a warning). */
  enabled: z.boolean().optional(),
  logsource: z.string().optional(),
  match: z.enum(IOC_MATCHES).optional(),
  subdomains: z.boolean().optional(),
  sigma: fieldOverride(name).optional(),
  kql: z.strictObject({ xdr: fieldOverride(name).optional(), sentinel: fieldOverride(name).optional() }).optional(),
  spl: fieldOverride(splName).optional(),
  sql: fieldOverride(sqlName).optional()
});

const MappingFileSchema = z.strictObject({
  version: z.literal(1, 'the only mapping file version is 1').optional(),
  logsources: z.record(z.string(), LogsourceOverrideSchema).optional(),
  routes: z.record(z.string(), z.record(z.string(), RouteOverrideSchema)).optional()
});

export type LogsourceOverride = z.infer<typeof LogsourceOverrideSchema>;
export type RouteOverride = z.infer<typeof RouteOverrideSchema>;
/** A validated mapping file: what `applyRoutingOverrides` changes in a routing table. */
export type RoutingOverrides = z.infer<typeof MappingFileSchema>;

type KeyPath = (string | number)[];

export function parseRoutingOverrides(source: string, file: string): { table?: RoutingOverrides; diagnostics: Diagnostic[] } {
  const diagnostics: Diagnostic[] = [];
  if (source.length > MAX_MAPPING_BYTES) {
    return { diagnostics: [{ file, line: 1, column: 1, severity: 'error', message: `mapping files are limited to ${MAX_MAPPING_BYTES / 1024} KiB`, path: [] }] };
  }
  const lineCounter = new LineCounter();
  const doc = parseDocument(source, { lineCounter, uniqueKeys: true, prettyErrors: false });
  for (const error of doc.errors) {
    const pos = lineCounter.linePos(error.pos[0]);
    diagnostics.push({ file, line: pos.line, column: pos.col, severity: 'error', message: `YAML: ${error.message.split('\n')[0]}`, path: [] });
  }
  if (diagnostics.length > 0) return { diagnostics };

  const where = new Locator(doc, lineCounter);
  const report = (path: KeyPath, severity: Diagnostic['severity'], message: string, atKey = false) =>
    diagnostics.push({ file, ...where.at(path, atKey), severity, message, path });

  let data: unknown;
  try {
    data = doc.toJS({ maxAliasCount: 20 }) ?? {};
  } catch (err) {
    report([], 'error', `YAML: ${err instanceof Error ? err.message : String(err)}`);
    return { diagnostics };
  }
  const parsed = MappingFileSchema.safeParse(data);
  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      const path = issue.path.filter((p): p is string | number => typeof p !== 'symbol');
      const unknownKeys = issue.code === 'unrecognized_keys' ? issue.keys : [];
      if (unknownKeys.length > 0) {
        for (const key of unknownKeys) report([...path, key], 'error', `unknown key "${key}"${hint(key, knownKeysAt(path))}`, true);
      } else {
        report(path, 'error', `${path.length > 0 ? `${path.join('.')}: ` : ''}${issue.message}`);
      }
    }
    return { diagnostics };
  }
  const overrides = parsed.data;
  checkSemantics(overrides, bundledRoutingTable(), report);
  if (diagnostics.some((d) => d.severity === 'error')) return { diagnostics };
  return { table: overrides, diagnostics };
}

function hint(input: string, candidates: readonly string[]): string {
  const guess = suggest(input, candidates);
  return guess ? ` (did you mean "${guess}"?)` : '';
}

function knownKeysAt(path: KeyPath): readonly string[] {
  const depth = path.length;
  if (depth === 0) return Object.keys(MappingFileSchema.shape);
  if (path[0] === 'logsources') {
    if (depth === 2) return Object.keys(LogsourceOverrideSchema.shape);
    return path[2] === 'kql' && depth === 3 ? [...KQL_FLAVORS] : ['category', 'product', 'service', 'source', 'table', 'timeField', 'projection', 'sourcetype'];
  }
  if (path[0] === 'routes') return depth === 3 ? Object.keys(RouteOverrideSchema.shape) : ['field', 'transform', ...KQL_FLAVORS];
  return [];
}

/** Positions of YAML nodes by key path; the deepest existing ancestor when the path is missing. */
class Locator {
  constructor(
    private readonly doc: Document,
    private readonly lines: LineCounter
  ) {}

  at(path: KeyPath, atKey = false): { line: number; column: number } {
    let node: Node | null = this.doc.contents;
    let position = this.position(node);
    for (let i = 0; i < path.length && node; i++) {
      const segment = path[i]!;
      if (isMap(node)) {
        const pair = node.items.find((p) => isScalar(p.key) && String(p.key.value) === String(segment));
        if (!pair) break;
        const keyPosition = this.position(pair.key as Node);
        if (i === path.length - 1 && atKey) return keyPosition;
        node = (pair.value as Node | null) ?? null;
        position = node ? this.position(node) : keyPosition;
      } else if (isSeq(node) && typeof segment === 'number') {
        node = (node.items[segment] as Node | undefined) ?? null;
        if (node) position = this.position(node);
      } else break;
    }
    return position;
  }

  private position(node: Node | null): { line: number; column: number } {
    const offset = node?.range?.[0];
    if (offset === undefined) return { line: 1, column: 1 };
    const pos = this.lines.linePos(offset);
    return { line: pos.line, column: pos.col };
  }
}

type Report = (path: KeyPath, severity: Diagnostic['severity'], message: string, atKey?: boolean) => void;

function isIocType(s: string): s is IocType {
  return (IOC_TYPES as readonly string[]).includes(s);
}

function isDataSourceType(s: string): s is DataSourceType {
  return (DATA_SOURCE_TYPES as readonly string[]).includes(s);
}

/** A new log source must say where it lives in every backend. */
function missingForNewLogsource(ls: LogsourceOverride): string[] {
  const missing: string[] = [];
  if (!ls.sigma || Object.keys(ls.sigma).length === 0) missing.push('sigma');
  if (!ls.spl?.source || !ls.spl.timeField) missing.push('spl.source and spl.timeField');
  if (!ls.sql?.table || !ls.sql.timeField) missing.push('sql.table and sql.timeField');
  return missing;
}

function checkSemantics(overrides: RoutingOverrides, base: RoutingTable, reportAny: Report): void {
  let errors = 0;
  const report: Report = (path, severity, message, atKey) => {
    if (severity === 'error') errors++;
    reportAny(path, severity, message, atKey);
  };
  const known = Object.keys(base.logsources);
  for (const [key, ls] of Object.entries(overrides.logsources ?? {})) {
    if (base.logsources[key]) continue;
    if (!/^[a-z0-9_]+$/.test(key)) {
      report(['logsources', key], 'error', `a log source key is lower-case letters, digits and "_"${hint(key, known)}`, true);
      continue;
    }
    const missing = missingForNewLogsource(ls);
    if (missing.length > 0) {
      report(['logsources', key], 'error', `"${key}" is not a built-in log source${hint(key, known)}; a new log source needs ${missing.join(', ')}`, true);
    }
  }
  const allLogsources = [...known, ...Object.keys(overrides.logsources ?? {})];

  for (const [iocType, cells] of Object.entries(overrides.routes ?? {})) {
    if (!isIocType(iocType)) {
      report(['routes', iocType], 'error', `unknown IOC type "${iocType}"${hint(iocType, IOC_TYPES)}`, true);
      continue;
    }
    for (const [dsKey, route] of Object.entries(cells)) {
      const path = ['routes', iocType, dsKey];
      if (dsKey !== ALL_DATA_SOURCES && !isDataSourceType(dsKey)) {
        report(path, 'error', `unknown data-source type "${dsKey}"${hint(dsKey, DATA_SOURCE_TYPES)} (or "*" for all)`, true);
        continue;
      }
      if (route.logsource !== undefined && !allLogsources.includes(route.logsource)) {
        report([...path, 'logsource'], 'error', `unknown log source "${route.logsource}"${hint(route.logsource, allLogsources)}`);
        continue;
      }
      const dsTypes = dsKey === ALL_DATA_SOURCES ? DATA_SOURCE_TYPES : [dsKey as DataSourceType];
      for (const dsType of dsTypes) {
        const current = base.routes[iocType][dsType];
        const logsourceKey = route.logsource ?? current?.logsourceKey;
        if (!logsourceKey) continue;
        if (!baseTarget(base, iocType, logsourceKey, current ?? undefined)) {
          const missing = (['sigma', 'spl', 'sql'] as const).filter((b) => route[b] === undefined);
          if (missing.length > 0) {
            report(path, 'error', `${iocType} has no built-in fields in the "${logsourceKey}" log source; name them: ${missing.join(', ')}`, true);
            break;
          }
        }
      }
    }
  }
  if (errors > 0) return;

  // The table as it would be, checked where it matters: every KQL table has a column for each IOC
  // routed into it, and columns of tables we know exist in them (a warning: custom tables are fine).
  const table = applyRoutingOverrides(base, overrides);
  for (const iocType of IOC_TYPES) {
    for (const dsType of DATA_SOURCE_TYPES) {
      const route = table.routes[iocType][dsType];
      if (!route) continue;
      const ls = table.logsources[route.logsourceKey];
      if (!ls) continue;
      for (const flavor of KQL_FLAVORS) {
        const kql = ls.kql[flavor];
        if (kql && !route.target.kql[flavor]) {
          const cells = overrides.routes?.[iocType];
          const routePath = cells?.[dsType] ? ['routes', iocType, dsType] : cells?.[ALL_DATA_SOURCES] ? ['routes', iocType, ALL_DATA_SOURCES] : undefined;
          report(
            overrides.logsources?.[route.logsourceKey]?.kql?.[flavor] ? ['logsources', route.logsourceKey, 'kql', flavor] : (routePath ?? []),
            'error',
            `the ${flavor} table ${kql.table} has no column for ${iocType} IOCs: add routes.${iocType}.${dsType}.kql.${flavor}`,
            true
          );
          return;
        }
      }
    }
  }
  checkKqlColumns(overrides, table, report);
}

function checkKqlColumns(overrides: RoutingOverrides, table: RoutingTable, report: Report): void {
  const unknownIn = (flavor: KqlFlavor, tableName: string, columns: string[]) => {
    const known = table.kqlColumns[flavor][tableName];
    return known ? columns.filter((c) => !known.includes(c)) : [];
  };
  for (const [key, ls] of Object.entries(overrides.logsources ?? {})) {
    for (const flavor of KQL_FLAVORS) {
      const target = table.logsources[key]?.kql[flavor];
      if (!ls.kql?.[flavor] || !target) continue;
      const missing = unknownIn(flavor, target.table, [target.timeField, ...target.projection]);
      if (missing.length > 0) {
        report(['logsources', key, 'kql', flavor], 'warning', `the ${flavor} table ${target.table} has no column ${missing.join(', ')} in the known schema`);
      }
    }
  }
  for (const [iocType, cells] of Object.entries(overrides.routes ?? {})) {
    for (const [dsKey, route] of Object.entries(cells)) {
      const dsType = dsKey === ALL_DATA_SOURCES ? DATA_SOURCE_TYPES[0] : (dsKey as DataSourceType);
      const resolved = table.routes[iocType as IocType][dsType];
      if (!resolved || !route.kql) continue;
      for (const flavor of KQL_FLAVORS) {
        const spec = resolved.target.kql[flavor];
        const kqlTable = table.logsources[resolved.logsourceKey]?.kql[flavor];
        if (!route.kql[flavor] || !spec || !kqlTable) continue;
        const missing = unknownIn(flavor, kqlTable.table, spec.fields);
        if (missing.length > 0) {
          report(['routes', iocType, dsKey, 'kql', flavor], 'warning', `the ${flavor} table ${kqlTable.table} has no column ${missing.join(', ')} in the known schema`);
        }
      }
    }
  }
}

/** The built-in fields of an IOC type in a log source: the cell's own when it already goes there, else any cell's that does. */
function baseTarget(base: RoutingTable, iocType: IocType, logsourceKey: string, current: Route | undefined): IocTarget | undefined {
  if (current?.logsourceKey === logsourceKey) return current.target;
  return Object.values(base.routes[iocType]).find((r) => r?.logsourceKey === logsourceKey)?.target;
}

// ---------------------------------------------------------------------------------------------
// Applying a validated mapping file: a new table, the base left untouched.

export function applyRoutingOverrides(table: RoutingTable, overrides: RoutingOverrides): RoutingTable {
  const logsources: Record<string, LogsourceDef> = {};
  for (const [key, ls] of Object.entries(table.logsources)) logsources[key] = structuredClone(ls);
  for (const [key, override] of Object.entries(overrides.logsources ?? {})) {
    logsources[key] = applyLogsource(logsources[key], key, override, table);
  }

  const routes = {} as RoutingTable['routes'];
  for (const iocType of IOC_TYPES) {
    routes[iocType] = { ...table.routes[iocType] };
    const cells = overrides.routes?.[iocType] ?? {};
    for (const dsType of DATA_SOURCE_TYPES) {
      const override = { ...cells[ALL_DATA_SOURCES], ...cells[dsType] };
      if (Object.keys(override).length === 0) continue;
      routes[iocType][dsType] = applyRoute(table, iocType, routes[iocType][dsType] ?? undefined, override);
    }
  }
  // A log source that gained a KQL table for a flavour: IOCs routed there without a column for that
  // flavour use the other flavour's column (Sentinel's Defender tables keep the Defender column names).
  for (const iocType of IOC_TYPES) {
    for (const dsType of DATA_SOURCE_TYPES) {
      const route = routes[iocType][dsType];
      const ls = route ? logsources[route.logsourceKey] : undefined;
      if (!route || !ls) continue;
      for (const flavor of KQL_FLAVORS) {
        if (!ls.kql[flavor] || route.target.kql[flavor]) continue;
        const other = KQL_FLAVORS.map((f) => route.target.kql[f]).find((spec) => spec);
        if (other) routes[iocType][dsType] = { ...route, target: { ...route.target, kql: { ...route.target.kql, [flavor]: other } } };
      }
    }
  }
  return { ...table, logsources, routes };
}

function applyLogsource(current: LogsourceDef | undefined, key: string, override: LogsourceOverride, table: RoutingTable): LogsourceDef {
  const kql = { ...(current?.kql ?? { xdr: null, sentinel: null }) };
  for (const flavor of KQL_FLAVORS) {
    const o = override.kql?.[flavor];
    if (o === undefined) continue;
    kql[flavor] = o === null ? null : kqlTableTarget(o, kql[flavor], table.kqlColumns[flavor][o.table]);
  }
  const spl = current?.spl ?? { source: '', timeField: '_time', projection: [], sourcetype: {} };
  const sql = current?.sql ?? { table: '', timeField: 'event_time', projection: [] };
  return {
    key,
    label: override.label ?? current?.label ?? key.replace(/_/g, ' '),
    sigma: override.sigma ? { ...override.sigma } : { ...(current?.sigma ?? {}) },
    kql,
    spl: {
      source: override.spl?.source ?? spl.source,
      timeField: override.spl?.timeField ?? spl.timeField,
      projection: override.spl?.projection ?? (override.spl?.source && override.spl.source !== spl.source ? [] : [...spl.projection]),
      // One sourcetype named in a mapping file applies to every data-source type.
      sourcetype: override.spl?.sourcetype ? { default: override.spl.sourcetype } : { ...spl.sourcetype }
    },
    sql: {
      table: override.sql?.table ?? sql.table,
      timeField: override.sql?.timeField ?? sql.timeField,
      projection: override.sql?.projection ?? (override.sql?.table && override.sql.table !== sql.table ? [] : [...sql.projection])
    }
  };
}

/**
 * A KQL table named in a mapping file. Left out, the time column is the table's own (`Timestamp` in
 * Defender tables, `TimeGenerated` in Log Analytics ones) when the table is known, and the projection
 * keeps the current columns the new table has (none for a custom table).
 */
function kqlTableTarget(o: { table: string; timeField?: string; projection?: string[] }, current: KqlTableTarget | null, knownColumns: string[] | undefined): KqlTableTarget {
  const sameTable = current?.table === o.table;
  const knownTime = knownColumns?.includes('Timestamp') ? 'Timestamp' : knownColumns?.includes('TimeGenerated') ? 'TimeGenerated' : undefined;
  const timeField = o.timeField ?? (sameTable ? current!.timeField : (knownTime ?? current?.timeField ?? 'TimeGenerated'));
  const projection =
    o.projection ?? (sameTable ? [...current!.projection] : knownColumns ? (current?.projection ?? []).filter((c) => knownColumns.includes(c)) : []);
  return { table: o.table, timeField, projection };
}

function applyRoute(table: RoutingTable, iocType: IocType, current: Route | undefined, override: RouteOverride): Route | null {
  if (override.enabled === false) return null;
  const logsourceKey = override.logsource ?? current?.logsourceKey;
  if (!logsourceKey) return null;
  const base = baseTarget(table, iocType, logsourceKey, current);
  const spec = (raw: unknown, fallback: FieldSpec | undefined): FieldSpec => (raw !== undefined ? fieldSpec(raw as RawField) : fallback ?? { fields: [] });
  const kql = {} as Record<KqlFlavor, FieldSpec | null>;
  for (const flavor of KQL_FLAVORS) {
    const raw = override.kql?.[flavor];
    kql[flavor] = raw !== undefined ? fieldSpec(raw as RawField) : (base?.kql[flavor] ?? null);
  }
  const target: IocTarget = {
    match: override.match ?? base?.match ?? 'exact',
    subdomains: override.subdomains ?? base?.subdomains ?? false,
    sigma: spec(override.sigma, base?.sigma),
    kql,
    spl: spec(override.spl, base?.spl),
    sql: spec(override.sql, base?.sql)
  };
  return { logsourceKey, native: override.logsource !== undefined || (current?.native ?? true), target };
}
