import type { CoverageChange, CoverageDiff } from '../core/coverage.js';
import type { Diagnostic } from '../core/diagnostics.js';
import { COMMENT_MARKER } from './comment.js';
import { code, encodePath, link, tableHead, row, text } from './markdown.js';

/**
 * The report of a run as Markdown: the sticky PR comment and the job summary render the same
 * model, each within its own budget. Pure; every piece of user text goes through `text()` or
 * `code()`, every URL is built here from repository data.
 */

export interface ReportFinding {
  technique: string;
  techniqueName: string;
  tactic: string;
  confirmed: boolean;
  /** Sigma status and level of the finding's rules; undefined when no rule was generated. */
  status?: string;
  level?: string;
  iocs: number;
  /** Generated rule files, repository-relative, with a short label (`sigma`, `kql (dns)`). */
  files: { label: string; path: string }[];
}

export interface ReportHunt {
  file: string;
  name: string;
  peakPhase: string;
  findings: ReportFinding[];
  /** Repository-relative path of the hunt's Navigator layer, if one was generated. */
  layerPath?: string;
}

export interface ReportModel {
  ok: boolean;
  /** One line saying what happened (no user text beyond counts). */
  headline: string;
  /** Plain-text facts about the run: trigger, commit, what was skipped and why. */
  notes: string[];
  /** Present on pull requests: base → head. */
  coverageDiff?: CoverageDiff;
  hunts: ReportHunt[];
  diagnostics: Diagnostic[];
  conflicts: { path: string; reason: string }[];
  /** Ready-made Markdown sections from other parts (each escapes its own user text). */
  extraSections?: string[];
}

/** Where things live on GitHub; each returns undefined when there is nothing to link to. */
export interface ReportLinks {
  /** A generated file, repository-relative. */
  output(path: string): string | undefined;
  /** A line of a hunt report. */
  source(path: string, line: number): string | undefined;
  /** "Open in ATT&CK Navigator" for a layer file. */
  navigator(layerPath: string): string | undefined;
  /** The workflow run (for "the full report is in the job summary"). */
  run?: string;
}

export interface LinkContext {
  /** `GITHUB_SERVER_URL`, e.g. https://github.com. */
  serverUrl: string;
  /** `owner/name`. */
  repository: string;
  /** Commit holding the generated files (the new commit, or the head when nothing changed); undefined when they were not committed. */
  outputsRef?: string;
  /** Commit holding the hunt reports as checked. */
  sourcesRef?: string;
  privateRepo: boolean;
  runUrl?: string;
}

const NAVIGATOR_APP = 'https://mitre-attack.github.io/attack-navigator/';

export function githubLinks(ctx: LinkContext): ReportLinks {
  const blob = (ref: string, path: string) => `${ctx.serverUrl}/${ctx.repository}/blob/${encodePath(ref)}/${encodePath(path)}`;
  const raw = (ref: string, path: string) =>
    new URL(ctx.serverUrl).hostname === 'github.com'
      ? `https://raw.githubusercontent.com/${ctx.repository}/${encodePath(ref)}/${encodePath(path)}`
      : `${ctx.serverUrl}/${ctx.repository}/raw/${encodePath(ref)}/${encodePath(path)}`;
  return {
    output: (path) => (ctx.outputsRef ? blob(ctx.outputsRef, path) : undefined),
    source: (path, line) => (ctx.sourcesRef ? `${blob(ctx.sourcesRef, path)}#L${line}` : undefined),
    // The Navigator fetches the layer from the browser: only a public repository's raw URL works.
    navigator: (path) => (ctx.outputsRef && !ctx.privateRepo ? `${NAVIGATOR_APP}#layerURL=${encodeURIComponent(raw(ctx.outputsRef, path))}` : undefined),
    run: ctx.runUrl
  };
}

export interface RenderBudget {
  /** Largest allowed result, in `measure` units. */
  budget: number;
  /** Size of a piece of text: characters for a comment, UTF-8 bytes for a job summary. */
  measure: (text: string) => number;
  /** Start with the hidden marker that finds the sticky comment again. */
  marker: boolean;
}

/** Comments: GitHub refuses bodies over 65,536 characters; multibyte text has been reported to hit it sooner. */
export const COMMENT_BUDGET: RenderBudget = { budget: 60_000, measure: (s) => s.length, marker: true };
/** Job summaries: a step's summary over 1 MiB is dropped whole. */
export const SUMMARY_BUDGET: RenderBudget = { budget: 1_000_000, measure: (s) => Buffer.byteLength(s, 'utf8'), marker: false };

interface Section {
  lines: string[];
  /** Leading lines that only make sense together (heading, table head, first row). */
  keepTogether: number;
}

export function renderReport(model: ReportModel, links: ReportLinks, limits: RenderBudget): string {
  const sections: Section[] = [headerSection(model, limits.marker)];
  const problems = problemsSection(model.diagnostics, links);
  if (problems) sections.push(problems);
  if (model.conflicts.length) sections.push(conflictsSection(model.conflicts, links));
  if (model.coverageDiff) sections.push(coverageSection(model.coverageDiff));
  for (const hunt of model.hunts) sections.push(huntSection(hunt, links));
  // Whole or not at all: a section cut in the middle could leave a <details> open around the rest.
  for (const extra of model.extraSections ?? []) {
    const lines = ['', ...extra.split('\n')];
    sections.push({ lines, keepTogether: lines.length });
  }
  return fitToBudget(sections, links, limits);
}

function fitToBudget(sections: Section[], links: ReportLinks, limits: RenderBudget): string {
  const truncationNote = (omitted: number) => {
    const where = links.run ? `the job summary of ${link('this workflow run', links.run)}` : 'the job summary of this workflow run';
    return ['', '> [!WARNING]', `> ${omitted} more ${omitted === 1 ? 'line' : 'lines'} did not fit into GitHub's size limit; ${where} has the full report.`];
  };
  const reserve = limits.measure(`${truncationNote(9_999_999).join('\n')}\n`);
  const out: string[] = [];
  let size = 0;
  let omitted = 0;
  let cut = false;
  for (const section of sections) {
    if (!cut) {
      const head = section.lines.slice(0, section.keepTogether);
      const headSize = limits.measure(head.map((l) => `${l}\n`).join(''));
      if (size + headSize + reserve > limits.budget && out.length) cut = true;
    }
    for (const line of section.lines) {
      const lineSize = limits.measure(`${line}\n`);
      if (!cut && size + lineSize + reserve > limits.budget) cut = true;
      if (cut) {
        omitted++;
        continue;
      }
      out.push(line);
      size += lineSize;
    }
  }
  if (omitted) out.push(...truncationNote(omitted));
  return `${out.join('\n')}\n`;
}

function headerSection(model: ReportModel, marker: boolean): Section {
  const lines = [
    ...(marker ? [COMMENT_MARKER] : []),
    `## ${model.ok ? '✅' : '❌'} peak-to-sigma: ${text(model.headline, 500)}`,
    ...(model.notes.length ? ['', ...model.notes.map((note) => `- ${text(note, 1000)}`)] : [])
  ];
  return { lines, keepTogether: lines.length };
}

function problemsSection(diagnostics: readonly Diagnostic[], links: ReportLinks): Section | undefined {
  if (!diagnostics.length) return undefined;
  const errors = diagnostics.filter((d) => d.severity === 'error');
  const warnings = diagnostics.filter((d) => d.severity === 'warning');
  const counts = [errors.length && `${errors.length} ${errors.length === 1 ? 'error' : 'errors'}`, warnings.length && `${warnings.length} ${warnings.length === 1 ? 'warning' : 'warnings'}`]
    .filter(Boolean)
    .join(', ');
  const lines = ['', `### Problems in hunt reports (${counts})`, '', ...tableHead(['', 'Where', 'Message'])];
  for (const d of [...errors, ...warnings]) {
    const where = `${d.file}:${d.line}:${d.column}`;
    const url = links.source(d.file, d.line);
    lines.push(row([d.severity === 'error' ? '❌ error' : '⚠️ warning', url ? `[${code(where)}](${url})` : code(where), text(d.message, 600)]));
  }
  return { lines, keepTogether: 6 };
}

function conflictsSection(conflicts: readonly { path: string; reason: string }[], links: ReportLinks): Section {
  const lines = ['', '### Generated files edited by hand (left as they are)', '', ...tableHead(['File', 'Why it was not overwritten'])];
  for (const c of conflicts) {
    const url = links.output(c.path);
    lines.push(row([url ? `[${code(c.path)}](${url})` : code(c.path), text(c.reason)]));
  }
  lines.push('', 'Move your edits into the hunt report (or delete the file) and re-run; generated files are rewritten from the reports.');
  return { lines, keepTogether: 5 };
}

const CHANGE_LABELS: Record<keyof CoverageDiff, string> = {
  added: '➕ added',
  removed: '➖ removed',
  upgraded: '⬆️ now confirmed',
  downgraded: '⬇️ no longer confirmed'
};

function coverageSection(diff: CoverageDiff): Section {
  const entries = (Object.keys(CHANGE_LABELS) as (keyof CoverageDiff)[]).flatMap((kind) => diff[kind].map((change) => ({ kind, change })));
  if (!entries.length) return { lines: ['', '### ATT&CK coverage (base → head)', '', 'No change to ATT&CK coverage.'], keepTogether: 4 };
  const lines = ['', '### ATT&CK coverage (base → head)', '', ...tableHead(['Change', 'Technique', 'Name', 'Tactics', 'Confirmed'])];
  for (const { kind, change } of entries) lines.push(coverageRow(CHANGE_LABELS[kind], change));
  return { lines, keepTogether: 6 };
}

function coverageRow(label: string, change: CoverageChange): string {
  return row([label, code(change.techniqueId), text(change.name, 120), text(change.tactics.join(', '), 200), change.confirmed ? 'yes' : 'no']);
}

function huntSection(hunt: ReportHunt, links: ReportLinks): Section {
  const lines = ['', `### ${text(hunt.name, 150)}`, ''];
  const facts = [code(hunt.file), `PEAK phase ${text(hunt.peakPhase, 40)}`];
  if (hunt.layerPath) {
    const navigator = links.navigator(hunt.layerPath);
    const layer = links.output(hunt.layerPath);
    if (navigator) facts.push(`[Open in ATT&CK Navigator](${navigator})`);
    if (layer) facts.push(`[layer file](${layer})`);
  }
  lines.push(facts.join(' · '), '');
  if (!hunt.findings.length) {
    lines.push('No findings, so no rules.');
    return { lines, keepTogether: lines.length };
  }
  lines.push(...tableHead(['Technique', 'Name', 'Tactic', 'Confirmed', 'Status / level', 'IOCs', 'Rules']));
  for (const f of hunt.findings) {
    const rules = f.files.length
      ? f.files
          .map((file) => {
            const url = links.output(file.path);
            return url ? `[${text(file.label, 60)}](${url})` : text(file.label, 60);
          })
          .join(' · ')
      : 'none (no route for its IOCs)';
    lines.push(
      row([
        code(f.technique),
        text(f.techniqueName, 120),
        text(f.tactic, 60),
        f.confirmed ? 'yes' : 'no',
        f.status && f.level ? `${text(f.status, 20)} / ${text(f.level, 20)}` : '—',
        String(f.iocs),
        rules
      ])
    );
  }
  return { lines, keepTogether: 8 };
}
