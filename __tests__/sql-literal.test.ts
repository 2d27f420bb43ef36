import fc from 'fast-check';
import { Dialect, transpile } from '@polyglot-sql/sdk';
import { databricksIdentifier, databricksNumber, databricksQualifiedName, databricksString } from '../src/core/backends/sql-literal.js';
import { databricksSyntaxErrors, databricksToDuckDb, decodeDatabricksString, duckDbString, scanDatabricks } from './support/databricks.js';
import { SecurityLake } from './support/duckdb.js';

/** Values that break naive escaping, with the Databricks literal each must become (written by hand). */
const HARD_CASES: [value: string, literal: string][] = [
  ['C:\\Windows\\System32\\cmd.exe', String.raw`'C:\\Windows\\System32\\cmd.exe'`],
  ["it's", String.raw`'it\'s'`],
  ["''", String.raw`'\'\''`],
  ['trailing\\', String.raw`'trailing\\'`],
  ['\\\'', String.raw`'\\\''`],
  ['line1\nline2', String.raw`'line1\nline2'`],
  ['tab\there', String.raw`'tab\there'`],
  ['cr\rlf\n', String.raw`'cr\rlf\n'`],
  ['100%_done', `'100%_done'`],
  ['\\%\\_', String.raw`'\\%\\_'`],
  ['say "hi"', `'say "hi"'`],
  ['wild*card?', `'wild*card?'`],
  ['pipe|[brackets](parens)', `'pipe|[brackets](parens)'`],
  ['-- not a comment /* either */', `'-- not a comment /* either */'`],
  ['naïve 東京 😀', `'naïve 東京 😀'`],
  ['nul\u0000byte', String.raw`'nul\u0000byte'`],
  ['esc\u001b[31m', String.raw`'esc\u001B[31m'`],
  ['rtl\u202eoverride', String.raw`'rtl\u202Eoverride'`],
  ['zero\u200bwidth', String.raw`'zero\u200Bwidth'`],
  ['line\u2028separator', String.raw`'line\u2028separator'`],
  ['tag\u{E0041}char', String.raw`'tag\uDB40\uDC41char'`],
  ['\\u0041 is not A', String.raw`'\\u0041 is not A'`],
  ['', `''`]
];

describe('databricksString', () => {
  test.each(HARD_CASES)('%j is written as the expected literal', (value, literal) => {
    expect(databricksString(value)).toBe(literal);
  });

  test.each(HARD_CASES)('the literal for %j decodes back to it (independent Spark-rule decoder)', (value, literal) => {
    expect(decodeDatabricksString(literal)).toBe(value);
  });

  test.each(HARD_CASES)('the literal for %j parses under the Databricks grammar', (_value, literal) => {
    expect(databricksSyntaxErrors(`SELECT ${literal} AS v`)).toEqual([]);
  });

  test('round-trips arbitrary unicode text, and every literal parses', () => {
    const text = fc.oneof(
      fc.string({ unit: 'binary', maxLength: 40 }),
      fc.string({ unit: fc.constantFrom('\\', "'", '"', '\n', '\r', '\t', '\u0000', '%', '_', 'u', '0', 'Z', '*', '\u202e'), maxLength: 20 })
    );
    fc.assert(
      fc.property(text, (value) => {
        const literal = databricksString(value);
        expect(decodeDatabricksString(literal)).toBe(value);
        expect(scanDatabricks(`SELECT ${literal} AS v`).filter((t) => t.kind === 'string')).toHaveLength(1);
        expect(databricksSyntaxErrors(`SELECT ${literal} AS v`)).toEqual([]);
      }),
      { numRuns: 300 }
    );
  });
});

describe('decodeDatabricksString follows Spark rules', () => {
  test.each([
    [String.raw`'\%\_'`, '\\%\\_'],
    [String.raw`'\q\.'`, 'q.'],
    [String.raw`'\u0041\U0001F600'`, 'A😀'],
    [String.raw`'\101\0'`, 'A\u0000'],
    [String.raw`'\b\Z'`, '\b\u001a'],
    [String.raw`r'C:\x\'`.slice(0, -1) + "'", 'C:\\x\\'],
    [String.raw`"dq\"x"`, 'dq"x']
  ])('%s is %j', (token, value) => {
    expect(decodeDatabricksString(token)).toBe(value);
  });
});

describe('polyglot Databricks → DuckDB literal translation, cross-checked', () => {
  /** The value of the single DuckDB literal polyglot produces for `SELECT <literal> AS v`. */
  function polyglotValue(literal: string): string {
    const out = transpile(`SELECT ${literal} AS v`, Dialect.Databricks, Dialect.DuckDB).sql?.[0] ?? '';
    const match = /^SELECT '((?:[^']|'')*)' AS v$/s.exec(out);
    if (!match) throw new Error(`unexpected transpile output: ${out}`);
    return match[1]!.replace(/''/g, "'");
  }

  const simple = HARD_CASES.filter(([, literal]) => !/\\u|\\%|\\_/.test(literal.replace(/\\\\/g, '')));

  test.each(simple)('polyglot and the independent decoder agree on %j', (value, literal) => {
    expect(polyglotValue(literal)).toBe(value);
  });

  test('polyglot leaves \\u escapes undecoded and drops the backslash of \\% — why literals are decoded independently', () => {
    expect(polyglotValue(String.raw`'\u0041'`)).not.toBe('A');
    expect(polyglotValue(String.raw`'\%'`)).not.toBe('\\%');
  });
});

describe('the DuckDB translation preserves every hard literal', () => {
  let lake: SecurityLake;
  beforeAll(async () => {
    lake = await SecurityLake.create({});
  });
  afterAll(() => lake.close());

  test.each(HARD_CASES.filter(([value]) => !/\p{Cs}/u.test(value)))('%j', async (value) => {
    const rows = await lake.rows(databricksToDuckDb(`SELECT ${databricksString(value)} AS v;`));
    expect(rows).toEqual([{ v: value }]);
  });

  test('duckDbString writes control characters with chr()', () => {
    expect(duckDbString("a'\u0000b")).toBe("('a''' || chr(0) || 'b')");
  });
});

describe('databricksSyntaxErrors can fail', () => {
  test.each([
    'garbage here',
    'SELECT FROM WHERE',
    "SELECT a FROM t WHERE a = 'unterminated",
    String.raw`SELECT a FROM t WHERE a = 'escaped quote at end\'`,
    'SELECT a FROM t WHERE (a = 1',
    "SELECT a FROM t WHERE a = 'x' AND",
    'SELECT a, FROM t',
    "SELECT a FROM t WHERE contains(a) ORDER BY a DESC",
    "SELECT a FROM t ORDER BY a DESC; trailing garbage"
  ])('rejects %j', (sql) => {
    expect(databricksSyntaxErrors(sql)).not.toEqual([]);
  });
});

describe('identifiers and numbers', () => {
  test.each([
    ['process_name', 'process_name'],
    ['_x1', '_x1'],
    ['user-name', '`user-name`'],
    ['order', '`order`'],
    ['JOIN', '`JOIN`'],
    ['we`ird', '`we``ird`'],
    ['1st', '`1st`'],
    ['naïve', '`naïve`']
  ])('%s → %s', (name, expected) => {
    expect(databricksIdentifier(name)).toBe(expected);
    expect(databricksSyntaxErrors(`SELECT ${expected} FROM t`)).toEqual([]);
  });

  test('qualified names quote each part', () => {
    expect(databricksQualifiedName('security.process_events')).toBe('security.process_events');
    expect(databricksQualifiedName('security.order')).toBe('security.`order`');
  });

  test('numbers', () => {
    expect(databricksNumber(443)).toBe('443');
    expect(databricksNumber(-1.5)).toBe('-1.5');
    expect(databricksNumber(1e21)).toBe('1E21');
    expect(() => databricksNumber(Number.NaN)).toThrow(RangeError);
    expect(() => databricksNumber(Number.POSITIVE_INFINITY)).toThrow(RangeError);
  });
});
