import { COMMENT_BUDGET, githubLinks, renderReport, type ReportHunt, type ReportModel, SUMMARY_BUDGET } from '../src/action/report-markdown.js';
import { bundledAttackCatalogue } from '../src/core/attack.js';
import { renderEnrichmentSection } from '../src/core/enrichment.js';
import { aitmReport, HOSTILE_ANSWER, PLAIN_ANSWER } from './support/enrich-fixtures.js';

/**
 * The enrichment section in the PR comment and the job summary: the section is kept whole or
 * left out (never cut inside its <details>), and the comment stays within GitHub's limit.
 */

const links = githubLinks({ serverUrl: 'https://github.com', repository: 'o/r', outputsRef: 'a'.repeat(40), sourcesRef: 'b'.repeat(40), privateRepo: false });

function section(hunts: number, answer: object = PLAIN_ANSWER): string {
  const report = aitmReport();
  const entries = Array.from({ length: hunts }, (_, i) => ({ slug: `h-${i}`, huntName: `Hunt ${i}`, report, answer: answer as typeof PLAIN_ANSWER, cached: i % 2 === 0 }));
  // The action gives the section a third of the comment budget.
  return renderEnrichmentSection(entries, { provider: 'openai', model: 'gpt-5.5', catalogue: bundledAttackCatalogue(), maxChars: Math.floor(COMMENT_BUDGET.budget / 3) });
}

function huntsOfSize(count: number): ReportHunt[] {
  return Array.from({ length: count }, (_, i) => ({
    file: `hunts/h-${i}.yaml`,
    name: `Hunt ${i}`,
    peakPhase: 'Scoped',
    findings: Array.from({ length: 5 }, (_, j) => ({
      technique: 'T1059.001',
      techniqueName: 'PowerShell',
      tactic: 'execution',
      confirmed: j % 2 === 0,
      status: 'test',
      level: 'high',
      iocs: 3,
      files: ['sigma', 'kql', 'spl', 'sql'].map((label) => ({ label, path: `detections/h-${i}/${label}/t1059-001-process-creation-${j}.${label}` }))
    }))
  }));
}

const model = (hunts: ReportHunt[], extra: string): ReportModel => ({
  ok: true,
  headline: 'report',
  notes: [],
  hunts,
  diagnostics: [],
  conflicts: [],
  extraSections: [extra]
});

const count = (text: string, needle: string) => text.split(needle).length - 1;

test('a section that fits is shown whole, after the findings', () => {
  const extra = section(3, HOSTILE_ANSWER);
  const comment = renderReport(model(huntsOfSize(2), extra), links, COMMENT_BUDGET);
  expect(comment).toContain(extra.trimEnd());
  expect(comment.indexOf('<details>')).toBeGreaterThan(comment.indexOf('### Hunt 1'));
  expect(count(comment, '<details>')).toBe(1);
  expect(count(comment, '</details>')).toBe(1);
});

test('a many-hunt section stays within its third of the comment and says how many hunts it left out', () => {
  const extra = section(200);
  expect(extra.length).toBeLessThanOrEqual(Math.floor(COMMENT_BUDGET.budget / 3));
  expect(extra).toMatch(/_\d+ more hunt\(s\) left out to keep this comment short/);
  const comment = renderReport(model(huntsOfSize(5), extra), links, COMMENT_BUDGET);
  expect(comment).toContain(extra.trimEnd());
  expect(comment.length).toBeLessThanOrEqual(COMMENT_BUDGET.budget);
});

test('when the findings fill the comment, the section is left out whole, never cut inside <details>', () => {
  const extra = section(20);
  const shown: boolean[] = [];
  for (let hunts = 1; hunts <= 60; hunts += 1) {
    const comment = renderReport(model(huntsOfSize(hunts), extra), links, COMMENT_BUDGET);
    shown.push(comment.includes('<details>'));
    expect(comment.length).toBeLessThanOrEqual(COMMENT_BUDGET.budget);
    expect(count(comment, '<details>')).toBe(count(comment, '</details>'));
    expect(comment.includes('<details>') ? comment.includes(extra.trimEnd()) : true).toBe(true);
  }
  // The range covers both cases: the section shown while it fits, left out once it does not.
  expect(shown).toContain(true);
  expect(shown).toContain(false);
  // The job summary's budget is far larger: the whole report, section included.
  const summary = renderReport(model(huntsOfSize(120), extra), links, SUMMARY_BUDGET);
  expect(summary).toContain(extra.trimEnd());
});
