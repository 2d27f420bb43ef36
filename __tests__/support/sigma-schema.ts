/**
 * Sigma rule validation for tests: the official JSON schema (draft 2020-12, ajv), plus the semantic
 * checks pySigma's validators make that a schema cannot (condition references, dangling selections,
 * modifier combinations, tag format and ATT&CK tags, duplicate tags), plus a decoder that turns a
 * rule's detection back into a condition tree so tests can compare it with what was planned.
 */
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import { parseDocument } from 'yaml';
import sigmaSchema from '../data/sigma-detection-rule-schema.json' with { type: 'json' };
import { bundledAttackCatalogue } from '../../src/core/attack.js';
import { parseSigmaString, WILDCARD_MULTI, WILDCARD_SINGLE } from '../../src/core/backends/sigma-string.js';
import type { Condition, FieldMatch, MatchOperator } from '../../src/core/model.js';

const ajv = new Ajv2020({ strict: false, allErrors: true });
(addFormats as unknown as (a: Ajv2020) => void)(ajv);
const validateSchema = ajv.compile(sigmaSchema);

export type SigmaRule = Record<string, unknown> & { detection: Record<string, unknown> };

/**
 * Parse Sigma YAML the way pySigma reads it (PyYAML is YAML 1.1): duplicate keys and YAML errors
 * are failures, and 1.1 scalars (`yes`, dates, sexagesimal numbers) resolve as 1.1 does.
 */
export function parseSigmaYaml(text: string): { rule?: SigmaRule; errors: string[] } {
  const doc = parseDocument(text, { version: '1.1', uniqueKeys: true });
  const errors = [...doc.errors, ...doc.warnings].map((e) => `YAML: ${e.message}`);
  if (errors.length > 0) return { errors };
  const rule = doc.toJS() as SigmaRule;
  return { rule, errors: [] };
}

export function sigmaSchemaErrors(rule: unknown): string[] {
  if (validateSchema(rule)) return [];
  return (validateSchema.errors ?? []).map((e) => `${e.instancePath || '/'} ${e.message ?? ''}`);
}

const STRING_MODIFIERS = new Set(['contains', 'startswith', 'endswith']);
const REGEX_FLAGS = new Set(['i', 'm', 's']);

function modifierErrors(key: string): string[] {
  const [field, ...modifiers] = key.split('|');
  const errors: string[] = [];
  if (!field) errors.push(`${key}: empty field name`);
  if (modifiers.length === 0) return errors;
  const [first, ...rest] = modifiers;
  if (first === 're') {
    if (rest.some((m) => !REGEX_FLAGS.has(m))) errors.push(`${key}: re takes only the i, m, s flags`);
  } else if (first === 'cidr') {
    if (rest.length > 0) errors.push(`${key}: cidr takes no further modifier`);
  } else if (STRING_MODIFIERS.has(first!)) {
    if (rest.some((m) => m !== 'all')) errors.push(`${key}: ${first} may only be followed by all`);
  } else if (first !== 'all') {
    errors.push(`${key}: unknown modifier ${first}`);
  }
  return errors;
}

// ---------------------------------------------------------------------------------------------
// Condition expressions: `sel`, `not x`, `x and y`, `x or y`, `( … )`, `1 of pat*`, `all of pat*`, `1 of them`.

type CondAst =
  | { kind: 'ref'; name: string }
  | { kind: 'of'; quantifier: 'one' | 'all'; pattern: string }
  | { kind: 'not'; child: CondAst }
  | { kind: 'and' | 'or'; children: CondAst[] };

export function parseConditionExpression(text: string): CondAst {
  const tokens = text.match(/\(|\)|[^\s()]+/g) ?? [];
  let i = 0;
  const peek = () => tokens[i];
  const next = () => tokens[i++];
  const expect = (t: string) => {
    if (next() !== t) throw new Error(`condition "${text}": expected ${t}`);
  };
  const primary = (): CondAst => {
    const t = next();
    if (t === undefined) throw new Error(`condition "${text}": unexpected end`);
    if (t === '(') {
      const e = orExpr();
      expect(')');
      return e;
    }
    if (t === 'not') return { kind: 'not', child: primary() };
    if (t === '1' || t === 'all') {
      expect('of');
      const pattern = next();
      if (!pattern || pattern === '(' || pattern === ')') throw new Error(`condition "${text}": "of" needs a pattern`);
      return { kind: 'of', quantifier: t === '1' ? 'one' : 'all', pattern };
    }
    if (t === 'and' || t === 'or' || t === ')') throw new Error(`condition "${text}": unexpected ${t}`);
    if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(t)) throw new Error(`condition "${text}": bad identifier ${t}`);
    return { kind: 'ref', name: t };
  };
  const andExpr = (): CondAst => {
    const children = [primary()];
    while (peek() === 'and') {
      next();
      children.push(primary());
    }
    return children.length === 1 ? children[0]! : { kind: 'and', children };
  };
  const orExpr = (): CondAst => {
    const children = [andExpr()];
    while (peek() === 'or') {
      next();
      children.push(andExpr());
    }
    return children.length === 1 ? children[0]! : { kind: 'or', children };
  };
  const ast = orExpr();
  if (i !== tokens.length) throw new Error(`condition "${text}": trailing ${tokens.slice(i).join(' ')}`);
  return ast;
}

function patternMatches(pattern: string, names: string[]): string[] {
  if (pattern === 'them') return names;
  const re = new RegExp(`^${pattern.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*')}$`);
  return names.filter((n) => re.test(n));
}

function referenced(ast: CondAst, names: string[], errors: string[]): string[] {
  switch (ast.kind) {
    case 'ref':
      if (!names.includes(ast.name)) errors.push(`condition references missing selection ${ast.name}`);
      return [ast.name];
    case 'of': {
      const hit = patternMatches(ast.pattern, names);
      if (hit.length === 0) errors.push(`condition pattern ${ast.pattern} matches no selection`);
      return hit;
    }
    case 'not':
      return referenced(ast.child, names, errors);
    default:
      return ast.children.flatMap((c) => referenced(c, names, errors));
  }
}

const catalogue = bundledAttackCatalogue();
const TAG = /^[a-z0-9_-]+\.[a-z0-9._-]+$/;

/** What pySigma's core validators would flag, beyond the schema. */
export function sigmaSemanticErrors(rule: SigmaRule): string[] {
  const errors: string[] = [];
  const detection = rule.detection ?? {};
  const names = Object.keys(detection).filter((k) => k !== 'condition');
  const condition = detection['condition'];
  if (typeof condition !== 'string') errors.push('condition is not a single string');
  else {
    try {
      const used = new Set(referenced(parseConditionExpression(condition), names, errors));
      for (const n of names) if (!used.has(n)) errors.push(`dangling selection ${n}`);
    } catch (err) {
      errors.push((err as Error).message);
    }
  }
  for (const name of names) {
    const body = detection[name];
    const maps = Array.isArray(body) ? body : [body];
    if (maps.length === 0) errors.push(`${name}: empty selection`);
    for (const map of maps) {
      if (typeof map !== 'object' || map === null || Array.isArray(map)) {
        errors.push(`${name}: a selection item is not a map`);
        continue;
      }
      for (const [key, value] of Object.entries(map)) {
        errors.push(...modifierErrors(key));
        const values = Array.isArray(value) ? value : [value];
        if (values.length === 0) errors.push(`${name}.${key}: empty value list`);
        for (const v of values) if (typeof v !== 'string' && typeof v !== 'number') errors.push(`${name}.${key}: value ${JSON.stringify(v)} is not a string or number`);
      }
    }
  }
  const tags = Array.isArray(rule['tags']) ? (rule['tags'] as unknown[]) : [];
  if (new Set(tags).size !== tags.length) errors.push('duplicate tags');
  for (const tag of tags) {
    if (typeof tag !== 'string' || !TAG.test(tag)) {
      errors.push(`bad tag ${String(tag)}`);
      continue;
    }
    if (!tag.startsWith('attack.')) continue;
    const rest = tag.slice('attack.'.length);
    const technique = /^t\d{4}(\.\d{3})?$/.test(rest);
    if (technique ? !catalogue.technique(rest.toUpperCase()) : !catalogue.tactics.some((t) => t.shortname === rest)) errors.push(`unknown ATT&CK tag ${tag}`);
  }
  return errors;
}

/** Schema and semantic problems of a rendered rule, or of its YAML. Empty when the rule is good. */
export function sigmaRuleProblems(text: string): string[] {
  const { rule, errors } = parseSigmaYaml(text);
  if (!rule) return errors;
  return [...sigmaSchemaErrors(rule), ...sigmaSemanticErrors(rule)];
}

// ---------------------------------------------------------------------------------------------
// Decoding a detection back into a condition tree.

const OPERATORS: Record<string, MatchOperator> = { '': 'equals', contains: 'contains', startswith: 'startswith', endswith: 'endswith', re: 'regex', cidr: 'cidr' };

function decodeValue(operator: MatchOperator, value: unknown): string | number {
  if (typeof value === 'number') return value;
  if (typeof value !== 'string') throw new Error(`value ${JSON.stringify(value)} is not a string`);
  if (operator === 'regex' || operator === 'cidr') return value;
  const parts = parseSigmaString(value);
  if (parts.some((p) => p === WILDCARD_MULTI || p === WILDCARD_SINGLE)) throw new Error(`value ${JSON.stringify(value)} has a wildcard`);
  return parts.join('');
}

function decodeSelection(body: unknown): Condition {
  const maps = Array.isArray(body) ? body : [body];
  const anyOf = maps.map((map): Condition => {
    const allOf = Object.entries(map as Record<string, unknown>).map(([key, value]): Condition => {
      const [field, ...mods] = key.split('|');
      const operator = OPERATORS[mods[0] ?? ''];
      if (!operator) throw new Error(`unknown modifier in ${key}`);
      const values = (Array.isArray(value) ? value : [value]).map((v): FieldMatch => ({ kind: 'match', field: field!, operator, value: decodeValue(operator, v) }));
      return mods.includes('all') ? { kind: 'and', children: values } : { kind: 'or', children: values };
    });
    return { kind: 'and', children: allOf };
  });
  return { kind: 'or', children: anyOf };
}

function decodeAst(ast: CondAst, detection: Record<string, unknown>): Condition {
  const names = Object.keys(detection).filter((k) => k !== 'condition');
  switch (ast.kind) {
    case 'ref':
      return decodeSelection(detection[ast.name]);
    case 'of': {
      const children = patternMatches(ast.pattern, names).map((n) => decodeSelection(detection[n]));
      return { kind: ast.quantifier === 'one' ? 'or' : 'and', children };
    }
    case 'not':
      return { kind: 'not', child: decodeAst(ast.child, detection) };
    default:
      return { kind: ast.kind, children: ast.children.map((c) => decodeAst(c, detection)) };
  }
}

/** The condition a detection means, with literal values unescaped (throws on a wildcard in a literal). */
export function decodeDetection(detection: Record<string, unknown>): Condition {
  return decodeAst(parseConditionExpression(String(detection['condition'])), detection);
}

/** A canonical form for comparing trees: nested and/or flattened, single children unwrapped, children sorted, duplicates dropped. */
export function canonical(condition: Condition): Condition {
  switch (condition.kind) {
    case 'match':
      return condition;
    case 'not':
      return { kind: 'not', child: canonical(condition.child) };
    default: {
      const flat = condition.children.map(canonical).flatMap((c) => (c.kind === condition.kind ? c.children : [c]));
      const unique = [...new Map(flat.map((c) => [JSON.stringify(c), c])).values()].sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b)));
      return unique.length === 1 ? unique[0]! : { kind: condition.kind, children: unique };
    }
  }
}
