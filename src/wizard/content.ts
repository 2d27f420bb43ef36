import type { DataSourceType, IocMatch, OutputFormat, PeakPhase } from '../core/model.js';

/**
 * The wizard's teaching copy: what each choice means, shown next to the control it explains.
 * Which Sigma status a phase yields is not here: the page reads it from the status map in use.
 */

export const PEAK_PHASE_HELP: Record<PeakPhase, string> = {
  Unscoped: 'You have a hypothesis but have not yet tied it to data sources, systems and a time window. Treat its rules as drafts.',
  Scoped: 'The hypothesis is tied to named data sources, systems and a time window, and the hunt ran against them.',
  Validated: 'The findings were confirmed and reviewed (reproduced, or confirmed by incident response). Its rules are ready for production.'
};

export const DATA_SOURCE_TYPE_HELP: Record<DataSourceType, string> = {
  endpoint: 'EDR or host telemetry: processes, files, registry and connections seen on devices (e.g. Defender for Endpoint, Sysmon).',
  identity: 'Sign-in and authentication logs (e.g. Entra ID sign-in logs).',
  network: 'Network connection or flow logs.',
  proxy: 'Web proxy logs: URLs, user agents, destination hosts.',
  dns: 'DNS query logs.',
  firewall: 'Firewall logs: source and destination addresses and ports.',
  email: 'Email gateway or mailbox logs: senders, recipients, URLs.',
  cloud: 'Cloud control-plane and audit logs.'
};

export const IOC_MATCH_HELP: Record<IocMatch, string> = {
  exact: 'the whole value, ignoring case',
  contains: 'the value anywhere in the field',
  startswith: 'the field starts with the value',
  endswith: 'the field ends with the value',
  regex: 'the value is a regular expression'
};

export const TECHNIQUE_ID_HELP =
  'An ATT&CK technique id is T and four digits (T1557); a sub-technique adds a dot and three digits (T1557.001). Look one up by id or by words of its name.';

export const TACTIC_HELP = 'The adversary goal the technique served in this hunt. A technique can belong to several tactics.';

export const CONFIRMED_HELP = 'Confirmed findings give high-level rules, shown red in the Navigator layer; unconfirmed ones give medium-level rules, shown amber.';

export const IOC_HELP =
  'Each IOC type lands in a different log source and field depending on the data source the finding names. The list shows where each type lands per format.';

export const FORMAT_LABELS: Record<OutputFormat, string> = {
  sigma: 'Sigma',
  kql: 'KQL',
  spl: 'SPL',
  sql: 'SQL (Databricks)',
  navigator: 'Navigator layer'
};
