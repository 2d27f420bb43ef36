import type { AttackCatalogue, Tactic, Technique } from './attack.js';
import type { Coverage } from './coverage.js';
import type { HuntReport } from './hunt/schema.js';
import type { PlannedRule } from './model.js';
import { countOf } from './wording.js';

/**
 * ATT&CK Navigator layers, format 4.5 (`navigator-layer-format-v4.5.md`): one per hunt and one
 * aggregate (`coverage.json`). Confirmed techniques red, unconfirmed amber (DESIGN.md §3).
 */

export const NAVIGATOR_VERSION = '5.1.0';
export const LAYER_FORMAT_VERSION = '4.5';
export const CONFIRMED_COLOR = '#e60d0d';
export const UNCONFIRMED_COLOR = '#ffb000';
/** Scores only show when a user clears the explicit colours; then more evidence means redder. */
const GRADIENT_COLORS = ['#fff3d6', CONFIRMED_COLOR];

export interface NavigatorMetadata {
  name: string;
  value: string;
}
export interface NavigatorDivider {
  divider: true;
}
export interface NavigatorLink {
  label: string;
  url: string;
}

export interface NavigatorTechnique {
  techniqueID: string;
  tactic: string;
  score: number;
  color: string;
  comment: string;
  enabled: true;
  metadata: (NavigatorMetadata | NavigatorDivider)[];
}

export interface NavigatorLayer {
  name: string;
  versions: { attack: string; navigator: string; layer: string };
  domain: string;
  description: string;
  sorting: 3;
  layout: { layout: 'side'; showID: true; showName: true; expandedSubtechniques: 'annotated' };
  hideDisabled: false;
  techniques: NavigatorTechnique[];
  gradient: { colors: string[]; minValue: number; maxValue: number };
  legendItems: { label: string; color: string }[];
  showTacticRowBackground: true;
  tacticRowBackground: string;
  selectTechniquesAcrossTactics: true;
  selectSubtechniquesWithParent: false;
  selectVisibleTechniques: false;
  metadata: (NavigatorMetadata | NavigatorDivider)[];
  links: NavigatorLink[];
}

/** A (technique, tactic) cell of the matrix, or why a finding has none. */
export type AttackCell =
  | { ok: true; technique: Technique; tactic: Tactic }
  | { ok: false; reason: string };

/**
 * Where a finding goes in the matrix. A technique or tactic missing from the catalogue, or a
 * technique that is not under that tactic, has no cell: the Navigator would drop or misplace it.
 */
export function attackCell(catalogue: AttackCatalogue, techniqueId: string, tacticName: string): AttackCell {
  const technique = catalogue.technique(techniqueId);
  if (!technique) return { ok: false, reason: `technique ${techniqueId} is not in ATT&CK v${catalogue.version}` };
  const tactic = catalogue.tactic(tacticName);
  if (!tactic) return { ok: false, reason: `tactic "${tacticName}" is not in ATT&CK v${catalogue.version}` };
  if (!technique.tactics.includes(tactic.shortname)) {
    return { ok: false, reason: `technique ${technique.id} is not under tactic ${tactic.shortname} in ATT&CK v${catalogue.version}` };
  }
  return { ok: true, technique, tactic };
}

export interface HuntLayerContext {
  catalogue: AttackCatalogue;
  /** The hunt file, shown in the layer metadata. */
  file?: string;
  /** Output paths of each rule's files (relative to the hunt's directory), keyed by rule id. */
  ruleFiles?: ReadonlyMap<string, readonly string[]>;
}

interface CellAccumulator {
  techniqueID: string;
  tactic: string;
  confirmed: boolean;
  comments: string[];
  metadata: (NavigatorMetadata | NavigatorDivider)[];
  score: number;
}

/** The layer of one hunt: one entry per (technique, tactic); score = number of its findings there. */
export function huntLayer(report: HuntReport, rules: readonly PlannedRule[], ctx: HuntLayerContext): NavigatorLayer {
  const cells = new Map<string, CellAccumulator>();
  report.findings.forEach((finding, index) => {
    const cell = attackCell(ctx.catalogue, finding.technique, finding.tactic);
    if (!cell.ok) return;
    const key = `${cell.technique.id}\u0000${cell.tactic.shortname}`;
    let acc = cells.get(key);
    if (!acc) {
      acc = { techniqueID: cell.technique.id, tactic: cell.tactic.shortname, confirmed: false, comments: [], metadata: [], score: 0 };
      cells.set(key, acc);
    }
    if (acc.score > 0) acc.metadata.push({ divider: true });
    acc.score += 1;
    acc.confirmed ||= finding.confirmed;
    acc.comments.push(finding.description.trim());
    acc.metadata.push(
      { name: 'finding', value: `#${index + 1} (${finding.confirmed ? 'confirmed' : 'unconfirmed'})` },
      { name: 'data source', value: finding.data_source_ref }
    );
    const findingRules = rules.filter((r) => r.meta.findingIndex === index).sort((a, b) => a.logsourceKey.localeCompare(b.logsourceKey));
    for (const rule of findingRules) {
      acc.metadata.push({ name: 'rule id', value: rule.meta.ruleId });
      for (const path of ctx.ruleFiles?.get(rule.meta.ruleId) ?? []) acc.metadata.push({ name: 'rule file', value: path });
    }
  });

  const hunt = report.hunt;
  const metadata: NavigatorMetadata[] = [
    ...(hunt.id ? [{ name: 'hunt id', value: hunt.id }] : []),
    { name: 'hunt', value: hunt.name },
    { name: 'PEAK phase', value: hunt.peak_phase },
    { name: 'analyst', value: hunt.analyst },
    { name: 'date', value: hunt.date },
    ...(ctx.file ? [{ name: 'hunt file', value: ctx.file }] : []),
    { name: 'verdict', value: report.verdict.trim() }
  ];
  return assembleLayer(ctx.catalogue, {
    name: hunt.id ? `${hunt.id} ${hunt.name}` : hunt.name,
    description: report.hunt.hypothesis.trim(),
    cells: [...cells.values()],
    metadata,
    links: webLinks(hunt.references ?? [])
  });
}

/** The aggregate layer of all hunts (`coverage.json`): score = number of hunts naming the technique. */
export function coverageLayer(coverage: Coverage, catalogue: AttackCatalogue): NavigatorLayer {
  const cells: CellAccumulator[] = [];
  for (const entry of Object.values(coverage)) {
    for (const tactic of entry.tactics) {
      const cell = attackCell(catalogue, entry.techniqueId, tactic);
      if (!cell.ok) continue;
      cells.push({
        techniqueID: cell.technique.id,
        tactic: cell.tactic.shortname,
        confirmed: entry.confirmed,
        score: entry.hunts.length,
        comments: [`${entry.confirmed ? 'Confirmed' : 'Not confirmed'} by ${countOf(entry.hunts.length, 'hunt')}`],
        metadata: entry.hunts.map((file) => ({ name: 'hunt file', value: file }))
      });
    }
  }
  const hunts = new Set(Object.values(coverage).flatMap((e) => e.hunts));
  return assembleLayer(catalogue, {
    name: 'peak-to-sigma coverage',
    description: `ATT&CK techniques named by ${countOf(hunts.size, 'hunt report')}; red = confirmed in at least one hunt, amber = never confirmed; score = number of hunts.`,
    cells,
    metadata: [{ name: 'hunts', value: String(hunts.size) }],
    links: []
  });
}

function assembleLayer(
  catalogue: AttackCatalogue,
  parts: { name: string; description: string; cells: CellAccumulator[]; metadata: NavigatorMetadata[]; links: NavigatorLink[] }
): NavigatorLayer {
  const techniques = parts.cells
    .sort((a, b) => compareIds(a.techniqueID, b.techniqueID) || compareIds(a.tactic, b.tactic))
    .map<NavigatorTechnique>((c) => ({
      techniqueID: c.techniqueID,
      tactic: c.tactic,
      score: c.score,
      color: c.confirmed ? CONFIRMED_COLOR : UNCONFIRMED_COLOR,
      comment: c.comments.join('\n\n'),
      enabled: true,
      metadata: c.metadata
    }));
  const maxScore = Math.max(1, ...techniques.map((t) => t.score));
  return {
    name: parts.name,
    versions: { attack: catalogue.majorVersion, navigator: NAVIGATOR_VERSION, layer: LAYER_FORMAT_VERSION },
    domain: catalogue.domain,
    description: parts.description,
    sorting: 3,
    layout: { layout: 'side', showID: true, showName: true, expandedSubtechniques: 'annotated' },
    hideDisabled: false,
    techniques,
    gradient: { colors: GRADIENT_COLORS, minValue: 0, maxValue: maxScore },
    legendItems: [
      { label: 'Confirmed', color: CONFIRMED_COLOR },
      { label: 'Not confirmed', color: UNCONFIRMED_COLOR }
    ],
    showTacticRowBackground: true,
    tacticRowBackground: '#dddddd',
    selectTechniquesAcrossTactics: true,
    selectSubtechniquesWithParent: false,
    selectVisibleTechniques: false,
    metadata: parts.metadata,
    links: parts.links
  };
}

/** Navigator opens only links that carry a protocol; references that are paths stay out. */
function webLinks(references: readonly string[]): NavigatorLink[] {
  return references.filter((r) => /^https?:\/\/\S+$/i.test(r)).map((url) => ({ label: url, url }));
}

/** Deterministic, locale-independent ordering of ATT&CK ids and shortnames. */
export function compareIds(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Layers are written as 2-space JSON with a final newline, like every other output. */
export function serializeLayer(layer: NavigatorLayer): string {
  return `${JSON.stringify(layer, null, 2)}\n`;
}
