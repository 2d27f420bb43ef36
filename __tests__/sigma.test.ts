import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import fc from 'fast-check';
import { parse } from 'yaml';
import { bundledAttackCatalogue } from '../src/core/attack.js';
import { libraryYaml, renderSigma, sigmaDetection, toYaml } from '../src/core/backends/sigma.js';
import { parseHuntReport } from '../src/core/hunt/parse.js';
import { type HuntReport, HuntReportSchema } from '../src/core/hunt/schema.js';
import { type Condition, DEFAULT_STATUS_MAP, type FieldMatch, KQL_FLAVORS, type KqlFlavor, type PlannedRule } from '../src/core/model.js';
import { bundledRoutingTable } from '../src/core/routing/table.js';
import { planRules } from '../src/core/rules/plan.js';
import { validHuntReportArb } from './support/hunt-arbitraries.js';
import { canonical, decodeDetection, parseSigmaYaml, sigmaRuleProblems, sigmaSchemaErrors } from './support/sigma-schema.js';

const catalogue = bundledAttackCatalogue();
const routing = bundledRoutingTable();

function plan(report: HuntReport, kqlFlavor: KqlFlavor = 'xdr', file = 'hunt.yaml') {
  return planRules(report, { file, locate: () => ({ line: 1, column: 1 }), statusMap: DEFAULT_STATUS_MAP, kqlFlavor, routing, catalogue });
}

function examples(): { file: string; report: HuntReport; locate: (p: (string | number)[]) => { line: number; column: number } }[] {
  const dir = 'examples/hunts';
  return readdirSync(dir)
    .filter((f) => /\.(ya?ml|json)$/.test(f))
    .sort()
    .map((f) => {
      const file = `${dir}/${f}`;
      const parsed = parseHuntReport(readFileSync(file), file, catalogue);
      if (!parsed.report) throw new Error(`${file} does not parse: ${JSON.stringify(parsed.diagnostics)}`);
      return { file, report: parsed.report, locate: parsed.locate };
    });
}

/** The detection a rendered rule means, decoded from its YAML, against the tree the planner built. */
function expectFaithful(rule: PlannedRule, text: string): void {
  const { rule: parsed, errors } = parseSigmaYaml(text);
  expect(errors).toEqual([]);
  expect(canonical(decodeDetection(parsed!.detection))).toEqual(canonical(rule.sigma.condition));
}

const aitm = HuntReportSchema.parse(parse(readFileSync('examples/hunts/aitm-proxy.yaml', 'utf8')));

describe("the seed's AiTM hunt", () => {
  const rules = plan(aitm).rules;

  test('the process-creation rule pairs the child process with its parent, with both path separators', () => {
    const text = renderSigma(rules.find((r) => r.logsourceKey === 'process_creation')!);
    const { rule } = parseSigmaYaml(text);
    expect(rule!['logsource']).toEqual({ category: 'process_creation', product: 'windows' });
    expect(rule!.detection).toEqual({
      selection_parentimage: { 'ParentImage|endswith': ['\\explorer.exe', '/explorer.exe'] },
      selection_image: { 'Image|endswith': ['\\suspicious_proxy.exe', '/suspicious_proxy.exe'] },
      condition: 'selection_parentimage and selection_image'
    });
    expect(rule!['tags']).toEqual(['attack.credential-access', 'attack.t1557.001', 'detection.threat-hunting']);
    expect(rule!['status']).toBe('test');
    expect(rule!['level']).toBe('high');
    expect(rule!['date']).toBe('2026-04-08');
    expect(rule!['author']).toBe('Andre Seguin');
    expect(Object.keys(rule!)).toEqual(['title', 'id', 'status', 'description', 'author', 'date', 'tags', 'logsource', 'detection', 'falsepositives', 'level']);
  });

  test('the certificate issuer gets its own rule, not a field of the process rule', () => {
    const text = renderSigma(rules.find((r) => r.logsourceKey === 'certificate')!);
    const { rule } = parseSigmaYaml(text);
    expect(rule!['logsource']).toEqual({ product: 'zeek', service: 'x509' });
    expect(rule!.detection).toEqual({ selection_certificate_issuer: { 'certificate.issuer|contains': 'Untrusted Root CA' }, condition: 'selection_certificate_issuer' });
  });

  test('sign-in and DNS rules of the second finding', () => {
    const signin = parseSigmaYaml(renderSigma(rules.find((r) => r.logsourceKey === 'signin')!)).rule!;
    expect(signin['logsource']).toEqual({ product: 'azure', service: 'signinlogs' });
    expect(signin.detection).toEqual({ selection_ipaddress: { IPAddress: '203.0.113.47' }, condition: 'selection_ipaddress' });
    const dns = parseSigmaYaml(renderSigma(rules.find((r) => r.logsourceKey === 'dns')!)).rule!;
    expect(dns['logsource']).toEqual({ category: 'dns' });
    expect(dns.detection).toEqual({
      selection_query: [{ query: 'aitm-proxy.example.com' }, { 'query|endswith': '.aitm-proxy.example.com' }],
      condition: 'selection_query'
    });
  });

  test('every rule passes the schema and the semantic checks, and titles and ids are unique', () => {
    const texts = rules.map((r) => renderSigma(r));
    for (const text of texts) expect(sigmaRuleProblems(text)).toEqual([]);
    const parsed = texts.map((t) => parseSigmaYaml(t).rule!);
    expect(new Set(parsed.map((r) => r['title'])).size).toBe(rules.length);
    expect(new Set(parsed.map((r) => r['id'])).size).toBe(rules.length);
  });
});

describe('every rule of every example hunt', () => {
  const hunts = examples();

  test('there are example hunts to check', () => {
    expect(hunts.length).toBeGreaterThanOrEqual(1);
  });

  for (const flavor of KQL_FLAVORS) {
    test(`${flavor}: passes the Sigma schema and semantic checks and says exactly what was planned`, () => {
      let count = 0;
      for (const hunt of hunts) {
        const { rules } = planRules(hunt.report, { file: hunt.file, locate: hunt.locate, statusMap: DEFAULT_STATUS_MAP, kqlFlavor: flavor, routing, catalogue });
        for (const rule of rules) {
          const text = renderSigma(rule);
          expect({ file: hunt.file, rule: rule.logsourceKey, problems: sigmaRuleProblems(text) }).toEqual({ file: hunt.file, rule: rule.logsourceKey, problems: [] });
          expectFaithful(rule, text);
          count++;
        }
      }
      expect(count).toBeGreaterThan(5);
    });
  }
});

describe('the validator can fail', () => {
  const good = renderSigma(plan(aitm).rules[0]!);

  test('a rule without a detection condition, with a bad tag, a dangling selection or a missing reference is caught', () => {
    const rule = parseSigmaYaml(good).rule!;
    expect(sigmaSchemaErrors({ ...rule, detection: { selection: { a: 'b' } } })).not.toEqual([]);
    expect(sigmaSchemaErrors({ ...rule, tags: ['attack.Credential Access'] })).not.toEqual([]);
    expect(sigmaRuleProblems(good.replace('condition: selection_parentimage and selection_image', 'condition: selection_parentimage'))).toContain('dangling selection selection_image');
    expect(sigmaRuleProblems(good.replace('condition: selection_parentimage and selection_image', 'condition: selection_parentimage and selection_x'))).toEqual(
      expect.arrayContaining(['condition references missing selection selection_x'])
    );
    expect(sigmaRuleProblems(good.replace('attack.t1557.001', 'attack.t9999.999'))).toContain('unknown ATT&CK tag attack.t9999.999');
    expect(sigmaRuleProblems(good.replace('Image|endswith', 'Image|endswith|re'))).toEqual(expect.arrayContaining([expect.stringContaining('may only be followed by all')]));
    expect(sigmaRuleProblems(`${good}level: low\n`)).toEqual(expect.arrayContaining([expect.stringContaining('YAML')]));
  });
});

describe('selections and conditions', () => {
  const m = (field: string, operator: FieldMatch['operator'], value: string | number): FieldMatch => ({ kind: 'match', field, operator, value });

  test('values on one field are one selection; selections OR-ed at the top are "1 of selection_*"', () => {
    const detection = sigmaDetection({ kind: 'or', children: [m('Image', 'endswith', '\\a.exe'), m('Hashes', 'contains', 'MD5=ab'), m('Image', 'endswith', '\\b.exe')] });
    expect(detection).toEqual({
      selection_image: { 'Image|endswith': ['\\a.exe', '\\b.exe'] },
      selection_hashes: { 'Hashes|contains': 'MD5=ab' },
      condition: '1 of selection_*'
    });
  });

  test('and, or and not nest with parentheses where they are needed', () => {
    const tree: Condition = {
      kind: 'or',
      children: [
        { kind: 'and', children: [m('ParentImage', 'endswith', '\\explorer.exe'), { kind: 'or', children: [m('Image', 'endswith', '\\x.exe'), m('CommandLine', 'contains', '-enc')] }] },
        m('Hashes', 'contains', 'SHA256=00'),
        { kind: 'not', child: { kind: 'or', children: [m('User', 'equals', 'SYSTEM'), m('IntegrityLevel', 'equals', 'High')] } }
      ]
    };
    const detection = sigmaDetection(tree);
    expect(detection['condition']).toBe(
      '(selection_parentimage and (selection_image or selection_commandline)) or selection_hashes or (not (selection_user or selection_integritylevel))'
    );
    expect(canonical(decodeDetection(detection))).toEqual(canonical(tree));
  });

  test('regex, CIDR and numbers keep their own syntax; literals are escaped', () => {
    const detection = sigmaDetection({
      kind: 'or',
      children: [m('Image', 'regex', '(?:^|[\\\\/])evil\\d+\\.exe$'), m('DestinationIp', 'cidr', '10.0.0.0/8'), m('DestinationPort', 'equals', 4444), m('CommandLine', 'contains', 'C:\\Temp\\*?')]
    });
    expect(detection).toEqual({
      selection_image: { 'Image|re|i': '(?:^|[\\\\/])evil\\d+\\.exe$' },
      selection_destinationip: { 'DestinationIp|cidr': '10.0.0.0/8' },
      selection_destinationport: { DestinationPort: 4444 },
      selection_commandline: { 'CommandLine|contains': 'C:\\Temp\\\\\\*\\?' },
      condition: '1 of selection_*'
    });
  });

  test('two selections on one field get distinct names', () => {
    const detection = sigmaDetection({ kind: 'and', children: [m('Image', 'endswith', '\\a.exe'), { kind: 'not', child: m('Image', 'contains', 'Temp') }] });
    expect(detection).toEqual({
      selection_image: { 'Image|endswith': '\\a.exe' },
      selection_image_2: { 'Image|contains': 'Temp' },
      condition: 'selection_image and not selection_image_2'
    });
  });
});

function nastyValues(): string[] {
  return [
    'yes', 'No', 'on', 'OFF', 'y', 'n', 'true', 'null', '~', '', ' ', '2026-04-08', '0755', '0x1F', '1_000', '1:20', '.inf', '-1', '3.0', '1e3',
    '=', '<<', '*anchor', '&x', '!tag', '%x', '@x', '`x', '- item', '? key', 'a: b', 'a #b', '#c', "'q'", '"dq"', '{x', '[x', ']', '|x', '>x',
    'line1\nline2', 'trail\n', '\nlead', 'trail ', '  lead', 'tab\there', 'cr\rlf', 'nel\u0085x', 'ls\u2028x', 'ps\u2029x', 'del\u007fx', 'c1\u0090x',
    'bom\ufeffx', 'nul\u0000x', 'bell\u0007', 'ü Ω 日本 🦊', '\u202Eevil', 'lone\ud800', '\udc00x', 'nonchar\uffff', 'C:\\Windows\\*',
    'x\t', '<\t*', '?\\?&"\t\t1', '0\n\n', 'a\n\nb', 'a\n b', 'a \nb', 'a\r\nb'
  ];
}

describe('YAML that survives any content', () => {
  const nasty = nastyValues();

  test.each(nasty.map((v) => [v]))('%j reads back unchanged under YAML 1.1 and 1.2', (value) => {
    const text = toYaml({ detection: { selection: { 'Field|contains': value } }, list: [value] });
    for (const version of ['1.1', '1.2'] as const) {
      const back = parse(text, { version }) as { detection: { selection: Record<string, unknown> }; list: unknown[] };
      expect(back.detection.selection['Field|contains']).toBe(value);
      expect(back.list).toEqual([value]);
    }
    expect(text.endsWith('\n')).toBe(true);
    expect(text.endsWith('\n\n')).toBe(false);
    // Raw characters that PyYAML cannot read, or reads as line breaks, never reach the file.
    expect(text).not.toMatch(/[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F\u2028\u2029\uFEFF\uFFFE\uFFFF]|[\uD800-\uDFFF]/u);
  });

  test('property: arbitrary strings, as keys and values, read back unchanged', () => {
    fc.assert(
      fc.property(fc.oneof(fc.string({ unit: 'binary' }), fc.string({ unit: 'grapheme' }), fc.string({ unit: fc.constantFrom('\n', ' ', ':', '#', '-', '?', '*', '&', '!', "'", '"', '\\', 'y', 'e', 's', '0', '1', '.', '=', '<') })), (value) => {
        const text = toYaml({ title: value, detection: { selection: { f: [value, value.toUpperCase()] } } });
        for (const version of ['1.1', '1.2'] as const) {
          const back = parse(text, { version }) as { title: string; detection: { selection: { f: string[] } } };
          expect(back.title).toBe(value);
          expect(back.detection.selection.f).toEqual([value, value.toUpperCase()]);
        }
      }),
      { numRuns: 500 }
    );
  });
});

describe('the direct YAML writer makes the bytes the yaml library makes', () => {
  const text = fc.oneof(
    fc.string({ unit: 'binary' }),
    fc.string({ unit: fc.constantFrom('\n', '\t', '\r', ' ', ':', '#', '-', '?', '*', '&', '!', '|', '>', "'", '"', '\\', '%', '@', '`', '[', '{', ',', 'y', 'e', 'E', 'n', 'o', '~', '0', '1', '.', '+', '=', '<', '_') })
  );
  const { tree } = fc.letrec<{ tree: unknown }>((tie) => ({
    tree: fc.oneof(
      { depthSize: 'small' },
      text,
      fc.integer(),
      fc.array(tie('tree'), { maxLength: 3 }),
      fc.dictionary(text, tie('tree'), { maxKeys: 3 })
    )
  }));

  test.each(nastyValues().map((v) => [v]))('%j as key, value and list item', (value) => {
    const rule = { [value]: value, title: value, detection: { selection: { 'f|contains': [value, value] } } };
    expect(toYaml(rule)).toBe(libraryYaml(rule));
  });

  test('property: arbitrary maps, lists, strings and numbers', () => {
    fc.assert(
      fc.property(fc.dictionary(text, tree, { minKeys: 1, maxKeys: 4 }), (doc) => expect(toYaml(doc)).toBe(libraryYaml(doc))),
      { numRuns: 2000 }
    );
  });
});

/** pySigma reads rules with PyYAML; when a Python with PyYAML is at hand, it reads ours back too. */
const pyYaml = spawnSync('python3', ['-c', 'import yaml'], { encoding: 'utf8' }).status === 0;

(pyYaml ? describe : describe.skip)('PyYAML (what pySigma and sigma-cli use) reads the same values back', () => {
  test('nasty and arbitrary strings', () => {
    const values = [
      ...nastyValues(),
      ...fc.sample(fc.oneof(fc.string({ unit: 'binary' }), fc.string({ unit: 'grapheme' }), fc.string({ unit: fc.constantFrom('\n', '\t', '\r', ' ', ':', '#', '-', '?', '*', '&', '!', "'", '"', '\\', 'y', '0', '.', '=', '<', '|', '>', '\u0085', '\u2028') })), 600)
    ];
    const docs = values.map((v) => toYaml({ title: v, detection: { selection: { 'f|contains': [v] } } }));
    const script = [
      'import sys, json, yaml',
      'docs = json.loads(sys.stdin.read())',
      'print(json.dumps([[d["title"], d["detection"]["selection"]["f|contains"][0]] for d in (yaml.safe_load(x) for x in docs)]))'
    ].join('\n');
    // JSON carries lone surrogates as \uD800 escapes, which Python decodes to the same code units.
    const result = spawnSync('python3', ['-c', script], { input: JSON.stringify(docs), encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
    expect(result.stderr).toBe('');
    const back = JSON.parse(result.stdout) as [string, string][];
    back.forEach(([title, value], i) => {
      expect({ i, title, value }).toEqual({ i, title: values[i], value: values[i] });
    });
  });
});

describe('property: rules of arbitrary valid hunts', () => {
  test('pass the schema and the semantic checks, say exactly what was planned, and render deterministically', () => {
    fc.assert(
      fc.property(validHuntReportArb(), fc.constantFrom(...KQL_FLAVORS), (report, flavor) => {
        const { rules } = plan(report, flavor);
        for (const rule of rules) {
          const text = renderSigma(rule);
          expect(sigmaRuleProblems(text)).toEqual([]);
          expectFaithful(rule, text);
          expect(renderSigma(rule)).toBe(text);
          expect(text).not.toContain('\r');
          expect(text.endsWith('\n') && !text.endsWith('\n\n')).toBe(true);
        }
      }),
      { numRuns: 80 }
    );
  });
});
