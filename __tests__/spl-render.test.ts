import { renderSpl } from '../src/core/backends/spl.js';
import { pcreLiteral, splCommentText, splFieldNameProblem, splString } from '../src/core/backends/spl-literal.js';
import type { Condition, FieldMatch, PlannedRule, RenderOptions } from '../src/core/model.js';
import { AITM_META, testRule } from './support/rules.js';
import { checkSpl, decodePcreLiteral, decodeSplString, pcreToJs, searchTermToJs, splPipeline, tokenizeSpl } from './support/spl-check.js';

const OPTIONS: RenderOptions = { lookbackDays: 7, kqlFlavor: 'xdr' };

const match = (field: string, operator: FieldMatch['operator'], value: string | number): FieldMatch => ({ kind: 'match', field, operator, value });
const or = (...children: Condition[]): Condition => ({ kind: 'or', children });
const and = (...children: Condition[]): Condition => ({ kind: 'and', children });
const not = (child: Condition): Condition => ({ kind: 'not', child });

/** Header values the assertions below name. */
const META = { ruleId: '0b0e7a43-2f7c-5d57-9b35-6f8a1c2d3e4f', hunt: { ...AITM_META.hunt, name: 'AiTM Proxy Detection' } };

function rule(condition: Condition, overrides: { source?: string; sourceHint?: string; title?: string; projection?: string[] } = {}): PlannedRule {
  const spl = {
    source: overrides.source ?? 'Endpoint.Processes',
    projection: overrides.projection ?? ['dest', 'user', 'process_name', 'parent_process_name', 'process'],
    ...(overrides.sourceHint === undefined ? {} : { sourceHint: overrides.sourceHint })
  };
  return testRule(condition, { spl }, { ...META, title: overrides.title ?? 'Adversary-in-the-Middle: process creation' });
}

/** The condition segment (`search` or `where`, after the lookback `where`) of a rendered search. */
function conditionSegment(spl: string) {
  const segments = splPipeline(spl);
  expect(segments.map((s) => s.command)).toEqual(['datamodel', 'where', expect.stringMatching(/^(search|where)$/), 'eval', 'table', 'sort']);
  return segments[2]!;
}

function strings(segment: ReturnType<typeof conditionSegment>): string[] {
  return segment.tokens.filter((t) => t.kind === 'string').map((t) => decodeSplString(t.text));
}

describe('renderSpl: the search shape', () => {
  const r = rule(and(match('process_name', 'equals', 'suspicious_proxy.exe'), match('parent_process_name', 'equals', 'explorer.exe')), {
    sourceHint: 'XmlWinEventLog:Microsoft-Windows-Sysmon/Operational'
  });
  const spl = renderSpl(r, OPTIONS);

  test('header comments, datamodel, lookback, condition, context, table, sort', () => {
    expect(checkSpl(spl)).toEqual([]);
    const lines = spl.split('\n');
    expect(lines[0]).toMatch(/^```── T1557\.001: Adversary-in-the-Middle: process creation ──+```$/);
    expect(spl).toContain('```Hunt: AiTM Proxy Detection (PEAK phase: Scoped)```\n');
    expect(spl).toContain('```Typical sourcetype: XmlWinEventLog:Microsoft-Windows-Sysmon/Operational (add a sourcetype term to the search to narrow it)```\n');
    expect(spl).toContain(
      [
        '| datamodel Endpoint Processes flat strict_fields=false',
        '| where _time >= relative_time(now(), "-7d")',
        '| search process_name="suspicious_proxy.exe"',
        '    AND parent_process_name="explorer.exe"',
        '| eval technique="T1557.001", tactic="credential-access", confidence="high"',
        '| table _time dest user process_name parent_process_name process technique tactic confidence',
        '| sort 0 -_time',
        ''
      ].join('\n')
    );
  });

  test('LF only, one trailing newline, deterministic, lookback from the options', () => {
    expect(spl).not.toContain('\r');
    expect(spl.endsWith('\n') && !spl.endsWith('\n\n')).toBe(true);
    expect(renderSpl(r, OPTIONS)).toBe(spl);
    expect(renderSpl(r, { ...OPTIONS, lookbackDays: 30 })).toContain('relative_time(now(), "-30d")');
    expect(() => renderSpl(r, { ...OPTIONS, lookbackDays: -1 })).toThrow(RangeError);
  });

  test('nested datasets use the leaf dataset name; non-data-model sources are refused', () => {
    expect(renderSpl(rule(match('url', 'contains', 'x'), { source: 'Web.Proxy', projection: ['url'] }), OPTIONS)).toContain('| datamodel Web Proxy flat strict_fields=false\n');
    expect(renderSpl(rule(match('dest_ip', 'cidr', '10.0.0.0/8'), { source: 'Network_Traffic.All_Traffic', projection: [] }), OPTIONS)).toContain(
      '| datamodel Network_Traffic All_Traffic flat strict_fields=false\n'
    );
    expect(() => renderSpl(rule(match('a', 'equals', 'x'), { source: 'index=main sourcetype=x' }), OPTIONS)).toThrow(/CIM data model dataset/);
  });

  test('user text in the header cannot end its comment, start a string or add a line', () => {
    const hostile = renderSpl(rule(match('process_name', 'equals', 'x'), { title: 'a```| delete ```b "q" `macro`\nsecond line\u2028\u202e' }), OPTIONS);
    expect(checkSpl(hostile)).toEqual([]);
    const comments = tokenizeSpl(hostile).filter((t) => t.kind === 'comment');
    expect(comments[0]!.text).toContain("a'''| delete '''b 'q' 'macro' second line");
    expect(splPipeline(hostile).map((s) => s.command)).not.toContain('delete');
    expect(splCommentText('x\r\ny')).toBe('x y');
  });

  test('field names outside CIM syntax are refused with the reason', () => {
    expect(splFieldNameProblem('process_name')).toBeUndefined();
    expect(splFieldNameProblem('Processes.process_name')).toBeUndefined();
    expect(splFieldNameProblem('bad name')).toMatch(/must start with a letter/);
    expect(() => renderSpl(rule(match('x"|delete', 'equals', 'v')), OPTIONS)).toThrow(RangeError);
  });
});

describe('renderSpl: search terms when every value can be one', () => {
  test('operators become quoted wildcard terms; numbers and IPv4 CIDR stay native', () => {
    const spl = renderSpl(
      rule(
        or(
          match('process_name', 'equals', 'cmd.exe'),
          match('process', 'contains', '-enc'),
          match('process_path', 'startswith', 'C:\\Users\\'),
          match('parent_process_path', 'endswith', '\\winword.exe'),
          match('dest_port', 'equals', 443),
          match('dest_ip', 'cidr', '10.0.0.0/8')
        )
      ),
      OPTIONS
    );
    expect(checkSpl(spl)).toEqual([]);
    expect(spl).toContain(
      [
        '| search process_name="cmd.exe"',
        '    OR process="*-enc*"',
        '    OR process_path="C:\\\\Users\\\\*"',
        '    OR parent_process_path="*\\\\winword.exe"',
        '    OR dest_port=443',
        '    OR dest_ip="10.0.0.0/8"'
      ].join('\n')
    );
    expect(strings(conditionSegment(spl))).toEqual(['cmd.exe', '*-enc*', 'C:\\Users\\*', '*\\winword.exe', '10.0.0.0/8']);
  });

  test('an equality with text in CIDR notation is not a term (search would match it as a network)', () => {
    expect(renderSpl(rule(match('object', 'equals', '10.0.0.0/8')), OPTIONS)).toContain('| where match(object, "(?i)\\\\A10\\\\.0\\\\.0\\\\.0/8\\\\z")\n');
  });

  test('a number under a text operator is a text term', () => {
    expect(renderSpl(rule(match('dest_port', 'startswith', 44)), OPTIONS)).toContain('| search dest_port="44*"\n');
  });

  test('quotes and backslashes are escaped; pipes, brackets and parentheses inside values are inert', () => {
    const value = 'a "quoted" | [sub] (x) \\ end\\';
    const spl = renderSpl(rule(match('process', 'equals', value)), OPTIONS);
    expect(checkSpl(spl)).toEqual([]);
    expect(strings(conditionSegment(spl))).toEqual([value]);
  });

  test('OR of equalities on one field becomes IN; AND/OR/NOT keep their grouping', () => {
    const spl = renderSpl(
      rule(and(or(match('process_name', 'equals', 'a.exe'), match('process_name', 'equals', 'b.exe')), not(match('process', 'contains', '--safe')))),
      OPTIONS
    );
    expect(checkSpl(spl)).toEqual([]);
    expect(spl).toContain('| search process_name IN ("a.exe", "b.exe")\n    AND NOT (process="*--safe*")\n');
  });
});

describe('renderSpl: one where expression when any value cannot be a search term', () => {
  test('a literal * moves the whole condition to | where with the same boolean structure', () => {
    const condition = or(and(match('process_name', 'equals', 'x*y.exe'), match('parent_process_name', 'equals', 'explorer.exe')), match('process', 'contains', 'abc'));
    const spl = renderSpl(rule(condition), OPTIONS);
    expect(checkSpl(spl)).toEqual([]);
    expect(spl).toContain(
      [
        '| where (match(process_name, "(?i)\\\\Ax\\\\*y\\\\.exe\\\\z") AND match(parent_process_name, "(?i)\\\\Aexplorer\\\\.exe\\\\z"))',
        '    OR match(process, "(?i)abc")'
      ].join('\n')
    );
    const patterns = strings(conditionSegment(spl));
    expect(patterns.map((p) => decodePcreLiteral(p))).toEqual([
      { text: 'x*y.exe', anchoredStart: true, anchoredEnd: true },
      { text: 'explorer.exe', anchoredStart: true, anchoredEnd: true },
      { text: 'abc', anchoredStart: false, anchoredEnd: false }
    ]);
    const exact = pcreToJs(patterns[0]!);
    expect(['X*Y.EXE', 'x*y.exe'].map((s) => exact.test(s))).toEqual([true, true]);
    expect(['xzy.exe', 'x*y.exe2', 'ax*y.exe', 'x*yZexe'].map((s) => exact.test(s))).toEqual([false, false, false, false]);
  });

  test('control characters are written as \\x{…}, never raw', () => {
    const spl = renderSpl(rule(match('process', 'contains', 'line1\nline2\u0000\u202e')), OPTIONS);
    expect(checkSpl(spl)).toEqual([]);
    expect(spl).toContain('| where match(process, "(?i)line1\\\\x{A}line2\\\\x{0}\\\\x{202E}")\n');
    const [pattern] = strings(conditionSegment(spl));
    expect(decodePcreLiteral(pattern!).text).toBe('line1\nline2\u0000\u202e');
  });

  test('regex is case-insensitive match(); IPv6 CIDR is cidrmatch(); numbers compare with ==', () => {
    const spl = renderSpl(
      rule(or(match('process_name', 'regex', '^sus.*\\.exe$'), match('dest_ip', 'cidr', '2001:db8::/32'), match('dest_port', 'equals', 8443))),
      OPTIONS
    );
    expect(checkSpl(spl)).toEqual([]);
    expect(spl).toContain('| where match(process_name, "(?i)^sus.*\\\\.exe$")\n    OR cidrmatch("2001:db8::/32", dest_ip)\n    OR dest_port==8443\n');
    expect(pcreToJs(strings(conditionSegment(spl))[0]!).test('SUSpicious.EXE')).toBe(true);
  });

  test('empty AND is true(), empty OR is false()', () => {
    expect(renderSpl(rule(and()), OPTIONS)).toContain('| where true()\n');
    expect(renderSpl(rule(or()), OPTIONS)).toContain('| where false()\n');
  });
});

describe('literal helpers', () => {
  test('splString', () => {
    expect(splString('C:\\x "y"')).toBe('"C:\\\\x \\"y\\""');
  });

  test('pcreLiteral escapes every metacharacter and nothing else', () => {
    expect(pcreLiteral('a.b*c?d+e(f)g[h]i{j}k|l^m$n\\o-p/q#r s')).toBe('a\\.b\\*c\\?d\\+e\\(f\\)g\\[h\\]i\\{j\\}k\\|l\\^m\\$n\\\\o-p/q#r s');
    expect(new RegExp(`^${pcreLiteral('a.b*c?d+e(f)g[h]i{j}k|l^m$n\\o')}$`, 'u').test('a.b*c?d+e(f)g[h]i{j}k|l^m$n\\o')).toBe(true);
  });

  test('the search-term model: case-insensitive, * is any run', () => {
    expect(searchTermToJs('*\\winword.exe').test('C:\\Program Files\\WINWORD.EXE')).toBe(true);
    expect(searchTermToJs('*\\winword.exe').test('C:\\x\\winword.exe.bak')).toBe(false);
  });
});
