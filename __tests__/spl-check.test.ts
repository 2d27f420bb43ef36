import { checkSpl, decodeSplString, splPipeline, tokenizeSpl } from './support/spl-check.js';

describe('checkSpl accepts well-formed searches', () => {
  test.each([
    'index=main sourcetype="access_*" status=200 | stats count by host',
    '| datamodel Endpoint Processes flat\n| search process_name="cmd.exe"\n| table _time dest',
    '```a comment with | pipes, "quotes and (parens```\n| makeresults | eval x="a|b" | where match(x, "^a\\|b$")',
    'search user="O\\"Brien" OR user="C:\\\\Users\\\\x"',
    'index=a [search index=b | fields user] | stats count by user',
    '| tstats count from datamodel=Endpoint.Processes where Processes.process_name="x" by Processes.dest',
    '| from datamodel:"Endpoint.Processes" | where cidrmatch("10.0.0.0/8", dest_ip) AND NOT (lower(user)=="x")',
    'error | bucket _time span=1h | stats count'
  ])('%j', (spl) => {
    expect(checkSpl(spl)).toEqual([]);
  });
});

describe('checkSpl rejects broken searches', () => {
  test.each([
    ['unbalanced quote', 'index=main user="abc | table user', /unterminated string/],
    ['escaped closing quote', 'index=main user="abc\\" | table user', /unterminated string/],
    ['unterminated comment', '```header\n| datamodel Endpoint Processes flat', /unterminated comment/],
    ['unknown command', 'index=main | frobnicate x', /unknown command "frobnicate"/],
    ['the seed\'s `| comment`', '| comment "T1557.001"\nindex=* x', /unknown command "comment"/],
    ['double pipe', 'index=main || stats count', /empty pipe segment/],
    ['trailing pipe', 'index=main | stats count |', /empty pipe segment/],
    ['empty search', '   ', /empty search/],
    ['unclosed parenthesis', 'index=main (a=1 OR b=2 | stats count', /'\(' is never closed|pipe inside parentheses/],
    ['stray closing parenthesis', 'index=main a=1) | stats count', /closes nothing/],
    ['mismatched brackets', 'index=a [search b=1 ) | stats count', /closes '\['/],
    ['unclosed bracket', 'index=a [search b=1 | stats count', /'\[' is never closed/],
    ['generating command not first', 'index=a | datamodel Endpoint Processes flat', /must come first/],
    ['generating command without pipe', 'datamodel Endpoint Processes flat', /needs a leading pipe/],
    ['unknown eval function', '| makeresults | where ismatch(x, "a")', /unknown eval function 'ismatch'/],
    ['broken subsearch', 'index=a [| nosuch x] | stats count', /subsearch: segment 1: unknown command "nosuch"/]
  ])('%s', (_name, spl, problem) => {
    const problems = checkSpl(spl);
    expect(problems.join('\n')).toMatch(problem);
  });
});

describe('tokens and strings', () => {
  test('strings honour backslash escapes; comments are opaque', () => {
    const tokens = tokenizeSpl('a="x\\"|y" ```c "``` b');
    expect(tokens.map((t) => t.kind)).toEqual(['code', 'string', 'code', 'comment', 'code']);
    expect(decodeSplString(tokens[1]!.text)).toBe('x"|y');
  });

  test('decodeSplString: \\\\ is a backslash, \\" a quote, other escapes stay as written', () => {
    expect(decodeSplString(String.raw`"C:\\Windows\\x\d \" end\\"`)).toBe('C:\\Windows\\x\\d " end\\');
  });

  test('splPipeline names each segment by its command', () => {
    expect(splPipeline('```h```\n| datamodel A B flat | search x=1 | eval y="|" | sort 0 -_time').map((s) => s.command)).toEqual([
      'datamodel',
      'search',
      'eval',
      'sort'
    ]);
    expect(splPipeline('index=a x=1 | stats count').map((s) => s.command)).toEqual(['search', 'stats']);
  });
});
