import { type AttackCatalogue, TECHNIQUE_ID, type Technique } from '../attack.js';
import { IOC_MATCHES, IOC_TYPES, type IocMatch, type IocType } from '../model.js';
import { checkIocValue } from './ioc-values.js';
import { suggest } from './suggest.js';

/**
 * Semantic checks of a hunt report (DESIGN.md §2): what the schema's types cannot say. They run on the
 * raw document even when the schema found errors elsewhere, so that one run reports every problem; each
 * check looks only at values of the right shape and leaves wrong shapes to the schema's messages.
 */

export interface HuntIssue {
  /** Key path of the value the issue is about; the diagnostic is placed at that node. */
  path: (string | number)[];
  severity: 'error' | 'warning';
  /** Plain message without the path label (the parser prefixes it). */
  message: string;
}

type Path = (string | number)[];

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function text(v: unknown): string | undefined {
  return typeof v === 'string' && v.trim() !== '' ? v.trim() : undefined;
}

/**
 * A report may have no findings only when its verdict says nothing was found: an empty list next to a
 * verdict like "Confirmed attacker activity" is almost always a lost `findings` block, and would
 * silently produce no detections.
 */
const NOTHING_FOUND_VERDICT = /\bno (?:malicious|suspicious|evidence|findings?|threats?|signs?)\b|\bnothing (?:found|observed|detected|malicious|suspicious)\b|\bbenign\b/i;

export function verdictSaysNothingFound(verdict: string): boolean {
  return NOTHING_FOUND_VERDICT.test(verdict);
}

const HINTED_ISSUES = 100;

const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

export function isCalendarDate(s: string): boolean {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(s);
  if (!m) return false;
  const [year, month, day] = [Number(m[1]), Number(m[2]), Number(m[3])];
  if (month < 1 || month > 12 || day < 1) return false;
  const leap = (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
  return day <= (month === 2 && leap ? 29 : DAYS_IN_MONTH[month - 1]!);
}

function quoteList(items: readonly string[]): string {
  return items.map((s) => `'${s}'`).join(', ');
}

/** The forms a hunter may write a technique's name in: "Sub" or "Parent: Sub" for a sub-technique. */
function acceptedNames(technique: Technique, catalogue: AttackCatalogue): string[] {
  const names = [technique.name];
  const parentId = technique.id.split('.')[0]!;
  if (parentId !== technique.id) {
    const parent = catalogue.technique(parentId);
    if (parent) names.push(`${parent.name}: ${technique.name}`);
  }
  return names;
}

function sameName(a: string, b: string): boolean {
  const norm = (s: string) => s.trim().replace(/\s+/g, ' ').toLowerCase();
  return norm(a) === norm(b);
}

function tacticNames(shortnames: readonly string[], catalogue: AttackCatalogue): string {
  return shortnames.map((s) => catalogue.tactic(s)?.name ?? s).join(' or ');
}

function checkAttack(finding: Record<string, unknown>, at: Path, catalogue: AttackCatalogue, issues: HuntIssue[]): void {
  const release = `ATT&CK ${catalogue.domain === 'enterprise-attack' ? 'Enterprise ' : ''}v${catalogue.version}`;
  const tacticText = text(finding.tactic);
  const tactic = tacticText === undefined ? undefined : catalogue.tactic(tacticText);
  if (tacticText !== undefined && !tactic) {
    const hint = suggest(tacticText, catalogue.tactics.flatMap((t) => [t.name, t.shortname]));
    const guess = hint === undefined ? undefined : catalogue.tactic(hint);
    issues.push({
      path: [...at, 'tactic'],
      severity: 'error',
      message: guess
        ? `unknown ATT&CK tactic '${tacticText}' — did you mean '${guess.name}'?`
        : `unknown ATT&CK tactic '${tacticText}' (write a tactic name such as 'Credential Access' or its shortname 'credential-access')`
    });
  }

  const techniqueId = typeof finding.technique === 'string' && TECHNIQUE_ID.test(finding.technique) ? finding.technique : undefined;
  if (techniqueId === undefined) return;
  const technique = catalogue.technique(techniqueId);
  if (!technique) {
    const parent = techniqueId.includes('.') ? catalogue.technique(techniqueId.split('.')[0]!) : undefined;
    issues.push({
      path: [...at, 'technique'],
      severity: 'warning',
      message:
        `${techniqueId} is not in ${release}` +
        (parent ? ` (its parent ${parent.id} '${parent.name}' is); ` : '; ') +
        'check the id, or it may come from a newer ATT&CK release'
    });
    return;
  }
  if (technique.deprecated || technique.revoked) {
    issues.push({
      path: [...at, 'technique'],
      severity: 'warning',
      message: `${technique.id} '${technique.name}' is ${technique.revoked ? 'revoked' : 'deprecated'} in ${release}; use the technique that replaced it`
    });
  }
  if (tactic && technique.tactics.length > 0 && !technique.tactics.includes(tactic.shortname)) {
    issues.push({
      path: [...at, 'tactic'],
      severity: 'warning',
      message: `${technique.id} '${technique.name}' belongs to ${tacticNames(technique.tactics, catalogue)} in ${release}, not to ${tactic.name}`
    });
  }
  const givenName = text(finding.technique_name);
  if (givenName !== undefined) {
    const names = acceptedNames(technique, catalogue);
    if (!names.some((n) => sameName(n, givenName))) {
      issues.push({
        path: [...at, 'technique_name'],
        severity: 'warning',
        message: `'${givenName}' is not the name of ${technique.id} in ${release}: it is '${names[names.length - 1]}'`
      });
    }
  }
}

function checkIocs(iocs: unknown, at: Path, issues: HuntIssue[]): void {
  if (!Array.isArray(iocs)) return;
  const seen = new Map<string, number>();
  iocs.forEach((ioc, j) => {
    if (!isRecord(ioc)) return;
    const type = IOC_TYPES.find((t) => t === ioc.type) as IocType | undefined;
    const match = ioc.match === undefined ? 'exact' : (IOC_MATCHES.find((m) => m === ioc.match) as IocMatch | undefined);
    const value = typeof ioc.value === 'number' ? ioc.value : text(ioc.value);
    if (type === undefined || match === undefined || value === undefined) return;
    const problem = checkIocValue(type, value, match);
    if (problem) issues.push({ path: [...at, j, 'value'], severity: 'error', message: problem });
    const key = `${type}\u0000${match}\u0000${String(value).toLowerCase()}`;
    const first = seen.get(key);
    if (first === undefined) seen.set(key, j);
    else {
      issues.push({
        path: [...at, j],
        severity: 'warning',
        message: `duplicate of iocs[${first}] (same type, value and match); the rule would test it twice`
      });
    }
  });
}

export function checkHuntSemantics(data: unknown, catalogue: AttackCatalogue): HuntIssue[] {
  const issues: HuntIssue[] = [];
  if (!isRecord(data)) return issues;

  if (isRecord(data.hunt) && typeof data.hunt.date === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(data.hunt.date) && !isCalendarDate(data.hunt.date)) {
    issues.push({ path: ['hunt', 'date'], severity: 'error', message: `${data.hunt.date} is not a calendar date` });
  }

  // Name → index of its first declaration.
  const declared = new Map<string, number>();
  if (Array.isArray(data.data_sources)) {
    data.data_sources.forEach((ds, i) => {
      const name = isRecord(ds) ? text(ds.name) : undefined;
      if (name === undefined) return;
      const first = declared.get(name);
      if (first !== undefined) {
        issues.push({ path: ['data_sources', i, 'name'], severity: 'error', message: `data source '${name}' is already declared as data_sources[${first}]; names must be unique` });
      } else {
        declared.set(name, i);
      }
    });
  }

  if (Array.isArray(data.findings)) {
    const verdict = text(data.verdict);
    if (data.findings.length === 0 && verdict !== undefined && !verdictSaysNothingFound(verdict)) {
      issues.push({
        path: ['findings'],
        severity: 'error',
        message: `no findings, but the verdict does not say that nothing was found; add the findings, or say so in the verdict (e.g. "No malicious activity found")`
      });
    }
    data.findings.forEach((finding, i) => {
      if (!isRecord(finding)) return;
      const at: Path = ['findings', i];
      checkAttack(finding, at, catalogue, issues);
      const ref = text(finding.data_source_ref);
      if (ref !== undefined && Array.isArray(data.data_sources) && !declared.has(ref)) {
        const names = [...declared.keys()];
        // Hints cost a comparison with every name; past the issues anyone will read, skip them.
        const hint = issues.length < HINTED_ISSUES ? suggest(ref, names) : undefined;
        const listed = names.length > 0 && names.length <= 10 ? ` (declared: ${quoteList(names)})` : '';
        issues.push({
          path: [...at, 'data_source_ref'],
          severity: 'error',
          message: `'${ref}' is not a declared data source` + (hint !== undefined ? ` — did you mean '${hint}'?` : listed)
        });
      }
      checkIocs(finding.iocs, [...at, 'iocs'], issues);
    });
  }
  return issues;
}
