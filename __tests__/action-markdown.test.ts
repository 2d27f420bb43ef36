import fc from 'fast-check';
import { code, row, text } from '../src/action/markdown.js';
import { oneLine } from '../src/core/markdown.js';
import { COMMENT_MARKER } from '../src/action/comment.js';
import { COMMENT_BUDGET, githubLinks, renderReport, type ReportModel, SUMMARY_BUDGET } from '../src/action/report-markdown.js';
import type { Diagnostic } from '../src/core/diagnostics.js';

/**
 * What a CommonMark/GFM renderer shows for inline text without markup: backslash escapes of
 * ASCII punctuation removed, the entities we emit decoded. Zero-width joiners are kept, so
 * the tests can also see where mentions and autolinks were broken.
 */
function displayed(markdown: string): string {
  return markdown
    .replace(/\\([!-/:-@[-`{-~])/g, '$1')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&amp;/g, '&');
}

/** Characters that are markup when not backslash-escaped (an odd run of backslashes before them escapes them). */
function unescapedMarkup(markdown: string): string[] {
  const found: string[] = [];
  for (let i = 0; i < markdown.length; i++) {
    const c = markdown[i]!;
    if (!'|[]`*_<>~$'.includes(c)) continue;
    let backslashes = 0;
    for (let j = i - 1; j >= 0 && markdown[j] === '\\'; j--) backslashes++;
    if (backslashes % 2 === 0) found.push(c);
  }
  return found;
}

/** GFM splits a table row at every `|` that is not backslash-escaped (also inside code spans). */
function cellCount(line: string): number {
  let pipes = 0;
  for (let i = 0; i < line.length; i++) {
    if (line[i] !== '|') continue;
    let backslashes = 0;
    for (let j = i - 1; j >= 0 && line[j] === '\\'; j--) backslashes++;
    if (backslashes % 2 === 0) pipes++;
  }
  return pipes - 1;
}

const ZWJ = '\u200D';
/** Strings rich in what Markdown, HTML and GitHub treat specially, mixed with any other characters. */
const markdownish = (maxLength: number) =>
  fc.string({
    unit: fc.oneof(
      fc.constantFrom(...'|[]()`*_<>~$\\@#:/&"\'!-+.{}'.split(''), '\n', '\r\n', '\t', 'www.', 'https://', '@team', '#12', '&amp;', '<b>', ' '),
      fc.string({ unit: 'binary', minLength: 1, maxLength: 1 })
    ),
    maxLength
  });
const HOSTILE = '<img src=x onerror=alert(1)> @org/team | x';

describe('text(): user text in Markdown', () => {
  test('the hostile hunt name renders as its own text, mentions nobody and keeps the table', () => {
    const escaped = text(HOSTILE);
    expect(escaped).not.toContain('<');
    expect(escaped).toContain('&lt;img');
    expect(escaped).toContain(`@${ZWJ}org`);
    expect(unescapedMarkup(escaped)).toEqual([]);
    expect(displayed(escaped).replaceAll(ZWJ, '')).toBe(HOSTILE);
    expect(cellCount(row(['a', escaped, 'c']))).toBe(3);
  });

  test('newlines, tabs and control characters collapse to single spaces', () => {
    expect(oneLine('a\r\n\tb\u2028c\u0000d  e')).toBe('a b c d e');
    expect(text('line one\n| injected | row |')).not.toContain('\n');
  });

  test('bidi overrides and zero-width characters cannot reorder or hide a hunt name', () => {
    expect(text('invoice\u202Egpj.exe\u200B')).toBe('invoicegpj\\.exe');
  });

  test('mentions, issue references and autolinks are broken', () => {
    const escaped = text('ping @security-team about #12, see https://evil.example/x and www.evil.example');
    expect(escaped).not.toMatch(/@[A-Za-z0-9]/);
    expect(escaped).not.toMatch(/#\d/);
    expect(escaped).not.toContain('://');
    expect(escaped).not.toMatch(/www\\?\./i);
  });

  test('property: any string shows exactly as itself (minus zero-width joiners), with no live markup', () => {
    fc.assert(
      fc.property(markdownish(60), (value) => {
        const escaped = text(value, 10_000);
        expect(escaped).not.toMatch(/[\n\r]/);
        expect(unescapedMarkup(escaped)).toEqual([]);
        expect(escaped).not.toMatch(/@(?!\u200D)/);
        expect(escaped).not.toMatch(/&(?!amp;|lt;|gt;|quot;)/);
        expect(displayed(escaped).replaceAll(ZWJ, '')).toBe(oneLine(value));
        expect(cellCount(row([escaped, escaped]))).toBe(2);
      }),
      { numRuns: 300 }
    );
  });

  test('long text is clipped on a code point boundary', () => {
    const clipped = text('😀'.repeat(50), 10);
    expect(Array.from(displayed(clipped))).toHaveLength(10);
    expect(clipped.endsWith('…')).toBe(true);
  });
});

describe('code(): inline code in a table cell', () => {
  test('property: one cell showing exactly the text, as a code span where GFM allows it', () => {
    fc.assert(
      fc.property(markdownish(40), (value) => {
        const span = code(value, 10_000);
        expect(cellCount(row([span]))).toBe(1);
        const fence = /^`+/.exec(span)?.[0];
        if (!fence) {
          expect(value).toContain('\\|');
          expect(displayed(span).replaceAll(ZWJ, '')).toBe(oneLine(value));
          return;
        }
        expect(span.endsWith(fence)).toBe(true);
        const inner = span.slice(fence.length, span.length - fence.length);
        expect(inner).not.toContain(fence);
        const content = inner.length > 1 && inner.startsWith(' ') && inner.endsWith(' ') && inner.trim() ? inner.slice(1, -1) : inner;
        // cmark-gfm drops the backslash of every `\|` in a cell before parsing the code span.
        expect(content.replace(/\\\|/g, '|')).toBe(oneLine(value));
      }),
      { numRuns: 300 }
    );
  });
});

const diagnostic = (i: number, message = `problem number ${i}`): Diagnostic => ({
  file: `hunts/h${i}.yml`,
  line: i + 1,
  column: 3,
  severity: i % 3 ? 'warning' : 'error',
  message,
  path: []
});

function model(overrides: Partial<ReportModel> = {}): ReportModel {
  return {
    ok: true,
    headline: '1 hunt report, 1 finding, 1 rule',
    notes: ['Pull request #7: 1 changed hunt report.'],
    coverageDiff: {
      added: [{ techniqueId: 'T1557.001', name: 'LLMNR/NBT-NS Poisoning and SMB Relay', tactics: ['credential-access', 'collection'], confirmed: true }],
      removed: [{ techniqueId: 'T1059', name: 'Command and Scripting Interpreter', tactics: ['execution'], confirmed: false }],
      upgraded: [],
      downgraded: []
    },
    hunts: [
      {
        file: 'hunts/aitm | proxy.yml',
        name: HOSTILE,
        peakPhase: 'Scoped',
        layerPath: 'detections/aitm/navigator.json',
        findings: [
          {
            technique: 'T1557.001',
            techniqueName: 'LLMNR/NBT-NS Poisoning and SMB Relay',
            tactic: 'credential-access',
            confirmed: true,
            status: 'test',
            level: 'high',
            iocs: 3,
            files: [
              { label: 'sigma', path: 'detections/aitm/sigma/t1557-001-process-creation.yml' },
              { label: 'kql', path: 'detections/aitm/kql/t1557-001-process-creation.kql' }
            ]
          }
        ]
      }
    ],
    diagnostics: [],
    conflicts: [],
    ...overrides
  };
}

const publicLinks = githubLinks({
  serverUrl: 'https://github.com',
  repository: 'octo-org/hunts',
  outputsRef: 'c0ffee0000000000000000000000000000000000',
  sourcesRef: 'beef000000000000000000000000000000000000',
  privateRepo: false,
  runUrl: 'https://github.com/octo-org/hunts/actions/runs/1'
});

describe('renderReport', () => {
  test('the comment starts with the hidden marker; the summary does not need it', () => {
    expect(renderReport(model(), publicLinks, COMMENT_BUDGET).startsWith(`${COMMENT_MARKER}\n`)).toBe(true);
    expect(renderReport(model(), publicLinks, SUMMARY_BUDGET)).not.toContain(COMMENT_MARKER);
  });

  test('findings table: every row has the header\'s cell count, user text is escaped, files and Navigator are linked', () => {
    const body = renderReport(model(), publicLinks, COMMENT_BUDGET);
    expect(body).not.toContain('<img');
    expect(body).not.toMatch(/@(?!\u200D)/);
    const tables = body.split('\n').filter((l) => l.startsWith('|'));
    const header = tables.find((l) => l.includes('Technique') && l.includes('Rules'))!;
    const findingRow = tables.find((l) => l.includes('T1557.001') && l.includes('sigma'))!;
    expect(cellCount(findingRow)).toBe(cellCount(header));
    expect(cellCount(header)).toBe(7);
    expect(findingRow).toContain('(https://github.com/octo-org/hunts/blob/c0ffee0000000000000000000000000000000000/detections/aitm/sigma/t1557-001-process-creation.yml)');
    const raw = 'https://raw.githubusercontent.com/octo-org/hunts/c0ffee0000000000000000000000000000000000/detections/aitm/navigator.json';
    expect(body).toContain(`[Open in ATT&CK Navigator](https://mitre-attack.github.io/attack-navigator/#layerURL=${encodeURIComponent(raw)})`);
    expect(body).toContain('`hunts/aitm \\| proxy.yml`');
  });

  test('coverage diff lists added and removed techniques with their tactics', () => {
    const body = renderReport(model(), publicLinks, COMMENT_BUDGET);
    const lines = body.split('\n');
    const added = lines.find((l) => l.includes('added') && l.includes('T1557.001'))!;
    expect(added).toContain('credential\\-access, collection');
    expect(cellCount(added)).toBe(5);
    expect(lines.some((l) => l.includes('removed') && l.includes('T1059'))).toBe(true);
    expect(renderReport(model({ coverageDiff: { added: [], removed: [], upgraded: [], downgraded: [] } }), publicLinks, COMMENT_BUDGET)).toContain(
      'No change to ATT&CK coverage.'
    );
  });

  test('a private repository gets file links but no Navigator link (the Navigator cannot fetch private files)', () => {
    const links = githubLinks({ serverUrl: 'https://github.com', repository: 'o/r', outputsRef: 'abc', sourcesRef: 'abc', privateRepo: true });
    const body = renderReport(model(), links, COMMENT_BUDGET);
    expect(body).not.toContain('Open in ATT&CK Navigator');
    expect(body).toContain('[layer file](https://github.com/o/r/blob/abc/detections/aitm/navigator.json)');
  });

  test('without committed outputs there are no file links (fork PRs, commit: false)', () => {
    const links = githubLinks({ serverUrl: 'https://github.com', repository: 'o/r', sourcesRef: 'abc', privateRepo: false });
    const body = renderReport(model(), links, COMMENT_BUDGET);
    expect(body).not.toContain('/blob/');
    expect(body).toContain('| sigma · kql |');
  });

  test('diagnostics: errors first, each located and linked to its line', () => {
    const body = renderReport(model({ ok: false, diagnostics: [diagnostic(1, 'a warning'), diagnostic(0, 'an error')] }), publicLinks, COMMENT_BUDGET);
    const errorAt = body.indexOf('an error');
    expect(errorAt).toBeGreaterThan(0);
    expect(errorAt).toBeLessThan(body.indexOf('a warning'));
    expect(body).toContain('[`hunts/h0.yml:1:3`](https://github.com/octo-org/hunts/blob/beef000000000000000000000000000000000000/hunts/h0.yml#L1)');
  });

  test('a huge report stays under GitHub\'s 65,536-character comment limit and says where the rest is', () => {
    const diagnostics = Array.from({ length: 2000 }, (_, i) => diagnostic(i, `${HOSTILE} ${'x'.repeat(100)}`));
    const comment = renderReport(model({ ok: false, diagnostics }), publicLinks, COMMENT_BUDGET);
    expect(comment.length).toBeLessThan(65_536);
    expect(comment.length).toBeGreaterThan(50_000);
    expect(comment).toMatch(/\d+ more lines did not fit into GitHub's size limit; the job summary of \[this workflow run\]\(https:\/\/github\.com\/octo-org\/hunts\/actions\/runs\/1\) has the full report\./);
    const summary = renderReport(model({ ok: false, diagnostics }), publicLinks, SUMMARY_BUDGET);
    expect(summary.split('\n').filter((l) => l.startsWith('| ') && l.includes('onerror')).length).toBe(2000);
    expect(summary).not.toContain('did not fit');
  });

  test('the job summary budget counts UTF-8 bytes and stays under 1 MiB', () => {
    const diagnostics = Array.from({ length: 6000 }, (_, i) => diagnostic(i, '漢字'.repeat(100)));
    const summary = renderReport(model({ ok: false, diagnostics }), publicLinks, SUMMARY_BUDGET);
    expect(Buffer.byteLength(summary)).toBeLessThanOrEqual(1_000_000);
    expect(summary).toContain('did not fit');
  });

  test('a cut never leaves a table without its header', () => {
    const diagnostics = Array.from({ length: 400 }, (_, i) => diagnostic(i, 'y'.repeat(150)));
    const body = renderReport(model({ ok: false, diagnostics }), publicLinks, { ...COMMENT_BUDGET, budget: 20_000 });
    const lines = body.split('\n');
    for (let i = 0; i < lines.length; i++) {
      if (!lines[i]!.startsWith('|') || lines[i - 1]?.startsWith('|')) continue;
      expect(lines[i + 1]).toMatch(/^\| ---/);
    }
    expect(body.length).toBeLessThanOrEqual(20_000);
  });
});
