/**
 * The vocabulary shared by every part of the core: IOC types, data-source types, PEAK phases,
 * Sigma status/level, output formats, and the planned-rule model that the backends render.
 */

export const IOC_TYPES = [
  'process_name',
  'command_line',
  'parent_process',
  'hash_md5',
  'hash_sha1',
  'hash_sha256',
  'ip',
  'domain',
  'url',
  'file_path',
  'registry_key',
  'cert_issuer',
  'user_agent',
  'email_sender',
  'network_port'
] as const;
export type IocType = (typeof IOC_TYPES)[number];

export const DATA_SOURCE_TYPES = ['endpoint', 'identity', 'network', 'proxy', 'dns', 'firewall', 'email', 'cloud'] as const;
export type DataSourceType = (typeof DATA_SOURCE_TYPES)[number];

/** How a hunter says an IOC value should match. Values are literals unless the match is `regex`. */
export const IOC_MATCHES = ['exact', 'contains', 'startswith', 'endswith', 'regex'] as const;
export type IocMatch = (typeof IOC_MATCHES)[number];

export const PEAK_PHASES = ['Unscoped', 'Scoped', 'Validated'] as const;
export type PeakPhase = (typeof PEAK_PHASES)[number];

export const HUNT_TYPES = ['hypothesis', 'baseline', 'model-assisted'] as const;
export const COVERAGE_LEVELS = ['low', 'medium', 'high'] as const;

export const SIGMA_STATUSES = ['experimental', 'test', 'stable'] as const;
export type SigmaStatus = (typeof SIGMA_STATUSES)[number];

export const SIGMA_LEVELS = ['informational', 'low', 'medium', 'high', 'critical'] as const;
export type SigmaLevel = (typeof SIGMA_LEVELS)[number];

/** DESIGN.md §3: the further the hunt got, the more the rule is trusted. Configurable (`status-map`). */
export type StatusMap = Record<PeakPhase, SigmaStatus>;
export const DEFAULT_STATUS_MAP: StatusMap = { Validated: 'stable', Scoped: 'test', Unscoped: 'experimental' };

export const OUTPUT_FORMATS = ['sigma', 'kql', 'spl', 'sql', 'navigator'] as const;
export type OutputFormat = (typeof OUTPUT_FORMATS)[number];

export const KQL_FLAVORS = ['xdr', 'sentinel'] as const;
export type KqlFlavor = (typeof KQL_FLAVORS)[number];

// ---------------------------------------------------------------------------------------------
// Condition tree: one per backend target, with that backend's concrete field names.

/**
 * `equals`/`contains`/`startswith`/`endswith`: `value` is a literal string, compared
 * case-insensitively; the renderer escapes it for its language and must match exactly that text.
 * `regex`: `value` is an RE2-compatible pattern (renderers make it case-insensitive).
 * `cidr`: `value` is an IPv4/IPv6 CIDR. A number `value` is a numeric equality (ports).
 */
export type MatchOperator = 'equals' | 'contains' | 'startswith' | 'endswith' | 'regex' | 'cidr';

export interface FieldMatch {
  kind: 'match';
  field: string;
  operator: MatchOperator;
  value: string | number;
}
export interface AllOf {
  kind: 'and';
  children: Condition[];
}
export interface AnyOf {
  kind: 'or';
  children: Condition[];
}
export interface Not {
  kind: 'not';
  child: Condition;
}
export type Condition = FieldMatch | AllOf | AnyOf | Not;

// ---------------------------------------------------------------------------------------------
// Planned rules: one per (finding × log source). Renderers turn them into text; nothing else.

export interface SigmaLogsource {
  category?: string;
  product?: string;
  service?: string;
}

export interface RuleMeta {
  /** Deterministic UUID v5 (hunt id + technique + log source): re-runs never churn. */
  ruleId: string;
  title: string;
  description: string;
  author: string;
  /** YYYY-MM-DD, from the hunt date. */
  date: string;
  references: string[];
  falsepositives: string[];
  status: SigmaStatus;
  level: SigmaLevel;
  confirmed: boolean;
  technique: { id: string; name: string };
  tactic: { shortname: string; name: string };
  /** Sigma tags: attack.<tactic>, attack.tNNNN.NNN, detection.threat-hunting. */
  tags: string[];
  hunt: { id?: string; name: string; slug: string; peakPhase: PeakPhase; file: string };
  findingIndex: number;
  /** The data source the finding names (its `name` and `type`). */
  dataSource: { name: string; type: DataSourceType };
}

/** A query-language target (KQL, SPL, SQL): where to look, which time column, what to show. */
export interface QueryTarget {
  /** KQL table, SPL data model or index/sourcetype spec, SQL table (`security.process_events`). */
  source: string;
  /** Extra hint the renderer may print (SPL sourcetype); free text, escaped by the renderer. */
  sourceHint?: string;
  timeField: string;
  /** Columns worth showing to an analyst; every one exists in the target schema. */
  projection: string[];
  condition: Condition;
}

export interface PlannedRule {
  meta: RuleMeta;
  /** File-name-safe key of the log source, e.g. `process_creation`, `signin`, `dns_query`. */
  logsourceKey: string;
  sigma: { logsource: SigmaLogsource; condition: Condition };
  /** Undefined when the chosen KQL flavour has no table for the log source (no KQL file then). */
  kql?: QueryTarget;
  spl: QueryTarget;
  sql: QueryTarget;
}

/** Options every renderer may read. */
export interface RenderOptions {
  /** How far back the scheduled query looks, in days (KQL `ago(7d)`, SPL `earliest=-7d`, SQL `INTERVAL 7 DAYS`). */
  lookbackDays: number;
  kqlFlavor: KqlFlavor;
}
export const DEFAULT_RENDER_OPTIONS: RenderOptions = { lookbackDays: 7, kqlFlavor: 'xdr' };

/** A file the core wants written, relative to the output directory (POSIX separators, no `..`). */
export interface OutputFile {
  path: string;
  content: string;
}
