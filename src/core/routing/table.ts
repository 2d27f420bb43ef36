import routingData from '../data/routing.json' with { type: 'json' };
import {
  DATA_SOURCE_TYPES,
  IOC_TYPES,
  KQL_FLAVORS,
  type DataSourceType,
  type IocMatch,
  type IocType,
  type KqlFlavor,
  type SigmaLogsource
} from '../model.js';

/**
 * The routing table (DESIGN.md §4): for every IOC type and data-source type, the log source a
 * rule needs and, per backend, the field(s) to match. The data lives in `data/routing.json`; this
 * module only gives it types and resolves every (IOC type × data-source type) cell once.
 */

/**
 * How a backend field stores the value, when it differs from the IOC:
 * - `path-basename`: the field holds a full path, the IOC is a file name (Sigma `Image`).
 * - `hash-list` / `hash-list:<ALG>`: the field may hold several hashes (`MD5=…,SHA256=…`), so an
 *   exact IOC becomes a contains of the hash (prefixed with `<ALG>=` when the format is known).
 * - `registry-hive`: key paths are written with different hive names (`HKLM` / `HKEY_LOCAL_MACHINE`),
 *   so contains/endswith matches drop the hive.
 */
export type FieldTransform = 'path-basename' | 'hash-list' | `hash-list:${string}` | 'registry-hive';

/** One or more fields of a backend (several are OR-ed) and how the value is written into them. */
export interface FieldSpec {
  fields: string[];
  transform?: FieldTransform;
}

/** Where an IOC goes inside one log source, per backend. `kql[flavor]` is null when that flavour has no column for it. */
export interface IocTarget {
  /** The default match, used when the hunter gives none. */
  match: IocMatch;
  /** A default exact domain match also matches its subdomains (`endswith ".<domain>"`). */
  subdomains: boolean;
  sigma: FieldSpec;
  kql: Record<KqlFlavor, FieldSpec | null>;
  spl: FieldSpec;
  sql: FieldSpec;
}

export interface KqlTableTarget {
  table: string;
  timeField: string;
  projection: string[];
}

export interface SplTarget {
  /** CIM data model and dataset, e.g. `Endpoint.Processes`. */
  source: string;
  timeField: string;
  projection: string[];
  /** Sourcetype hint per data-source type, with a `default`. */
  sourcetype: Record<string, string>;
}

export interface SqlTarget {
  table: string;
  timeField: string;
  projection: string[];
}

/** A log source: one Sigma logsource and, per backend, the one table its rules query. */
export interface LogsourceDef {
  key: string;
  /** Human wording, used in titles when a finding yields several rules ("process creation"). */
  label: string;
  sigma: SigmaLogsource;
  /** Null when the flavour has no table for this log source (e.g. no certificate table in Sentinel). */
  kql: Record<KqlFlavor, KqlTableTarget | null>;
  spl: SplTarget;
  sql: SqlTarget;
}

/** A resolved cell: where an IOC of this type from this kind of data source goes. */
export interface Route {
  logsourceKey: string;
  /** False when the data source cannot hold this IOC type and the IOC goes to its natural log source instead. */
  native: boolean;
  target: IocTarget;
}

export type SqlColumnType = 'STRING' | 'INT' | 'BIGINT' | 'TIMESTAMP';

export interface RoutingTable {
  logsources: Record<string, LogsourceDef>;
  /** Every (IOC type, data-source type) cell; null when a mapping file switched the route off. */
  routes: Record<IocType, Record<DataSourceType, Route | null>>;
  /** The standard security-lake schema the SQL backend targets: table → column → type. */
  sqlTables: Record<string, Record<string, SqlColumnType>>;
  /** CIM fields known per data model dataset (documentation of what the SPL side may use). */
  cimDatasets: Record<string, string[]>;
  /** Column names of the KQL tables we know, per flavour (to check mapping files). */
  kqlColumns: Record<KqlFlavor, Record<string, string[]>>;
}

// ---------------------------------------------------------------------------------------------
// Raw data shapes (as written in routing.json) and their normalisation.

export type RawField = string | string[] | { field: string | string[]; transform?: string };
interface RawTarget {
  match: string;
  subdomains?: boolean;
  sigma: RawField;
  kql: Record<string, RawField | null>;
  spl: RawField;
  sql: RawField;
}
interface RawIoc {
  natural: string;
  native: Record<string, string>;
  targets: Record<string, RawTarget>;
}
interface RawLogsource {
  label: string;
  sigma: SigmaLogsource;
  kql: Record<string, KqlTableTarget | null>;
  spl: SplTarget;
  sql: SqlTarget;
}
interface RawRouting {
  logsources: Record<string, RawLogsource>;
  iocs: Record<string, RawIoc>;
  sqlTables: Record<string, Record<string, string>>;
  cimDatasets: Record<string, string[] | string>;
  kqlColumns: Record<string, Record<string, string[] | string>>;
}

export const FIELD_TRANSFORM = /^(path-basename|hash-list(:[A-Z0-9]+)?|registry-hive)$/;

export function fieldSpec(raw: RawField): FieldSpec {
  if (typeof raw === 'string') return { fields: [raw] };
  if (Array.isArray(raw)) return { fields: [...raw] };
  const fields = typeof raw.field === 'string' ? [raw.field] : [...raw.field];
  if (raw.transform === undefined) return { fields };
  if (!FIELD_TRANSFORM.test(raw.transform)) throw new Error(`routing data: unknown field transform "${raw.transform}"`);
  return { fields, transform: raw.transform as FieldTransform };
}

function iocTarget(raw: RawTarget): IocTarget {
  const kql = {} as Record<KqlFlavor, FieldSpec | null>;
  for (const flavor of KQL_FLAVORS) {
    const spec = raw.kql[flavor];
    kql[flavor] = spec === null || spec === undefined ? null : fieldSpec(spec);
  }
  return {
    match: raw.match as IocMatch,
    subdomains: raw.subdomains ?? false,
    sigma: fieldSpec(raw.sigma),
    kql,
    spl: fieldSpec(raw.spl),
    sql: fieldSpec(raw.sql)
  };
}

/** Build a routing table from data shaped like `routing.json`; throws on inconsistent data (a bug, caught by tests). */
export function buildRoutingTable(data: RawRouting): RoutingTable {
  const logsources: Record<string, LogsourceDef> = {};
  for (const [key, raw] of Object.entries(data.logsources)) {
    const kql = {} as Record<KqlFlavor, KqlTableTarget | null>;
    for (const flavor of KQL_FLAVORS) kql[flavor] = raw.kql[flavor] ?? null;
    logsources[key] = { key, label: raw.label, sigma: { ...raw.sigma }, kql, spl: raw.spl, sql: raw.sql };
  }
  const routes = {} as RoutingTable['routes'];
  for (const iocType of IOC_TYPES) {
    const raw = data.iocs[iocType];
    if (!raw) throw new Error(`routing data: no entry for IOC type ${iocType}`);
    const cells = {} as Record<DataSourceType, Route | null>;
    for (const dsType of DATA_SOURCE_TYPES) {
      const nativeKey = raw.native[dsType];
      const logsourceKey = nativeKey ?? raw.natural;
      const target = raw.targets[logsourceKey];
      if (!target || !logsources[logsourceKey]) throw new Error(`routing data: ${iocType} from ${dsType} goes to "${logsourceKey}", which has no target`);
      cells[dsType] = { logsourceKey, native: nativeKey !== undefined, target: iocTarget(target) };
    }
    routes[iocType] = cells;
  }
  const sqlTables: RoutingTable['sqlTables'] = {};
  for (const [table, columns] of Object.entries(data.sqlTables)) sqlTables[table] = { ...columns } as Record<string, SqlColumnType>;
  const cimDatasets: Record<string, string[]> = {};
  for (const [dataset, fields] of Object.entries(data.cimDatasets)) if (Array.isArray(fields)) cimDatasets[dataset] = [...fields];
  const kqlColumns = {} as Record<KqlFlavor, Record<string, string[]>>;
  for (const flavor of KQL_FLAVORS) {
    kqlColumns[flavor] = {};
    for (const [name, columns] of Object.entries(data.kqlColumns[flavor] ?? {})) if (Array.isArray(columns)) kqlColumns[flavor][name] = [...columns];
  }
  return { logsources, routes, sqlTables, cimDatasets, kqlColumns };
}

let bundled: RoutingTable | undefined;

/** The routing table shipped with the tool. Treat it as read-only: overrides build a new table. */
export function bundledRoutingTable(): RoutingTable {
  bundled ??= buildRoutingTable(routingData as unknown as RawRouting);
  return bundled;
}

/** The SQL table schemas (`security.*` table → column → type), e.g. to create sample tables. */
export function sqlTables(table: RoutingTable = bundledRoutingTable()): Record<string, Record<string, SqlColumnType>> {
  return table.sqlTables;
}

/** The route of one cell, or undefined when it is switched off. */
export function routeOf(table: RoutingTable, iocType: IocType, dataSourceType: DataSourceType): Route | undefined {
  return table.routes[iocType][dataSourceType] ?? undefined;
}

const MATCH_WORDS: Record<IocMatch, string> = {
  exact: 'equals',
  contains: 'contains',
  startswith: 'starts with',
  endswith: 'ends with',
  regex: 'regex'
};

function describeMatch(target: IocTarget, spec: FieldSpec): string {
  if (target.subdomains && target.match === 'exact') return 'equals or subdomain';
  if (spec.transform === 'path-basename' && target.match === 'exact') return 'file name';
  if (spec.transform?.startsWith('hash-list') && target.match === 'exact') return 'hash';
  return MATCH_WORDS[target.match];
}

function describeFields(spec: FieldSpec): string {
  return spec.fields.join(' | ');
}

/**
 * Human-readable "where this IOC lands" for the wizard, e.g. kql `DeviceProcessEvents.FileName (equals)`.
 * Undefined when the route is switched off. A flavour without a table says so instead of naming one.
 */
export function describeIocRoute(
  table: RoutingTable,
  iocType: IocType,
  dataSourceType: DataSourceType,
  kqlFlavor: KqlFlavor
): { logsourceKey: string; sigma: string; kql: string; spl: string; sql: string } | undefined {
  const route = routeOf(table, iocType, dataSourceType);
  if (!route) return undefined;
  const ls = table.logsources[route.logsourceKey]!;
  const t = route.target;
  const sigmaSource = [ls.sigma.category, ls.sigma.product, ls.sigma.service].filter(Boolean).join('/');
  const kqlTable = ls.kql[kqlFlavor];
  const kqlField = t.kql[kqlFlavor];
  const kql = kqlTable && kqlField ? `${kqlTable.table}.${describeFields(kqlField)} (${describeMatch(t, kqlField)})` : `no ${kqlFlavor} table`;
  return {
    logsourceKey: route.logsourceKey,
    sigma: `${sigmaSource}: ${describeFields(t.sigma)} (${describeMatch(t, t.sigma)})`,
    kql,
    spl: `${ls.spl.source} ${describeFields(t.spl)} (${describeMatch(t, t.spl)})`,
    sql: `${ls.sql.table}.${describeFields(t.sql)} (${describeMatch(t, t.sql)})`
  };
}
