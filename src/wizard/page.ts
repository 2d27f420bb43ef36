import { Eta } from 'eta';
import type { AttackCatalogue } from '../core/attack.js';
import {
  COVERAGE_LEVELS,
  DATA_SOURCE_TYPES,
  HUNT_TYPES,
  IOC_MATCHES,
  IOC_TYPES,
  KQL_FLAVORS,
  type KqlFlavor,
  OUTPUT_FORMATS,
  PEAK_PHASES,
  SIGMA_LEVELS,
  type StatusMap
} from '../core/model.js';
import { PAGE_TEMPLATE } from './assets/page-template.js';
import {
  CONFIRMED_HELP,
  DATA_SOURCE_TYPE_HELP,
  FORMAT_LABELS,
  IOC_HELP,
  IOC_MATCH_HELP,
  PEAK_PHASE_HELP,
  TACTIC_HELP,
  TECHNIQUE_ID_HELP
} from './content.js';

export interface PageOptions {
  catalogue: AttackCatalogue;
  statusMap: StatusMap;
  kqlFlavor: KqlFlavor;
  lookbackDays: number;
  /** Pre-filled hunt date, YYYY-MM-DD. */
  today: string;
}

const KQL_FLAVOR_LABELS: Record<KqlFlavor, string> = {
  xdr: 'Microsoft Defender XDR advanced hunting',
  sentinel: 'Microsoft Sentinel (Log Analytics)'
};

const STEPS = [
  { n: 1, title: 'Hunt' },
  { n: 2, title: 'Data sources' },
  { n: 3, title: 'Findings' },
  { n: 4, title: 'Review' }
];

const eta = new Eta({ autoEscape: true, autoTrim: [false, 'nl'], cache: true });
eta.loadTemplate('@page', PAGE_TEMPLATE);

/** The whole wizard page. Everything interpolated is HTML-escaped by eta. */
export function renderWizardPage(options: PageOptions): string {
  const { catalogue, statusMap } = options;
  return eta.render('@page', {
    steps: STEPS,
    today: options.today,
    catalogueVersion: catalogue.version,
    tactics: catalogue.tactics.map((t) => ({ id: t.id, name: t.name, shortname: t.shortname })),
    phases: PEAK_PHASES.map((phase) => ({ phase, status: statusMap[phase], help: PEAK_PHASE_HELP[phase] })),
    statusMapText: PEAK_PHASES.map((p) => `${p} → ${statusMap[p]}`).join(', '),
    huntTypes: HUNT_TYPES,
    dataSourceTypes: DATA_SOURCE_TYPES.map((type) => ({ type, help: DATA_SOURCE_TYPE_HELP[type] })),
    coverageLevels: COVERAGE_LEVELS,
    iocTypes: IOC_TYPES,
    iocMatches: IOC_MATCHES.map((match) => ({ match, help: IOC_MATCH_HELP[match] })),
    sigmaLevels: SIGMA_LEVELS,
    kqlFlavors: KQL_FLAVORS.map((flavor) => ({ flavor, label: KQL_FLAVOR_LABELS[flavor] })),
    defaultKqlFlavor: options.kqlFlavor,
    formats: OUTPUT_FORMATS.map((format) => ({ format, label: FORMAT_LABELS[format] })),
    lookbackDays: options.lookbackDays,
    help: { technique: TECHNIQUE_ID_HELP, tactic: TACTIC_HELP, confirmed: CONFIRMED_HELP, ioc: IOC_HELP }
  });
}
