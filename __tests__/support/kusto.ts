/**
 * Microsoft's Kusto language service (`@kusto/language-service-next`, the Kusto.Language parser and
 * binder compiled to JavaScript) loaded in the test process, with a database built from the table
 * schemas in `__tests__/data`. It answers what a real cluster's front end would: does the query
 * parse, and does every table, column, function and operator bind with the right types.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import vm from 'node:vm';
import type { Condition, KqlFlavor, PlannedRule, QueryTarget } from '../../src/core/model.js';
import xdrSchemas from '../data/kql-schemas-defender-xdr.json' with { type: 'json' };
import sentinelSchemas from '../data/kql-schemas-sentinel.json' with { type: 'json' };
import { testRule } from './rules.js';

export type KqlSchemas = Record<string, { name: string; type: string }[]>;
export const KQL_SCHEMAS: Record<KqlFlavor, KqlSchemas> = { xdr: xdrSchemas, sentinel: sentinelSchemas };

export interface KqlDiagnostic {
  severity: string;
  code: string;
  message: string;
  start: number;
  length: number;
}

// The small part of the service's object model these tests use (the package's own .d.ts is 1.7 MB
// of global declarations; keeping it out of the program keeps `tsc` fast).
interface DotNetList<T> {
  Count: number;
  getItem(index: number): T;
}
interface SyntaxNode {
  Kind: number;
  Parent: SyntaxNode | null;
  LiteralValue: unknown;
  SimpleName?: string;
  ChildCount: number;
  GetChild(index: number): SyntaxNode | null;
  WalkNodes(action: (node: SyntaxNode) => void): void;
}
type DiagnosticList = DotNetList<{ Severity: string; Code: string; Message: string; Start: number; Length: number }>;
interface KustoCode {
  Syntax: SyntaxNode;
  GetDiagnostics(): DiagnosticList;
  GetSyntaxDiagnostics(): DiagnosticList;
}
interface KustoLanguage {
  Symbols: {
    TableSymbol: { $ctor4: new (name: string, columns: unknown[]) => unknown };
    ColumnSymbol: new (name: string, type: unknown) => unknown;
    DatabaseSymbol: { ctor: new (name: string, members: unknown[]) => unknown };
    ScalarTypes: { GetSymbol(name: string): unknown };
  };
  GlobalState: { Default: { WithDatabase(db: unknown): unknown } };
  KustoCode: { ParseAndAnalyze(text: string, globals: unknown): KustoCode };
  KustoFacts: { BracketNameIfNecessary(name: string): string };
  Syntax: { SyntaxKind: Record<string, number> };
}

let language: KustoLanguage | undefined;

/** The service's `Kusto.Language` namespace (loading takes ~0.3 s, the first analysis ~1 s more). */
export function kustoLanguage(): KustoLanguage {
  if (language) return language;
  const packageDir = dirname(createRequire(import.meta.url).resolve('@kusto/language-service-next/package.json'));
  // The scripts register `Bridge` and `Kusto` as globals, the way a browser <script> tag would. Run
  // them in Node's main context rather than jest's sandbox: the same code runs ~6x slower there.
  // A jest worker runs several test files in one process: load once per process.
  const mainGlobal = vm.runInThisContext('globalThis') as { Kusto?: { Language: KustoLanguage } };
  if (!mainGlobal.Kusto) {
    for (const script of ['bridge.min.js', 'Kusto.Language.Bridge.min.js']) {
      vm.runInThisContext(readFileSync(join(packageDir, script), 'utf8'), { filename: script });
    }
  }
  language = mainGlobal.Kusto!.Language;
  return language;
}

/** Which tables a query is checked against: a flavour's schemas, or tables a test makes up. */
export type KqlTables = KqlFlavor | KqlSchemas;

const globalsByFlavor = new Map<KqlFlavor, unknown>();
const globalsByTables = new WeakMap<KqlSchemas, unknown>();

/** The service's global state with one database holding the given tables (cached). */
export function kustoGlobals(tables: KqlTables): unknown {
  const cached = typeof tables === 'string' ? globalsByFlavor.get(tables) : globalsByTables.get(tables);
  if (cached) return cached;
  const K = kustoLanguage();
  const symbols = Object.entries(typeof tables === 'string' ? KQL_SCHEMAS[tables] : tables).map(
    ([name, columns]) =>
      new K.Symbols.TableSymbol.$ctor4(
        name,
        columns.map((c) => new K.Symbols.ColumnSymbol(c.name, K.Symbols.ScalarTypes.GetSymbol(c.type)))
      )
  );
  const globals = K.GlobalState.Default.WithDatabase(new K.Symbols.DatabaseSymbol.ctor('hunting', symbols));
  if (typeof tables === 'string') globalsByFlavor.set(tables, globals);
  else globalsByTables.set(tables, globals);
  return globals;
}

// Tests ask several questions about the same query in a row: analyse it once.
let lastAnalysis: { query: string; globals: unknown; code: KustoCode } | undefined;

function analyse(query: string, tables: KqlTables): KustoCode {
  const globals = kustoGlobals(tables);
  if (lastAnalysis?.query !== query || lastAnalysis.globals !== globals) {
    lastAnalysis = { query, globals, code: kustoLanguage().KustoCode.ParseAndAnalyze(query, globals) };
  }
  return lastAnalysis.code;
}

function toDiagnostics(list: DiagnosticList): KqlDiagnostic[] {
  const out: KqlDiagnostic[] = [];
  for (let i = 0; i < list.Count; i++) {
    const d = list.getItem(i);
    out.push({ severity: d.Severity, code: d.Code, message: d.Message, start: d.Start, length: d.Length });
  }
  return out;
}

/** Every diagnostic (errors and warnings) of parsing and binding `query` against the flavour's tables. */
export function kqlDiagnostics(query: string, tables: KqlTables): KqlDiagnostic[] {
  return toDiagnostics(analyse(query, tables).GetDiagnostics());
}

/** Only the parser's diagnostics: is this text KQL at all, whatever its tables and columns. */
export function kqlSyntaxDiagnostics(query: string, tables: KqlTables): KqlDiagnostic[] {
  return toDiagnostics(analyse(query, tables).GetSyntaxDiagnostics());
}

export function kqlErrors(query: string, tables: KqlTables): KqlDiagnostic[] {
  return kqlDiagnostics(query, tables).filter((d) => d.severity === 'Error');
}

/** A readable list of diagnostics with the query text they point at, for failure messages. */
export function describeDiagnostics(query: string, diagnostics: KqlDiagnostic[]): string {
  return diagnostics
    .map((d) => `${d.severity} ${d.code} at ${d.start}: ${d.message} near ${JSON.stringify(query.slice(d.start, d.start + Math.max(d.length, 20)))}`)
    .join('\n');
}

/**
 * The values of the query's string literals that are expressions (not bracketed names), in source
 * order, as the service decodes them — the value a cluster would compare against.
 */
export function kqlStringLiteralValues(query: string, tables: KqlTables): string[] {
  const K = kustoLanguage();
  const stringLiteral = K.Syntax.SyntaxKind['StringLiteralExpression'];
  const bracketedName = K.Syntax.SyntaxKind['BracketedName'];
  const values: string[] = [];
  analyse(query, tables).Syntax.WalkNodes((node) => {
    if (node.Kind === stringLiteral && node.Parent?.Kind !== bracketedName) values.push(String(node.LiteralValue));
  });
  return values;
}

/** Whether the service would write `name` without brackets. */
export function kustoNeedsNoBrackets(name: string): boolean {
  return kustoLanguage().KustoFacts.BracketNameIfNecessary(name) === name;
}

/** The declared type of a column in the flavour's schemas, or undefined when it does not exist. */
export function kqlColumnType(flavor: KqlFlavor, table: string, column: string): string | undefined {
  return KQL_SCHEMAS[flavor][table]?.find((c) => c.name === column)?.type;
}

// ---------------------------------------------------------------------------------------------
// Reading a query's condition back from the service's syntax tree.

/** One comparison found in a parsed query, in the vocabulary of the condition tree. */
export interface KqlLeaf {
  field: string;
  operator: 'equals' | 'contains' | 'startswith' | 'endswith' | 'regex' | 'cidr';
  value: string | number;
}

const LEAF_OPERATORS: Record<string, KqlLeaf['operator']> = {
  EqualTildeExpression: 'equals',
  EqualExpression: 'equals',
  ContainsExpression: 'contains',
  StartsWithExpression: 'startswith',
  EndsWithExpression: 'endswith',
  MatchesRegexExpression: 'regex'
};

function children(node: SyntaxNode): SyntaxNode[] {
  const out: SyntaxNode[] = [];
  for (let i = 0; i < node.ChildCount; i++) {
    const child = node.GetChild(i);
    if (child) out.push(child);
  }
  return out;
}

/**
 * Parse the query once and return the boolean structure of every `where` after the first (the
 * first is the time bound) as the service parsed it: `and`/`or` with the parser's precedence,
 * parentheses, `not()`, `in~` lists as OR-ed equalities; each comparison's truth comes from
 * `truth`. Anything else throws, so an unexpected operator (say `has`) fails the test using it.
 */
export function kqlConditionOf(query: string, tables: KqlTables): (truth: (leaf: KqlLeaf) => boolean) => boolean {
  const K = kustoLanguage();
  const kindName = new Map(Object.entries(K.Syntax.SyntaxKind).map(([name, kind]) => [kind, name]));
  const kind = (node: SyntaxNode): string => kindName.get(node.Kind) ?? String(node.Kind);
  const nameOf = (node: SyntaxNode): string => {
    if (kind(node) !== 'NameReference' || node.SimpleName === undefined) throw new Error(`expected a column, got ${kind(node)}`);
    return node.SimpleName;
  };
  const literal = (node: SyntaxNode): string | number => {
    const k = kind(node);
    if (k === 'StringLiteralExpression') return String(node.LiteralValue);
    if (k === 'LongLiteralExpression' || k === 'IntLiteralExpression' || k === 'RealLiteralExpression') return Number(String(node).trim());
    throw new Error(`expected a literal, got ${k}`);
  };
  const listItems = (expressionList: SyntaxNode): SyntaxNode[] =>
    children(children(expressionList)[1]!).map((element) => children(element)[0]!);

  let truth: (leaf: KqlLeaf) => boolean = () => {
    throw new Error('no truth assignment');
  };
  const evaluate = (node: SyntaxNode): boolean => {
    const k = kind(node);
    const parts = children(node);
    switch (k) {
      case 'OrExpression':
        return evaluate(parts[0]!) || evaluate(parts[2]!);
      case 'AndExpression':
        return evaluate(parts[0]!) && evaluate(parts[2]!);
      case 'ParenthesizedExpression':
        return evaluate(parts[1]!);
      case 'BooleanLiteralExpression':
        return String(node).trim() === 'true';
      case 'InCsExpression':
      case 'InExpression':
        return listItems(parts[2]!).some((item) => truth({ field: nameOf(parts[0]!), operator: 'equals', value: literal(item) }));
      case 'FunctionCallExpression': {
        const fn = nameOf(parts[0]!);
        const args = listItems(parts[1]!);
        if (fn === 'not') return !evaluate(args[0]!);
        if (fn === 'ipv4_is_in_range' || fn === 'ipv6_is_in_range') {
          const cidr = String(literal(args[1]!));
          if ((fn === 'ipv6_is_in_range') !== cidr.includes(':')) throw new Error(`${fn} used for ${cidr}`);
          return truth({ field: nameOf(args[0]!), operator: 'cidr', value: cidr });
        }
        throw new Error(`unexpected function ${fn}`);
      }
      default: {
        const operator = LEAF_OPERATORS[k];
        if (operator === undefined) throw new Error(`unexpected ${k}: ${String(node).trim()}`);
        let value = literal(parts[2]!);
        if (operator === 'regex') {
          if (typeof value !== 'string' || !value.startsWith('(?i)')) throw new Error(`regex without (?i): ${String(value)}`);
          value = value.slice('(?i)'.length);
        }
        if ((k === 'EqualExpression') !== (typeof value === 'number')) throw new Error(`${k} with ${typeof value} value`);
        return truth({ field: nameOf(parts[0]!), operator, value });
      }
    }
  };

  const filters: SyntaxNode[] = [];
  analyse(query, tables).Syntax.WalkNodes((node) => {
    if (kind(node) === 'FilterOperator') filters.push(node);
  });
  if (filters.length < 2) throw new Error(`expected a time filter and a condition filter, found ${filters.length} where clauses`);
  const conditions = filters.slice(1).map((filter) => children(filter).at(-1)!);
  return (assignment) => {
    truth = assignment;
    return conditions.every(evaluate);
  };
}

/** One key for a planned leaf and the parsed KQL leaf that renders it. */
export function leafKey(leaf: KqlLeaf | { field: string; operator: string; value: string | number }): string {
  return JSON.stringify([leaf.field, leaf.operator, leaf.value]);
}

export function evaluateKqlCondition(query: string, tables: KqlTables, truth: (leaf: KqlLeaf) => boolean): boolean {
  return kqlConditionOf(query, tables)(truth);
}

// ---------------------------------------------------------------------------------------------
// A hand-built planned rule (the AiTM finding of the seed) with a KQL target worth projecting.

export function plannedRule(kql: Partial<QueryTarget> & { condition: Condition }, meta: Partial<PlannedRule['meta']> = {}): PlannedRule {
  const projection = ['DeviceName', 'AccountName', 'FileName', 'FolderPath', 'ProcessCommandLine', 'SHA256', 'InitiatingProcessFileName'];
  return testRule(kql.condition, { kql: { projection, ...kql } }, meta);
}
