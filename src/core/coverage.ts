import { type AttackCatalogue, bundledAttackCatalogue } from './attack.js';
import type { HuntReport } from './hunt/schema.js';
import { compareIds } from './navigator.js';

/** What the hunts of a repository say about one ATT&CK technique. */
export interface CoverageEntry {
  techniqueId: string;
  /** Catalogue name; the hunt's `technique_name` (or the id) for techniques the catalogue lacks. */
  name: string;
  /** Tactic shortnames the findings filed it under, sorted. */
  tactics: string[];
  /** Confirmed by at least one finding of at least one hunt. */
  confirmed: boolean;
  /** Files of the hunts naming it, sorted; its Navigator score is their number. */
  hunts: string[];
}

/** Technique id → entry, keys in ascending id order. */
export type Coverage = Record<string, CoverageEntry>;

export interface CoverageChange {
  techniqueId: string;
  name: string;
  tactics: string[];
  confirmed: boolean;
}

/** DESIGN.md §7: techniques added, removed, upgraded (unconfirmed→confirmed) and downgraded, by id. */
export interface CoverageDiff {
  added: CoverageChange[];
  removed: CoverageChange[];
  upgraded: CoverageChange[];
  downgraded: CoverageChange[];
}

export function coverageOf(
  reports: readonly { file: string; report: HuntReport }[],
  catalogue: AttackCatalogue = bundledAttackCatalogue()
): Coverage {
  const byId = new Map<string, { name: string; tactics: Set<string>; confirmed: boolean; hunts: Set<string> }>();
  for (const { file, report } of reports) {
    for (const finding of report.findings) {
      const id = finding.technique.toUpperCase();
      let acc = byId.get(id);
      if (!acc) {
        const name = catalogue.technique(id)?.name ?? finding.technique_name?.trim() ?? id;
        acc = { name, tactics: new Set(), confirmed: false, hunts: new Set() };
        byId.set(id, acc);
      }
      acc.tactics.add(catalogue.tactic(finding.tactic)?.shortname ?? tacticKey(finding.tactic));
      acc.confirmed ||= finding.confirmed;
      acc.hunts.add(file);
    }
  }
  const coverage: Coverage = {};
  for (const id of [...byId.keys()].sort(compareIds)) {
    const acc = byId.get(id)!;
    coverage[id] = {
      techniqueId: id,
      name: acc.name,
      tactics: [...acc.tactics].sort(compareIds),
      confirmed: acc.confirmed,
      hunts: [...acc.hunts].sort(compareIds)
    };
  }
  return coverage;
}

/** A tactic the catalogue does not know, written the way shortnames are (`Credential Access` → `credential-access`). */
function tacticKey(tactic: string): string {
  return tactic.trim().toLowerCase().replace(/[\s_]+/g, '-');
}

export function diffCoverage(base: Coverage, head: Coverage): CoverageDiff {
  const diff: CoverageDiff = { added: [], removed: [], upgraded: [], downgraded: [] };
  const ids = [...new Set([...Object.keys(base), ...Object.keys(head)])].sort(compareIds);
  for (const id of ids) {
    const before = Object.hasOwn(base, id) ? base[id] : undefined;
    const after = Object.hasOwn(head, id) ? head[id] : undefined;
    if (after && !before) diff.added.push(change(after));
    else if (before && !after) diff.removed.push(change(before));
    else if (before && after && before.confirmed !== after.confirmed) (after.confirmed ? diff.upgraded : diff.downgraded).push(change(after));
  }
  return diff;
}

function change(entry: CoverageEntry): CoverageChange {
  return { techniqueId: entry.techniqueId, name: entry.name, tactics: [...entry.tactics], confirmed: entry.confirmed };
}

export function isEmptyDiff(diff: CoverageDiff): boolean {
  return !diff.added.length && !diff.removed.length && !diff.upgraded.length && !diff.downgraded.length;
}
