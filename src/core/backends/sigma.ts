import { Document, type DocumentOptions, type Scalar, type ScalarTag, type SchemaOptions } from 'yaml';
import type { Condition, FieldMatch, PlannedRule, RenderOptions } from '../model.js';
import { escapeSigmaLiteral } from './sigma-string.js';

/**
 * Sigma backend: a planned rule becomes one Sigma detection rule (YAML), keys in SigmaHQ order.
 * The condition tree becomes named selections (`selection_<field>`, one per field, values OR-ed)
 * and a condition over them; literal values are escaped so `*`, `?` and `\` mean themselves.
 */

type SigmaScalar = string | number;
type SelectionMap = Record<string, SigmaScalar | SigmaScalar[]>;
type SelectionBody = SelectionMap | SelectionMap[];

const MODIFIERS: Record<FieldMatch['operator'], string> = {
  equals: '',
  contains: '|contains',
  startswith: '|startswith',
  endswith: '|endswith',
  // Sigma regexes are case-sensitive by default; every other backend matches case-insensitively.
  regex: '|re|i',
  cidr: '|cidr'
};

export function renderSigma(rule: PlannedRule, _options?: RenderOptions): string {
  const m = rule.meta;
  const detection = sigmaDetection(rule.sigma.condition);
  const logsource: Record<string, string> = {};
  for (const key of ['category', 'product', 'service'] as const) {
    const value = rule.sigma.logsource[key];
    if (value !== undefined) logsource[key] = value;
  }
  const doc: Record<string, unknown> = {
    title: m.title,
    id: m.ruleId,
    status: m.status,
    description: m.description,
    ...(m.references.length > 0 ? { references: m.references } : {}),
    author: m.author,
    date: m.date,
    tags: m.tags,
    logsource,
    detection,
    falsepositives: m.falsepositives,
    level: m.level
  };
  return toYaml(doc);
}

/** The `detection` map: selections in order of first use, then `condition`. */
export function sigmaDetection(condition: Condition): Record<string, SelectionBody | string> {
  const selections = new Map<string, SelectionBody>();
  const register = (matches: FieldMatch[]): string => {
    const base = `selection_${identifier(matches[0]!.field)}`;
    let name = base;
    for (let n = 2; selections.has(name); n++) name = `${base}_${n}`;
    selections.set(name, selectionBody(matches));
    return name;
  };
  const top = expression(condition, register);
  const names = [...selections.keys()];
  const allOred = condition.kind === 'or' && top.parts.length === names.length && top.parts.every((p, i) => p === names[i]);
  const conditionText = allOred && names.length > 1 ? '1 of selection_*' : top.text;
  return { ...Object.fromEntries(selections), condition: conditionText };
}

/** Precedence in Sigma conditions: `not` binds tighter than `and`, which binds tighter than `or`. */
const enum Prec {
  Or,
  And,
  Not,
  Atom
}

interface Expr {
  text: string;
  prec: Prec;
  /** For an `or`: its operands, so a top-level OR of plain selections can be written `1 of selection_*`. */
  parts: string[];
}

function expression(node: Condition, register: (matches: FieldMatch[]) => string): Expr {
  switch (node.kind) {
    case 'match': {
      const name = register([node]);
      return { text: name, prec: Prec.Atom, parts: [name] };
    }
    case 'or': {
      // Matches on one field become one selection (a list of values is an OR); the rest recurse.
      const items: (string | Condition)[] = [];
      const byField = new Map<string, FieldMatch[]>();
      for (const child of node.children) {
        if (child.kind !== 'match') {
          items.push(child);
          continue;
        }
        const group = byField.get(child.field);
        if (group) group.push(child);
        else {
          byField.set(child.field, [child]);
          items.push(child.field);
        }
      }
      // An `and` under an `or` needs no parentheses in Sigma, but they make the intent plain to a reader.
      const parts = items.map((item) => (typeof item === 'string' ? register(byField.get(item)!) : wrap(expression(item, register), Prec.Not)));
      return parts.length === 1 ? { text: parts[0]!, prec: Prec.Atom, parts } : { text: parts.join(' or '), prec: Prec.Or, parts };
    }
    case 'and': {
      const parts = node.children.map((child) => wrap(expression(child, register), Prec.And));
      return { text: parts.join(' and '), prec: Prec.And, parts };
    }
    case 'not': {
      const text = `not ${wrap(expression(node.child, register), Prec.Not)}`;
      return { text, prec: Prec.Not, parts: [text] };
    }
  }
}

/** Parenthesise an operand that binds more loosely than the operator it sits under. */
function wrap(expr: Expr, parent: Prec): string {
  return expr.prec < parent || (parent === Prec.Not && expr.prec === Prec.Not) ? `(${expr.text})` : expr.text;
}

/** Matches on one field, OR-ed: one map when they share a modifier, else a list of maps (a list is an OR in Sigma). */
function selectionBody(matches: FieldMatch[]): SelectionBody {
  const byKey = new Map<string, SigmaScalar[]>();
  for (const match of matches) {
    const key = `${match.field}${MODIFIERS[match.operator]}`;
    const values = byKey.get(key) ?? [];
    const value = sigmaValue(match);
    if (!values.includes(value)) values.push(value);
    byKey.set(key, values);
  }
  const maps = [...byKey].map(([key, values]) => ({ [key]: values.length === 1 ? values[0]! : values }));
  return maps.length === 1 ? maps[0]! : maps;
}

function sigmaValue(match: FieldMatch): SigmaScalar {
  if (typeof match.value === 'number') return match.value;
  // Regex and CIDR values are not wildcard-processed; every other value is a literal.
  if (match.operator === 'regex' || match.operator === 'cidr') return match.value;
  return escapeSigmaLiteral(match.value);
}

function identifier(field: string): string {
  return (
    field
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, '_')
      .replace(/^_+|_+$/g, '') || 'field'
  );
}

// ---------------------------------------------------------------------------------------------
// YAML: pySigma reads rules with PyYAML (YAML 1.1), so strings are written under 1.1 rules — `yes`,
// `2026-04-08`, `1:20` get quoted — and characters PyYAML cannot read raw or would treat as line
// breaks are written as escapes in double quotes.

/** PyYAML's printable set, minus the characters it reads as line breaks or strips (NEL, LS, PS, BOM). */
const NEEDS_ESCAPE = /[^\x09\x0A\x0D\x20-\x7E\xA0-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]|[\u2028\u2029\uFEFF]/u;
const PRINTABLE_ASCII = /^[\x20-\x7E]*$/;
/** PyYAML resolves these plain scalars to its `value` and `merge` tags, which safe_load cannot construct. */
const PYYAML_SPECIAL = new Set(['=', '<<']);

/**
 * Strings written escaped in double quotes: characters PyYAML cannot read raw, its special scalars,
 * tabs and carriage returns (PyYAML rejects a tab inside some plain scalars), and multi-line text
 * that a block scalar would not carry exactly through PyYAML (edge newlines, edge spaces on a line).
 */
function needsDoubleQuotes(value: string): boolean {
  // Most text is printable ASCII: none of the characters below, so only the special scalars matter.
  if (PRINTABLE_ASCII.test(value)) return PYYAML_SPECIAL.has(value);
  if (NEEDS_ESCAPE.test(value) || PYYAML_SPECIAL.has(value) || /[\t\r]/.test(value)) return true;
  if (!value.includes('\n')) return false;
  return value.startsWith('\n') || value.endsWith('\n') || value.split('\n').some((line) => line !== line.trim());
}

function doubleQuoted(value: string): string {
  let out = '"';
  for (const ch of value) {
    const code = ch.codePointAt(0)!;
    if (ch === '\\') out += '\\\\';
    else if (ch === '"') out += '\\"';
    else if (ch === '\n') out += '\\n';
    else if (ch === '\t') out += '\\t';
    else if (ch === '\r') out += '\\r';
    else if (code <= 0xff && (code < 0x20 || (code >= 0x7f && code <= 0x9f))) out += `\\x${code.toString(16).padStart(2, '0')}`;
    else if (NEEDS_ESCAPE.test(ch) && code <= 0xffff) out += `\\u${code.toString(16).padStart(4, '0')}`;
    else out += ch;
  }
  return `${out}"`;
}

const escapedString: ScalarTag = {
  tag: 'tag:yaml.org,2002:str',
  default: true,
  // A `test` makes this tag win over the 1.1 merge tag for `<<`; it is only used for writing.
  test: /^(?!)$/,
  identify: (value: unknown) => typeof value === 'string' && needsDoubleQuotes(value),
  // Only used for writing: a string is read back by the schema's own string tag.
  resolve: (source: string) => source,
  stringify: (item: Scalar) => doubleQuoted(String(item.value))
};

const documentOptions: DocumentOptions & SchemaOptions = { version: '1.1', customTags: (tags) => [escapedString, ...tags] };

/** YAML text for a Sigma rule: YAML 1.1-safe, no line folding, LF only, one trailing newline. */
export function toYaml(value: unknown): string {
  return directYaml(value) ?? libraryYaml(value);
}

/** The same text through a yaml Document: the fallback of `toYaml`, and the reference its direct path is tested against. */
export function libraryYaml(value: unknown): string {
  const doc = new Document(value, documentOptions);
  const text = doc.toString({ lineWidth: 0, indentSeq: true });
  return `${text.replace(/\n+$/, '')}\n`;
}

// ---------------------------------------------------------------------------------------------
// Direct emission. Building and stringifying a yaml Document was most of the time spent on a Sigma
// rule, for a fixed shape: block maps and lists of scalars. The functions below write that text
// directly, making the same choices as the yaml library's stringifier with the options above
// (plain when the 1.1 schema would read the text back as a string, else single or double quotes;
// multi-line text as a `|-` literal block). Whatever they are not sure of — other value types,
// keys that would need quotes across lines or `? ` — returns undefined, and the library writes
// the whole rule, so the bytes never depend on which path wrote them.

/** yaml's test for text it will not write as a plain scalar (stringifyString.ts, `plainString`). */
const PLAIN_UNSAFE = /^[\n\t ,[\]{}#&*!|>'"%@`]|^[?-]$|^[?-][ \t]|[\n:][ \t]|[ \t]\n|[\n\t ]#|[\n\t :]$/;
const DOCUMENT_MARKER = /^(%|---|\.\.\.)/m;

let resolvesAsOtherType: RegExp[] | undefined;

/** The tests of the 1.1 schema's non-string tags: a plain scalar matching one would not read back as text. */
function otherTypeTests(): RegExp[] {
  if (!resolvesAsOtherType) {
    const schema = new Document(null, documentOptions).schema;
    resolvesAsOtherType = [...schema.tags, ...(schema.compat ?? [])]
      .filter((tag) => tag.default && tag.tag !== 'tag:yaml.org,2002:str' && tag.test)
      .map((tag) => tag.test!);
  }
  return resolvesAsOtherType;
}

/**
 * Text that the 1.1 schema's non-string tags can match starts like this (null `~`, bools, digits and
 * signs, `.inf`, exponents like `e3`, merge `<<`); anything else skips the tests, which is most text.
 */
const MAY_RESOLVE_OTHERWISE = /^(?:$|[~NnYyTtOoFfEe0-9+\-.<])/;

/** A single-line string (or one that needsDoubleQuotes), as a key or a value. */
function inlineScalar(value: string, escaped: boolean): string {
  if (escaped) return doubleQuoted(value);
  if (!PLAIN_UNSAFE.test(value) && !(MAY_RESOLVE_OTHERWISE.test(value) && otherTypeTests().some((test) => test.test(value)))) return value;
  // yaml prefers single quotes only for text with double quotes and no single ones; it needs no escapes then.
  return value.includes('"') && !value.includes("'") ? `'${value}'` : JSON.stringify(value);
}

/** A value whose block content (if any) is indented by `indent`. */
function valueScalar(value: unknown, indent: string): string | undefined {
  if (typeof value === 'number') return Number.isSafeInteger(value) && !Object.is(value, -0) ? String(value) : undefined;
  if (typeof value !== 'string') return undefined;
  const escaped = needsDoubleQuotes(value);
  if (escaped || !value.includes('\n')) return inlineScalar(value, escaped);
  // needsDoubleQuotes has ruled out edge newlines and edge spaces on any line: yaml writes a `|-` literal block.
  return `|-\n${indent}${value.replace(/\n+/g, `$&${indent}`)}`;
}

function keyScalar(key: string, indent: string): string | undefined {
  const escaped = needsDoubleQuotes(key);
  if ((key.includes('\n') && !escaped) || (indent === '' && DOCUMENT_MARKER.test(key))) return undefined;
  const text = inlineScalar(key, escaped);
  // A longer implicit key becomes an explicit `? key` in yaml.
  return text.length > 1024 ? undefined : text;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const proto = Object.getPrototypeOf(value) as unknown;
  return proto === Object.prototype || proto === null;
}

/** A non-empty block map whose keys sit at `indent`, its first line without the indent. */
function blockMap(map: Record<string, unknown>, indent: string): string | undefined {
  let out = '';
  for (const key of Object.keys(map)) {
    const keyText = keyScalar(key, indent);
    const value = valueAfterKey(map[key], indent);
    if (keyText === undefined || value === undefined) return undefined;
    out += `${out === '' ? '' : `\n${indent}`}${keyText}:${value}`;
  }
  return out === '' ? undefined : out;
}

/** What follows `key:` in a map at `indent`: the value inline, or its block collection on the next lines. */
function valueAfterKey(value: unknown, indent: string): string | undefined {
  const inner = `${indent}  `;
  if (Array.isArray(value)) {
    if (value.length === 0) return ' []';
    const seq = blockSeq(value, inner);
    return seq === undefined ? undefined : `\n${inner}${seq}`;
  }
  if (isPlainObject(value)) {
    if (Object.keys(value).length === 0) return ' {}';
    const map = blockMap(value, inner);
    return map === undefined ? undefined : `\n${inner}${map}`;
  }
  const scalar = valueScalar(value, inner);
  return scalar === undefined ? undefined : ` ${scalar}`;
}

/** A non-empty block sequence whose dashes sit at `indent` (indentSeq), its first line without the indent. */
function blockSeq(items: readonly unknown[], indent: string): string | undefined {
  const inner = `${indent}  `;
  let out = '';
  for (let i = 0; i < items.length; i++) {
    const item = items[i];
    const text = isPlainObject(item) && Object.keys(item).length > 0 ? blockMap(item, inner) : Array.isArray(item) || isPlainObject(item) ? undefined : valueScalar(item, inner);
    if (text === undefined) return undefined;
    out += `${i === 0 ? '' : `\n${indent}`}- ${text}`;
  }
  return out;
}

function directYaml(value: unknown): string | undefined {
  if (!isPlainObject(value)) return undefined;
  const text = blockMap(value, '');
  return text === undefined ? undefined : `${text}\n`;
}
