import { readFileSync } from 'node:fs';
import { bundledAttackCatalogue } from '../../src/core/attack.js';
import { parseHuntReport } from '../../src/core/hunt/parse.js';
import { type Condition, DEFAULT_STATUS_MAP, type FieldMatch, type KqlFlavor, type PlannedRule, type QueryTarget, type RuleMeta } from '../../src/core/model.js';
import { bundledRoutingTable } from '../../src/core/routing/table.js';
import { planRules } from '../../src/core/rules/plan.js';

/** Planned rules for renderer tests: hand-built ones that do not depend on the planner, and the planner's rules for the examples. */

/** The seed's AiTM finding as rule metadata. */
export const AITM_META: RuleMeta = {
  ruleId: '3b0c7a52-5a8e-5f0e-9d3c-2f4d8f0c1a11',
  title: 'Adversary-in-the-Middle: LLMNR/NBT-NS Poisoning',
  description: 'Proxy process spawned from explorer.exe',
  author: 'Andre Seguin',
  date: '2026-04-08',
  references: [],
  falsepositives: [],
  status: 'test',
  level: 'high',
  confirmed: true,
  technique: { id: 'T1557.001', name: 'LLMNR/NBT-NS Poisoning and SMB Relay' },
  tactic: { shortname: 'credential-access', name: 'Credential Access' },
  tags: ['attack.credential-access', 'attack.t1557.001', 'detection.threat-hunting'],
  hunt: { name: 'AiTM Proxy Detection — Infostealer Delivery', slug: 'aitm-proxy-detection', peakPhase: 'Scoped', file: 'hunts/aitm.yml' },
  findingIndex: 0,
  dataSource: { name: 'Microsoft Defender EDR', type: 'endpoint' }
};

/**
 * A process-creation rule with `condition` in every backend. `targets` replaces parts of a
 * backend's target (its condition included); `meta` replaces parts of the AiTM metadata.
 */
export function testRule(
  condition: Condition,
  targets: { kql?: Partial<QueryTarget>; spl?: Partial<QueryTarget>; sql?: Partial<QueryTarget> } = {},
  meta: Partial<RuleMeta> = {}
): PlannedRule {
  return {
    meta: { ...AITM_META, ...meta },
    logsourceKey: 'process_creation',
    sigma: { logsource: { category: 'process_creation', product: 'windows' }, condition },
    kql: { source: 'DeviceProcessEvents', timeField: 'Timestamp', projection: [], condition, ...targets.kql },
    spl: { source: 'Endpoint.Processes', timeField: '_time', projection: [], condition, ...targets.spl },
    sql: { source: 'security.process_events', timeField: 'event_time', projection: [], condition, ...targets.sql }
  };
}

/** The planner's rules for a hunt report file (which must be valid). */
export function planExample(file: string, kqlFlavor: KqlFlavor = 'xdr'): PlannedRule[] {
  const catalogue = bundledAttackCatalogue();
  const parsed = parseHuntReport(readFileSync(file), file, catalogue);
  if (!parsed.report) throw new Error(`${file} does not parse: ${parsed.diagnostics.map((d) => d.message).join('; ')}`);
  return planRules(parsed.report, { file, locate: parsed.locate, statusMap: DEFAULT_STATUS_MAP, kqlFlavor, routing: bundledRoutingTable(), catalogue }).rules;
}

export function conditionLeaves(condition: Condition): FieldMatch[] {
  if (condition.kind === 'match') return [condition];
  if (condition.kind === 'not') return conditionLeaves(condition.child);
  return condition.children.flatMap(conditionLeaves);
}

/** The truth of a condition tree under a truth assignment to its leaves. */
export function evaluateCondition(condition: Condition, truth: (leaf: FieldMatch) => boolean): boolean {
  switch (condition.kind) {
    case 'match':
      return truth(condition);
    case 'not':
      return !evaluateCondition(condition.child, truth);
    case 'and':
      return condition.children.every((child) => evaluateCondition(child, truth));
    case 'or':
      return condition.children.some((child) => evaluateCondition(child, truth));
  }
}
