import { readdirSync, readFileSync } from 'node:fs';
import { parse as parseYaml } from 'yaml';
import type { Diagnostic } from '../src/core/diagnostics.js';
import { findJsonSyntaxError, firstInvalidUtf8Byte, MAX_HUNT_REPORT_BYTES, parseHuntReport } from '../src/core/hunt/parse.js';

/** A valid report whose line numbers the tests below rely on. */
const BASE = `hunt:
  id: H-0001
  name: "Encoded PowerShell"
  hypothesis: "Macros start PowerShell."
  analyst: "Sam"
  date: "2026-04-08"
  peak_phase: Scoped
data_sources:
  - name: "EDR"
    type: endpoint
  - name: "Firewall"
    type: firewall
findings:
  - tactic: "Execution"
    technique: "T1059.001"
    technique_name: "PowerShell"
    confirmed: true
    description: "WINWORD.EXE started powershell.exe."
    data_source_ref: "EDR"
    iocs:
      - type: command_line
        value: "-EncodedCommand"
        match: contains
      - type: hash_md5
        value: "24c9412f5bce94974d7d7c1f4b0ed29f"
  - tactic: "Command and Control"
    technique: "T1571"
    confirmed: false
    description: "Beacon to a high port."
    data_source_ref: "Firewall"
    iocs:
      - type: ip
        value: "198.51.100.23"
      - type: network_port
        value: "8081"
verdict: "Confirmed on two hosts."
`;

/** BASE with line `n` (1-based) replaced by `replacement` (which may hold several lines, or none). */
function withLine(n: number, replacement: string | null): string {
  const lines = BASE.split('\n');
  expect(lines[n - 1]).toBeDefined();
  lines.splice(n - 1, 1, ...(replacement === null ? [] : [replacement]));
  return lines.join('\n');
}

function parse(text: string | Uint8Array, file = 'hunt.yaml') {
  return parseHuntReport(text, file);
}

function errorsOf(text: string | Uint8Array, file = 'hunt.yaml'): Diagnostic[] {
  return parse(text, file).diagnostics.filter((d) => d.severity === 'error');
}

/** Exactly one diagnostic in total, at this place, with this message. */
function expectOnly(text: string | Uint8Array, expected: Partial<Diagnostic>, file = 'hunt.yaml'): void {
  const result = parse(text, file);
  expect(result.diagnostics).toEqual([expect.objectContaining({ file, severity: 'error', ...expected })]);
  expect(result.report).toBeUndefined();
}

describe('a valid report', () => {
  test('parses with no diagnostics, strings trimmed and string ports turned into numbers', () => {
    const result = parse(withLine(3, '  name: "  Encoded PowerShell  "'));
    expect(result.diagnostics).toEqual([]);
    expect(result.report?.hunt.name).toBe('Encoded PowerShell');
    expect(result.report?.findings[1]?.iocs[1]).toEqual({ type: 'network_port', value: 8081 });
    expect(result.report?.findings[0]?.iocs[0]).toEqual({ type: 'command_line', value: '-EncodedCommand', match: 'contains' });
  });

  test('keeps an unquoted date as a string (YAML 1.2 core schema)', () => {
    expect(parse(withLine(6, '  date: 2026-04-08')).report?.hunt.date).toBe('2026-04-08');
  });

  test('the same report in CRLF, with a UTF-8 BOM, or as bytes gives the same result', () => {
    const expected = parse(BASE).report;
    expect(expected).toBeDefined();
    expect(parse(BASE.replace(/\n/g, '\r\n')).report).toEqual(expected);
    expect(parse(`\uFEFF${BASE}`).report).toEqual(expected);
    expect(parse(new Uint8Array([0xef, 0xbb, 0xbf, ...new TextEncoder().encode(BASE)])).report).toEqual(expected);
  });

  test('a BOM does not shift columns', () => {
    const text = `\uFEFF${withLine(7, '  peak_phase: Scope')}`;
    expect(errorsOf(text)).toEqual([expect.objectContaining({ line: 7, column: 15 })]);
  });

  test('locate() finds values, falls back to the deepest existing ancestor, and 1:1 for an empty file', () => {
    const result = parse(BASE);
    expect(result.locate(['findings', 1, 'iocs', 0, 'value'])).toEqual({ line: 33, column: 16 });
    expect(result.locate(['hunt', 'peak_phase'])).toEqual({ line: 7, column: 15 });
    expect(result.locate(['findings', 0])).toEqual({ line: 14, column: 5 });
    expect(result.locate(['findings', 0, 'falsepositives'])).toEqual({ line: 14, column: 5 });
    expect(result.locate([])).toEqual({ line: 1, column: 1 });
    expect(parse('').locate(['hunt'])).toEqual({ line: 1, column: 1 });
  });
});

describe('bad input gets one clear located message', () => {
  test('invalid YAML syntax: an unclosed quote is reported where the string starts', () => {
    expectOnly(withLine(5, '  analyst: "Sam'), { line: 5, column: 12, message: 'invalid YAML: this quoted text is never closed (missing ")', path: [] });
  });

  test('invalid YAML syntax: tab indentation', () => {
    expectOnly(withLine(2, '\tid: H-0001'), { line: 2, column: 1, message: 'invalid YAML: tabs are not allowed for indentation; indent with spaces' });
  });

  test('invalid YAML syntax: an unclosed flow sequence', () => {
    expectOnly(withLine(18, '    description: ["a", "b"'), {
      line: 19,
      column: 5,
      message: "invalid YAML: a '[' above is not closed with ']' before this line"
    });
  });

  test('invalid YAML syntax: a Windows path in double quotes points at the bad escape', () => {
    expectOnly(withLine(22, '        value: "C:\\Users\\Public\\x.js"'), {
      line: 22,
      column: 19,
      message: 'invalid YAML: invalid escape in a double-quoted string (write a Windows path with doubled backslashes, or in single quotes)'
    });
  });

  test("invalid YAML syntax: an unquoted value containing ': '", () => {
    expectOnly(withLine(5, '  analyst: Sam: Jones'), {
      line: 5,
      column: 12,
      message: "invalid YAML: unexpected mapping here: quote a value that contains ': ', or check the indentation of this line and the one above"
    });
  });

  test('two YAML documents in one file', () => {
    expectOnly(`${BASE}---\nhunt: {}\n`, {
      line: 37,
      column: 1,
      message: "invalid YAML: a hunt report is a single YAML document; remove the '---' separator and what follows, or split the file"
    });
  });

  test('an empty file', () => {
    for (const text of ['', '\n\n', '   ']) {
      expectOnly(text, {
        line: 1,
        column: 1,
        message: 'a hunt report is a mapping with the keys hunt, data_sources, findings and verdict; this file is empty'
      });
    }
    expectOnly('# just a comment\n', {
      line: 1,
      column: 1,
      message: 'a hunt report is a mapping with the keys hunt, data_sources, findings and verdict; this file holds no data (only comments or null)'
    });
  });

  test('a file that is a list or a scalar', () => {
    expectOnly('- hunt: {}\n- findings: []\n', {
      line: 1,
      column: 1,
      message: 'a hunt report is a mapping with the keys hunt, data_sources, findings and verdict; the top level of this file is a list'
    });
    expectOnly('just some text\n', {
      line: 1,
      column: 1,
      message: 'a hunt report is a mapping with the keys hunt, data_sources, findings and verdict; the top level of this file is the single value "just some text"'
    });
    expectOnly('[1, 2]', { line: 1, column: 1, message: expect.stringContaining('the top level of this file is a list') }, 'x.json');
  });

  test('wrong types', () => {
    expectOnly(withLine(17, '    confirmed: "yes"'), {
      line: 17,
      column: 16,
      message: 'findings[0].confirmed: must be true or false (got "yes")',
      path: ['findings', 0, 'confirmed']
    });
    expectOnly(BASE.replace(/^findings:\n(?: {2}.*\n)+/m, 'findings: "a finding"\n'), {
      line: 13,
      column: 11,
      message: "findings: must be a list (got \"a finding\"); write each item on its own line starting with '- '",
      path: ['findings']
    });
    expectOnly(BASE.replace(/^hunt:\n(?: {2}.*\n)+/, 'hunt: []\n'), { line: 1, column: 7, message: 'hunt: must be a mapping (got a list)' });
    expectOnly(withLine(3, '  name:'), { line: 3, column: 8, message: 'hunt.name: must be text (got nothing)' });
    expectOnly(withLine(22, '        value: [a, b]'), {
      line: 22,
      column: 16,
      message: 'findings[0].iocs[0].value: must be text or a number (got a list)',
      path: ['findings', 0, 'iocs', 0, 'value']
    });
  });

  test('an unknown key, with a did-you-mean hint and no second "missing key" error', () => {
    expectOnly(withLine(13, 'finding:'), { line: 13, column: 1, message: "unknown key 'finding' — did you mean 'findings'?", path: ['finding'] });
    expectOnly(withLine(5, '  analist: "Sam"'), { line: 5, column: 3, message: "hunt: unknown key 'analist' — did you mean 'analyst'?", path: ['hunt', 'analist'] });
    expectOnly(`${withLine(23, '        matches: contains')}`, {
      line: 23,
      column: 9,
      message: "findings[0].iocs[0]: unknown key 'matches' — did you mean 'match'?"
    });
    expectOnly(withLine(36, 'verdict: "Confirmed on two hosts."\nnotes: "x"'), {
      line: 37,
      column: 1,
      message: "unknown key 'notes' (allowed here: hunt, data_sources, findings, verdict)"
    });
  });

  test('a missing required key, reported at the key of the mapping that lacks it', () => {
    expectOnly(withLine(5, null), { line: 1, column: 1, message: "hunt: missing required key 'analyst'", path: ['hunt', 'analyst'] });
    expectOnly(withLine(28, null), { line: 26, column: 5, message: "findings[1]: missing required key 'confirmed'", path: ['findings', 1, 'confirmed'] });
    expectOnly(withLine(36, null), { line: 1, column: 1, message: "missing required key 'verdict'", path: ['verdict'] });
  });

  test('a bad enum value, with a hint', () => {
    expectOnly(withLine(7, '  peak_phase: Scope'), {
      line: 7,
      column: 15,
      message: "hunt.peak_phase: must be one of Unscoped, Scoped, Validated (got \"Scope\") — did you mean 'Scoped'?"
    });
    expectOnly(withLine(21, '      - type: sha256'), {
      line: 21,
      column: 15,
      message: expect.stringMatching(/^findings\[0\]\.iocs\[0\]\.type: must be one of process_name, .* \(got "sha256"\) — did you mean 'hash_sha256'\?$/)
    });
  });

  test('duplicate keys, reported at the second one', () => {
    expectOnly(withLine(17, '    confirmed: true\n    confirmed: false'), {
      line: 18,
      column: 5,
      message: "findings[0]: duplicate key 'confirmed'; each key may appear only once",
      path: ['findings', 0, 'confirmed']
    });
    expectOnly(`${BASE}verdict: "again"\n`, { line: 37, column: 1, message: "duplicate key 'verdict'; each key may appear only once" });
  });

  test('a YAML alias bomb returns with an error at the first alias instead of hanging', () => {
    const bomb = [
      'a: &a ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]',
      ...'bcdefghi'.split('').map((name, i) => {
        const prev = 'abcdefghi'[i]!;
        return `${name}: &${name} [${Array(9).fill(`*${prev}`).join(', ')}]`;
      })
    ].join('\n');
    expectOnly(bomb, {
      line: 2,
      column: 8,
      message: "invalid YAML: too many alias expansions: YAML aliases (*name) are limited to 100 uses, which protects against 'billion laughs' documents"
    });
  });

  test('an alias without an anchor', () => {
    expectOnly(withLine(19, '    data_source_ref: *edr'), { line: 19, column: 22, message: 'invalid YAML: the alias *edr refers to no anchor (&name) defined before it' });
  });

  test('a few aliases are fine', () => {
    const text = withLine(9, '  - name: &edr "EDR"').replace('data_source_ref: "EDR"', 'data_source_ref: *edr');
    expect(parse(text).diagnostics).toEqual([]);
  });

  test('a 10 MB file is refused before parsing, as text or bytes', () => {
    const big = `${BASE}# ${'x'.repeat(10 * 1024 * 1024)}\n`;
    const message = 'hunt reports are limited to 1 MiB; this file is 10.0 MiB';
    expectOnly(big, { line: 1, column: 1, message });
    expectOnly(new TextEncoder().encode(big), { line: 1, column: 1, message });
  });

  test('the size limit counts UTF-8 bytes, and a file just over it says how many bytes', () => {
    const justFits = `${BASE}#é${'x'.repeat(MAX_HUNT_REPORT_BYTES - BASE.length - 3)}`;
    expect(new TextEncoder().encode(justFits).length).toBe(MAX_HUNT_REPORT_BYTES);
    expect(parse(justFits).diagnostics).toEqual([]);
    const over = `${justFits}x`;
    expect(over.length).toBe(MAX_HUNT_REPORT_BYTES);
    expectOnly(over, { line: 1, column: 1, message: `hunt reports are limited to 1 MiB; this file is ${MAX_HUNT_REPORT_BYTES + 1} bytes` });
  });

  test('non-UTF-8 bytes are reported at the first bad byte', () => {
    // "René" saved as Latin-1: the é is the single byte 0xE9, on line 5 at column 16.
    const bytes = new TextEncoder().encode(withLine(5, '  analyst: "RenX"'));
    bytes[bytes.indexOf(0x58)] = 0xe9;
    expectOnly(bytes, { line: 5, column: 16, message: 'the file is not valid UTF-8 (byte 0xE9 here); save it as UTF-8' });
  });

  test('binary data (a NUL character) is named as such, at its place', () => {
    expectOnly(withLine(3, '  name: "a\u0000b"'), { line: 3, column: 11, message: 'the file contains a NUL character: it is binary (or UTF-16) data, not a UTF-8 hunt report' });
    expectOnly(new Uint8Array([0x68, 0x00, 0x75, 0x00]), { line: 1, column: 2 });
  });

  test('UTF-16 files are named as such', () => {
    expectOnly(new Uint8Array([0xff, 0xfe, 0x68, 0x00]), { line: 1, column: 1, message: 'the file is UTF-16 encoded; save it as UTF-8' });
  });

  test('keys that are not text', () => {
    expectOnly(withLine(2, '  ? [a, b]\n  : 1\n  id: H-0001'), { line: 2, column: 3, message: 'hunt: keys must be plain text, not a list, mapping or alias' });
  });

  test('an unknown YAML tag is a warning', () => {
    const result = parse(withLine(4, '  hypothesis: !secret "Macros start PowerShell."'));
    expect(result.diagnostics).toEqual([expect.objectContaining({ severity: 'warning', line: 4, column: 15, message: 'YAML: Unresolved tag: !secret' })]);
    expect(result.report).toBeDefined();
  });

  test('messages stay on one line whatever the input holds', () => {
    const [error] = errorsOf(withLine(5, '  "ana\\nlyst": "Sam"\n  analyst: "Sam"'));
    expect(error?.message).toBe("hunt: unknown key 'ana\\nlyst' (allowed here: id, name, hypothesis, analyst, date, peak_phase, hunt_type, references)");
  });

  test('a flood of problems is cut at 100 per file, with a note that more follow', () => {
    const keys = Array.from({ length: 300 }, (_, i) => `  extra${i}: x`).join('\n');
    const result = parse(withLine(2, `${keys}\n  id: H-0001`));
    expect(result.diagnostics).toHaveLength(101);
    expect(result.diagnostics[100]).toEqual(expect.objectContaining({ severity: 'error', message: 'more problems follow that are not shown; fix these 100 first' }));
  });

  test('when only warnings are cut, the note is a warning and the report stays valid', () => {
    const dupes = Array.from({ length: 150 }, () => '      - type: ip\n        value: "198.51.100.23"').join('\n');
    const result = parse(withLine(31, `    iocs:\n${dupes}`));
    expect(result.report).toBeDefined();
    expect(result.diagnostics).toHaveLength(101);
    expect(result.diagnostics.every((d) => d.severity === 'warning')).toBe(true);
  });

  test('a huge pasted value does not make a huge message', () => {
    const [error] = errorsOf(withLine(33, `        value: "${'9'.repeat(100_000)}"`));
    expect(error?.line).toBe(33);
    expect(error?.message.length).toBeLessThanOrEqual(401);
    expect(error?.message).toMatch(/^findings\[1\]\.iocs\[0\]\.value: '9+…$/);
  });

  test('all errors of a report are collected, not just the first', () => {
    const text = withLine(7, '  peak_phase: Scope').replace('"198.51.100.23"', '"198.51.100.323"').replace('data_source_ref: "Firewall"', 'data_source_ref: "FW"');
    const errors = errorsOf(text);
    expect(errors.map((e) => [e.line, e.path.join('.')])).toEqual([
      [7, 'hunt.peak_phase'],
      [30, 'findings.1.data_source_ref'],
      [33, 'findings.1.iocs.0.value']
    ]);
  });
});

describe('JSON reports', () => {
  const json = JSON.stringify(parseYaml(BASE), null, 2);

  test('a valid JSON report gives the same report as its YAML', () => {
    const result = parse(json, 'hunt.json');
    expect(result.diagnostics).toEqual([]);
    expect(result.report).toEqual(parse(BASE).report);
  });

  test('errors in JSON are located in the JSON text', () => {
    const text = json.replace('"198.51.100.23"', '"198.51.100.323"');
    const lines = text.split('\n');
    const line = lines.findIndex((l) => l.includes('198.51.100.323')) + 1;
    const column = lines[line - 1]!.indexOf('"198') + 1;
    expect(errorsOf(text, 'hunt.json')).toEqual([expect.objectContaining({ line, column, path: ['findings', 1, 'iocs', 0, 'value'] })]);
  });

  test('invalid JSON: a missing comma is reported right after the value that needs it', () => {
    expectOnly('{\n  "a": "x"\n  "b": 1\n}', { line: 2, column: 11, message: "invalid JSON: missing ',' after this value" }, 'x.json');
  });

  test('JSON that YAML would accept is still invalid JSON', () => {
    expectOnly('{"a": [1, 2,]}', { line: 1, column: 12, message: "invalid JSON: trailing comma before ']'" }, 'x.json');
    expectOnly("{'a': 1}", { line: 1, column: 2, message: "invalid JSON: expected a key in double quotes but found ''' (JSON strings use double quotes)" }, 'x.json');
    expectOnly('{"a": 1} # note', { line: 1, column: 10, message: "invalid JSON: unexpected '#' after the end of the document" }, 'x.json');
    expectOnly('{"path": "C:\\Windows"}', { line: 1, column: 13, message: expect.stringContaining("unknown escape '\\W'") }, 'x.json');
    expectOnly('{\n"hunt": {\n', { line: 3, column: 1, message: "invalid JSON: the file ends early (a '{' is not closed)" }, 'x.json');
  });

  test('duplicate keys in JSON are errors too (JSON.parse would silently keep the last)', () => {
    expectOnly(json.replace('"verdict":', '"verdict": "first",\n  "verdict":'), { message: "duplicate key 'verdict'; each key may appear only once" }, 'hunt.json');
  });

  test('the JSON checker agrees with JSON.parse on what is valid', () => {
    const samples = ['{}', '[]', '0', '-0.5e+3', '"\\u00e9"', '{"a":[true,false,null]}', '01', '1.', '.5', '[1,]', '{"a":1,}', '"\t"', 'nul', '[1 2]', '{"a" 1}', '"\\x"', '  '];
    for (const s of samples) {
      let valid = true;
      try {
        JSON.parse(s);
      } catch {
        valid = false;
      }
      expect([s, findJsonSyntaxError(s) === undefined]).toEqual([s, valid]);
    }
  });

  test('deep nesting cannot overflow the stack', () => {
    expect(findJsonSyntaxError('['.repeat(200_000) + ']'.repeat(200_000))).toBeUndefined();
    const result = parse('['.repeat(200_000), 'deep.json');
    expect(result.diagnostics).toHaveLength(1);
  });
});

describe('UTF-8 validation', () => {
  test('finds the first malformed sequence and accepts what TextDecoder accepts', () => {
    const cases: number[][] = [
      [0x61, 0xc3, 0xa9],
      [0x61, 0xc3],
      [0xc0, 0x80],
      [0xed, 0xa0, 0x80],
      [0xf4, 0x90, 0x80, 0x80],
      [0xf0, 0x9f, 0xa6, 0x8a],
      [0xe2, 0x82],
      [0x80],
      [0x41, 0x42, 0xff]
    ];
    for (const bytes of cases) {
      const data = new Uint8Array(bytes);
      let valid = true;
      try {
        new TextDecoder('utf-8', { fatal: true }).decode(data);
      } catch {
        valid = false;
      }
      expect([bytes, firstInvalidUtf8Byte(data) === -1]).toEqual([bytes, valid]);
    }
    expect(firstInvalidUtf8Byte(new Uint8Array([0x41, 0x42, 0xff]))).toBe(2);
  });
});

describe('bundled examples', () => {
  test('every report in examples/hunts is valid', () => {
    const names = readdirSync('examples/hunts');
    expect(names.length).toBeGreaterThanOrEqual(6);
    for (const name of names) {
      const result = parseHuntReport(readFileSync(`examples/hunts/${name}`), `examples/hunts/${name}`);
      expect([name, result.diagnostics.filter((d) => d.severity === 'error')]).toEqual([name, []]);
      expect(result.report).toBeDefined();
    }
  });

  test("the seed's AiTM report is valid with exactly one warning: its technique name", () => {
    const result = parseHuntReport(readFileSync('examples/hunts/aitm-proxy.yaml'), 'examples/hunts/aitm-proxy.yaml');
    expect(result.diagnostics).toEqual([
      {
        file: 'examples/hunts/aitm-proxy.yaml',
        line: 24,
        column: 21,
        severity: 'warning',
        message:
          "findings[0].technique_name: 'Adversary-in-the-Middle: LLMNR/NBT-NS Poisoning' is not the name of T1557.001 in ATT&CK Enterprise v18.1: it is 'Adversary-in-the-Middle: LLMNR/NBT-NS Poisoning and SMB Relay'",
        path: ['findings', 0, 'technique_name']
      }
    ]);
  });

  test('the examples together use all 15 IOC types, 8 data-source types, 3 PEAK phases, both verdicts and a JSON file', () => {
    const reports = readdirSync('examples/hunts').map((name) => parseHuntReport(readFileSync(`examples/hunts/${name}`), name).report!);
    const iocTypes = new Set(reports.flatMap((r) => r.findings.flatMap((f) => f.iocs.map((i) => i.type))));
    const dsTypes = new Set(reports.flatMap((r) => r.data_sources.map((d) => d.type)));
    expect(iocTypes.size).toBe(15);
    expect(dsTypes.size).toBe(8);
    expect(new Set(reports.map((r) => r.hunt.peak_phase)).size).toBe(3);
    expect(new Set(reports.flatMap((r) => r.findings.map((f) => f.confirmed)))).toEqual(new Set([true, false]));
    expect(readdirSync('examples/hunts').some((n) => n.endsWith('.json'))).toBe(true);
  });

  // One file per broken rule: exactly the intended error, at the intended place.
  const INVALID: Record<string, { line: number; column: number; message: string }> = {
    'syntax-unclosed-quote.yaml': { line: 6, column: 12, message: 'invalid YAML: this quoted text is never closed (missing ")' },
    'unknown-key-typo.yaml': { line: 14, column: 1, message: "unknown key 'finding' — did you mean 'findings'?" },
    'missing-required-key.yaml': { line: 2, column: 1, message: "hunt: missing required key 'analyst'" },
    'bad-enum-peak-phase.yaml': { line: 8, column: 15, message: "hunt.peak_phase: must be one of Unscoped, Scoped, Validated (got \"Scope\") — did you mean 'Scoped'?" },
    'malformed-technique-id.yaml': { line: 16, column: 16, message: 'findings[0].technique: must be an ATT&CK technique id like T1557 or T1557.001 (got "T1059.1")' },
    'bad-hash-length.yaml': { line: 28, column: 16, message: 'findings[0].iocs[2].value: a SHA-256 hash has 64 hex characters, this one has 63' },
    'bad-ip.yaml': {
      line: 37,
      column: 16,
      message: "findings[1].iocs[0].value: '198.51.100.323' is not an IPv4 address: each of the four numbers is 0-255, without leading zeros"
    },
    'bad-port.yaml': { line: 39, column: 16, message: 'findings[1].iocs[1].value: a network port is a whole number from 1 to 65535 (got 80810)' },
    'dangling-data-source-ref.yaml': { line: 34, column: 22, message: "findings[1].data_source_ref: 'Firewall' is not a declared data source — did you mean 'Perimeter Firewall'?" },
    'duplicate-key.yaml': { line: 33, column: 5, message: "findings[1]: duplicate key 'confirmed'; each key may appear only once" },
    'wrong-type-string-for-list.yaml': {
      line: 19,
      column: 21,
      message: "findings[0].falsepositives: must be a list (got \"Admins running encoded scripts\"); write each item on its own line starting with '- '"
    },
    'empty.yaml': {
      line: 1,
      column: 1,
      message: 'a hunt report is a mapping with the keys hunt, data_sources, findings and verdict; this file holds no data (only comments or null)'
    },
    'top-level-list.yaml': { line: 1, column: 1, message: 'a hunt report is a mapping with the keys hunt, data_sources, findings and verdict; the top level of this file is a list' },
    'invalid-json-missing-comma.json': { line: 5, column: 31, message: "invalid JSON: missing ',' after this value" },
    'unknown-tactic.yaml': { line: 29, column: 13, message: "findings[1].tactic: unknown ATT&CK tactic 'Command & Control' — did you mean 'Command and Control'?" },
    'newline-in-ioc.yaml': {
      line: 25,
      column: 16,
      message:
        "findings[0].iocs[1].value: the value contains a line break; an IOC is a single line, so this is usually a paste error (a '|' block keeps line breaks: write the value on one line)"
    },
    'regex-lookbehind.yaml': { line: 25, column: 16, message: 'findings[0].iocs[1].value: lookbehind (?<= …) / (?<! …) is not supported (RE2, used by KQL, has none)' },
    'empty-findings.yaml': {
      line: 14,
      column: 11,
      message: 'findings: no findings, but the verdict does not say that nothing was found; add the findings, or say so in the verdict (e.g. "No malicious activity found")'
    },
    'bad-date.yaml': { line: 7, column: 9, message: 'hunt.date: 2026-02-30 is not a calendar date' }
  };

  test('examples/invalid holds exactly the files listed here', () => {
    expect(readdirSync('examples/invalid').sort()).toEqual(Object.keys(INVALID).sort());
  });

  test.each(Object.entries(INVALID))('examples/invalid/%s fails with exactly its intended error', (name, expected) => {
    const file = `examples/invalid/${name}`;
    const result = parseHuntReport(readFileSync(file), file);
    expect(result.diagnostics).toEqual([expect.objectContaining({ file, severity: 'error', ...expected })]);
    expect(result.report).toBeUndefined();
  });

  test('each YAML invalid example says which rule it breaks in its first line', () => {
    for (const name of Object.keys(INVALID).filter((n) => n.endsWith('.yaml'))) {
      expect(readFileSync(`examples/invalid/${name}`, 'utf8')).toMatch(/^# Invalid example — breaks: /);
    }
  });
});
