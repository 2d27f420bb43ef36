import { type Alias, type Document, isAlias, isMap, isScalar, isSeq, type Node, parseDocument, Scalar, visit, type YAMLError } from 'yaml';
import type { z } from 'zod';
import { type AttackCatalogue, bundledAttackCatalogue } from '../attack.js';
import { type Diagnostic, sortDiagnostics } from '../diagnostics.js';
import { HuntReportSchema, type HuntReport, KNOWN_KEYS } from './schema.js';
import { suggest } from './suggest.js';
import { checkHuntSemantics } from './validate.js';

/**
 * Hunt report parsing (DESIGN.md §2): bytes → text → YAML document with node positions → zod schema
 * → semantic checks. Every problem becomes a Diagnostic at `file:line:col`; nothing throws on bad input.
 */

type KeyPath = (string | number)[];

export interface ParsedHunt {
  file: string;
  /** Set iff there are no errors (warnings allowed). Strings are trimmed; network_port values are numbers. */
  report?: HuntReport;
  diagnostics: Diagnostic[];
  /** Position of the node at `path`; the deepest existing ancestor when the path does not exist; 1:1 for an empty file. */
  locate(path: KeyPath): { line: number; column: number };
}

export const MAX_HUNT_REPORT_BYTES = 1024 * 1024;
/** Beyond this many problems in one file, more messages would bury the first ones (and GitHub caps annotations). */
const MAX_DIAGNOSTICS = 100;
/** Aliases are rare in hunt reports; a small cap turns an alias bomb into an error instead of a hang. */
const MAX_ALIAS_COUNT = 100;
const TOP_LEVEL_SHAPE = 'a hunt report is a mapping with the keys hunt, data_sources, findings and verdict';

function sizeMessage(bytes: number): string {
  const mib = (bytes / MAX_HUNT_REPORT_BYTES).toFixed(1);
  return `hunt reports are limited to 1 MiB; this file is ${mib === '1.0' ? `${bytes} bytes` : `${mib} MiB`}`;
}

/** The error for a report over the size limit; the CLI's file collector reports it before reading the file. */
export function huntSizeDiagnostic(file: string, bytes: number): Diagnostic {
  return {
    file,
    line: 1,
    column: 1,
    severity: 'error',
    message: sizeMessage(bytes),
    path: []
  };
}

function utf8Length(text: string): number {
  let n = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 0x80) n += 1;
    else if (c < 0x800) n += 2;
    else if (c >= 0xd800 && c <= 0xdbff && (text.charCodeAt(i + 1) & 0xfc00) === 0xdc00) {
      n += 4;
      i++;
    } else n += 3;
  }
  return n;
}

/** Offset of the first byte that is not part of a well-formed UTF-8 sequence (RFC 3629), or -1. */
export function firstInvalidUtf8Byte(bytes: Uint8Array): number {
  let i = 0;
  while (i < bytes.length) {
    const b = bytes[i]!;
    if (b < 0x80) {
      i++;
      continue;
    }
    let need: number;
    let min: number;
    let max = 0xbf;
    if (b >= 0xc2 && b <= 0xdf) [need, min] = [1, 0x80];
    else if (b === 0xe0) [need, min] = [2, 0xa0];
    else if (b === 0xed) [need, min, max] = [2, 0x80, 0x9f];
    else if (b >= 0xe1 && b <= 0xef) [need, min] = [2, 0x80];
    else if (b === 0xf0) [need, min] = [3, 0x90];
    else if (b === 0xf4) [need, min, max] = [3, 0x80, 0x8f];
    else if (b >= 0xf1 && b <= 0xf3) [need, min] = [3, 0x80];
    else return i;
    for (let k = 1; k <= need; k++) {
      const c = bytes[i + k];
      if (c === undefined || c < (k === 1 ? min : 0x80) || c > (k === 1 ? max : 0xbf)) return i;
    }
    i += need + 1;
  }
  return -1;
}

/**
 * 1-based line and column of each offset. Computed from the text rather than with yaml's LineCounter,
 * which misses line breaks inside tokens it re-reads while recovering from a syntax error.
 */
function positionsOf(text: string): (offset: number) => { line: number; column: number } {
  const starts = [0];
  for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) starts.push(i + 1);
  return (offset) => {
    const at = Math.max(0, Math.min(offset, text.length));
    let lo = 0;
    let hi = starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (starts[mid]! <= at) lo = mid;
      else hi = mid - 1;
    }
    return { line: lo + 1, column: at - starts[lo]! + 1 };
  };
}

type Decoded = { text: string } | { diagnostic: Omit<Diagnostic, 'file'> };

function decode(source: string | Uint8Array): Decoded {
  const error = (message: string, at = { line: 1, column: 1 }): Decoded => ({ diagnostic: { ...at, severity: 'error', message, path: [] } });
  if (typeof source === 'string') {
    const size = utf8Length(source);
    if (size > MAX_HUNT_REPORT_BYTES) return error(sizeMessage(size));
    return withoutNul(source.startsWith('\uFEFF') ? source.slice(1) : source);
  }
  if (source.length > MAX_HUNT_REPORT_BYTES) return error(sizeMessage(source.length));
  if ((source[0] === 0xff && source[1] === 0xfe) || (source[0] === 0xfe && source[1] === 0xff)) {
    return error('the file is UTF-16 encoded; save it as UTF-8');
  }
  const bad = firstInvalidUtf8Byte(source);
  if (bad >= 0) {
    const before = new TextDecoder('utf-8', { ignoreBOM: false }).decode(source.subarray(0, bad));
    const hex = source[bad]!.toString(16).toUpperCase().padStart(2, '0');
    return error(`the file is not valid UTF-8 (byte 0x${hex} here); save it as UTF-8`, positionsOf(before)(before.length));
  }
  return withoutNul(new TextDecoder('utf-8', { fatal: true, ignoreBOM: false }).decode(source));
}

/** A NUL character means a binary file (or UTF-16 without a BOM), never a hunt report. */
function withoutNul(text: string): Decoded {
  const nul = text.indexOf('\u0000');
  if (nul < 0) return { text };
  return {
    diagnostic: { ...positionsOf(text)(nul), severity: 'error', message: 'the file contains a NUL character: it is binary (or UTF-16) data, not a UTF-8 hunt report', path: [] }
  };
}

// ---------------------------------------------------------------------------------------------
// JSON files go through the YAML parser too (JSON is YAML, and it gives positions), but YAML accepts
// things JSON does not (trailing commas, single quotes, comments): a .json file must be strict JSON.

const JSON_NUMBER = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y;
const JSON_WHITESPACE = /[ \t\n\r]*/y;

/** The first JSON syntax error (RFC 8259), iteratively so that deep nesting cannot overflow the stack. */
export function findJsonSyntaxError(text: string): { offset: number; message: string } | undefined {
  const stack: ('{' | '[')[] = [];
  type State = 'value' | 'valueOrClose' | 'key' | 'keyOrClose' | 'colon' | 'afterValue';
  let state: State = 'value';
  let lastComma = -1;
  let valueEnd = 0;
  let i = 0;
  const describe = (c: string) => (c === "'" ? `'${c}' (JSON strings use double quotes)` : `'${c}'`);
  for (;;) {
    if (state === 'afterValue') valueEnd = i;
    JSON_WHITESPACE.lastIndex = i;
    JSON_WHITESPACE.exec(text);
    i = JSON_WHITESPACE.lastIndex;
    if (i >= text.length) {
      if (state === 'afterValue' && stack.length === 0) return undefined;
      const open = stack[stack.length - 1];
      return { offset: text.length, message: `invalid JSON: the file ends early${open ? ` (a '${open}' is not closed)` : ''}` };
    }
    const c = text[i]!;
    if (state === 'afterValue') {
      const open = stack[stack.length - 1];
      if (!open) return { offset: i, message: `invalid JSON: unexpected ${describe(c)} after the end of the document` };
      const close = open === '{' ? '}' : ']';
      if (c === ',') {
        lastComma = i;
        state = open === '{' ? 'key' : 'value';
      } else if (c === close) {
        stack.pop();
      } else if (/["\d{[tfn-]/.test(c)) {
        return { offset: valueEnd, message: `invalid JSON: missing ',' after this value` };
      } else {
        return { offset: i, message: `invalid JSON: expected ',' or '${close}' but found ${describe(c)}` };
      }
      i++;
      continue;
    }
    if (state === 'colon') {
      if (c !== ':') return { offset: i, message: `invalid JSON: expected ':' after the key but found ${describe(c)}` };
      lastComma = -1;
      state = 'value';
      i++;
      continue;
    }
    if (state === 'key' || state === 'keyOrClose') {
      if (c === '}' && state === 'keyOrClose') {
        stack.pop();
        state = 'afterValue';
        i++;
        continue;
      }
      if (c === '}') return { offset: lastComma, message: `invalid JSON: trailing comma before '}'` };
      if (c !== '"') return { offset: i, message: `invalid JSON: expected a key in double quotes but found ${describe(c)}` };
      const end = scanJsonString(text, i);
      if (typeof end !== 'number') return end;
      i = end;
      state = 'colon';
      continue;
    }
    // state is 'value' or 'valueOrClose'
    if (c === ']' && state === 'valueOrClose') {
      stack.pop();
      state = 'afterValue';
      i++;
      continue;
    }
    if ((c === ']' || c === '}') && lastComma >= 0) return { offset: lastComma, message: `invalid JSON: trailing comma before '${c}'` };
    if (c === '{' || c === '[') {
      stack.push(c);
      state = c === '{' ? 'keyOrClose' : 'valueOrClose';
      i++;
      continue;
    }
    if (c === '"') {
      const end = scanJsonString(text, i);
      if (typeof end !== 'number') return end;
      i = end;
    } else if (c === '-' || (c >= '0' && c <= '9')) {
      JSON_NUMBER.lastIndex = i;
      if (!JSON_NUMBER.exec(text)) return { offset: i, message: 'invalid JSON: malformed number' };
      i = JSON_NUMBER.lastIndex;
    } else {
      const literal = ['true', 'false', 'null'].find((l) => text.startsWith(l, i));
      if (!literal) return { offset: i, message: `invalid JSON: expected a value (text in double quotes, a number, true, false, null, { or [) but found ${describe(c)}` };
      i += literal.length;
    }
    state = 'afterValue';
  }
}

function scanJsonString(text: string, start: number): number | { offset: number; message: string } {
  for (let i = start + 1; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x22) return i + 1;
    if (c < 0x20) return { offset: i, message: 'invalid JSON: a line break or control character inside a string (write it as \\n, \\t or \\u00XX)' };
    if (c === 0x5c) {
      const e = text[i + 1];
      if (e === 'u') {
        if (!/^[0-9a-fA-F]{4}$/.test(text.slice(i + 2, i + 6))) return { offset: i, message: 'invalid JSON: \\u must be followed by four hex digits' };
        i += 5;
      } else if (e !== undefined && '"\\/bfnrt'.includes(e)) {
        i += 1;
      } else {
        return { offset: i, message: `invalid JSON: unknown escape '\\${e ?? ''}' in a string (a Windows path needs doubled backslashes: C:\\\\Windows)` };
      }
    }
  }
  return { offset: start, message: 'invalid JSON: this string is never closed (missing ")' };
}

// ---------------------------------------------------------------------------------------------
// Node positions.

interface Walk {
  /** The node at the end of the path, if the whole path exists. */
  node?: Node | null;
  /** The key node of the last path segment, when it is a mapping key. */
  key?: Node;
  /** The deepest node reached. */
  deepest: Node | null;
}

function walk(doc: Document, path: KeyPath): Walk {
  let node: Node | null = (doc.contents as Node | null) ?? null;
  let key: Node | undefined;
  for (const seg of path) {
    if (isAlias(node)) node = (node.resolve(doc) as Node | undefined) ?? null;
    if (isMap(node)) {
      const pair = node.items.find((p) => isScalar(p.key) && String(p.key.value) === String(seg));
      if (!pair) return { deepest: node };
      key = pair.key as Node;
      node = (pair.value as Node | null) ?? null;
      if (!node) return { node: null, key, deepest: key };
    } else if (isSeq(node) && typeof seg === 'number' && node.items[seg] !== undefined) {
      key = undefined;
      node = node.items[seg] as Node;
    } else {
      return { deepest: node };
    }
  }
  return { node, key, deepest: node };
}

/** Messages quote the user's text; a pasted megabyte must not become a megabyte of output. */
const MAX_MESSAGE_LENGTH = 400;

/** Messages are single lines (one per diagnostic, and GitHub annotations): escape what the user's text brings in. */
function printable(message: string): string {
  const cut = /[\uD800-\uDBFF]/.test(message[MAX_MESSAGE_LENGTH - 1] ?? '') ? MAX_MESSAGE_LENGTH - 1 : MAX_MESSAGE_LENGTH;
  const short = message.length > MAX_MESSAGE_LENGTH ? `${message.slice(0, cut)}…` : message;
  return short.replace(/[\u0000-\u001F\u007F-\u009F\u2028\u2029]/g, (c) =>
    c === '\n' ? '\\n' : c === '\r' ? '\\r' : c === '\t' ? '\\t' : `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`
  );
}

function describeValue(value: unknown): string {
  if (value === undefined || value === null) return 'nothing';
  if (typeof value === 'string') return `"${value.length > 40 ? `${value.slice(0, 40)}…` : value}"`;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (Array.isArray(value)) return 'a list';
  if (value instanceof Uint8Array) return 'binary data';
  return 'a mapping';
}

const EXPECTED: Record<string, string> = {
  string: 'text',
  number: 'a number',
  boolean: 'true or false',
  array: 'a list',
  object: 'a mapping'
};

export function formatKeyPath(path: KeyPath): string {
  return path.map((seg, i) => (typeof seg === 'number' ? `[${seg}]` : i === 0 ? seg : `.${seg}`)).join('');
}

function labelled(path: KeyPath, message: string): string {
  return path.length > 0 ? `${formatKeyPath(path)}: ${message}` : message;
}

function valueAt(data: unknown, path: KeyPath): unknown {
  let v = data;
  for (const seg of path) {
    if (typeof v !== 'object' || v === null) return undefined;
    v = (v as Record<string | number, unknown>)[seg];
  }
  return v;
}

/** Which of the schema's objects lives at a path: the source of the allowed keys for hints. */
function knownKeysAt(path: KeyPath): readonly string[] {
  const named = path.filter((s) => typeof s === 'string');
  const last = named[named.length - 1];
  if (last === undefined) return KNOWN_KEYS.report;
  if (last === 'hunt') return KNOWN_KEYS.hunt;
  if (last === 'data_sources') return KNOWN_KEYS.data_source;
  if (last === 'findings') return KNOWN_KEYS.finding;
  if (last === 'iocs') return KNOWN_KEYS.ioc;
  return [];
}

/** Where a problem sits and what to say, before the file name is attached. */
interface Problem {
  path: KeyPath;
  at: 'value' | 'key' | 'container';
  severity: 'error' | 'warning';
  message: string;
  /** Exact source offset, when the path alone is ambiguous (the second of two duplicate keys). */
  offset?: number;
}

function schemaProblems(issues: readonly z.core.$ZodIssue[], data: unknown): Problem[] {
  const out: Problem[] = [];
  const unknownKeyHints = new Set<string>();
  const pending: z.core.$ZodIssue[] = [];

  const flatten = (issue: z.core.$ZodIssue, prefix: KeyPath): void => {
    const path = [...prefix, ...(issue.path as KeyPath)];
    if (issue.code === 'invalid_union') {
      const branches = issue.errors;
      const typeOnly = branches.every((b) => b.length === 1 && b[0]!.code === 'invalid_type' && b[0]!.path.length === 0);
      if (typeOnly) {
        const expected = branches.map((b) => EXPECTED[(b[0] as z.core.$ZodIssueInvalidType).expected] ?? (b[0] as z.core.$ZodIssueInvalidType).expected);
        out.push({ path, at: 'value', severity: 'error', message: labelled(path, `must be ${expected.join(' or ')} (got ${describeValue(valueAt(data, path))})`) });
        return;
      }
      const branch = branches.find((b) => b.some((i) => i.code !== 'invalid_type')) ?? branches[0] ?? [];
      for (const inner of branch) flatten(inner, path);
      return;
    }
    pending.push({ ...issue, path } as z.core.$ZodIssue);
  };
  for (const issue of issues) flatten(issue, []);

  for (const issue of pending) {
    if (issue.code !== 'unrecognized_keys') continue;
    const parent = issue.path as KeyPath;
    const present = Object.keys((valueAt(data, parent) as Record<string, unknown> | undefined) ?? {});
    const allowed = knownKeysAt(parent).filter((k) => !present.includes(k));
    for (const key of issue.keys.slice(0, MAX_DIAGNOSTICS + 1)) {
      const hint = suggest(key, allowed);
      if (hint !== undefined) unknownKeyHints.add(`${formatKeyPath(parent)}\u0000${hint}`);
      const known = knownKeysAt(parent);
      const tail = hint !== undefined ? ` — did you mean '${hint}'?` : known.length > 0 ? ` (allowed here: ${known.join(', ')})` : '';
      out.push({ path: [...parent, key], at: 'key', severity: 'error', message: labelled(parent, `unknown key '${key}'${tail}`) });
    }
  }

  for (const issue of pending) {
    const path = issue.path as KeyPath;
    const value = valueAt(data, path);
    switch (issue.code) {
      case 'unrecognized_keys':
        break;
      case 'invalid_type': {
        if (value === undefined) {
          const parent = path.slice(0, -1);
          const key = String(path[path.length - 1]);
          // "unknown key 'finding' — did you mean 'findings'?" already says it; no second error.
          if (unknownKeyHints.has(`${formatKeyPath(parent)}\u0000${key}`)) break;
          out.push({ path, at: 'container', severity: 'error', message: labelled(parent, `missing required key '${key}'`) });
        } else {
          const expected = EXPECTED[issue.expected] ?? issue.expected;
          const hint = issue.expected === 'array' && typeof value === 'string' ? `; write each item on its own line starting with '- '` : '';
          out.push({ path, at: 'value', severity: 'error', message: labelled(path, `must be ${expected} (got ${describeValue(value)})${hint}`) });
        }
        break;
      }
      case 'invalid_value': {
        const allowed = issue.values.map(String);
        const hint = typeof value === 'string' ? suggest(value, allowed) : undefined;
        out.push({
          path,
          at: 'value',
          severity: 'error',
          message: labelled(path, `must be one of ${allowed.join(', ')} (got ${describeValue(value)})${hint !== undefined ? ` — did you mean '${hint}'?` : ''}`)
        });
        break;
      }
      case 'invalid_format':
        out.push({ path, at: 'value', severity: 'error', message: labelled(path, `${issue.message} (got ${describeValue(value)})`) });
        break;
      default:
        out.push({ path, at: 'value', severity: 'error', message: labelled(path, issue.message) });
    }
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// YAML syntax.

const SYNTAX_MESSAGES: Partial<Record<YAMLError['code'], string>> = {
  TAB_AS_INDENT: 'tabs are not allowed for indentation; indent with spaces',
  BAD_INDENT: 'wrong indentation here (or a bracket opened above is not closed)',
  MULTIPLE_DOCS: "a hunt report is a single YAML document; remove the '---' separator and what follows, or split the file",
  BLOCK_AS_IMPLICIT_KEY: "unexpected mapping here: quote a value that contains ': ', or check the indentation of this line and the one above",
  MULTILINE_IMPLICIT_KEY: 'a key must be on one line: check the indentation, and that each key ends with a colon and a space',
  BAD_DQ_ESCAPE: 'invalid escape in a double-quoted string (write a Windows path with doubled backslashes, or in single quotes)',
  RESOURCE_EXHAUSTION: 'the document is nested too deeply',
  UNEXPECTED_TOKEN: "unexpected text here: check the indentation, and that each 'key: value' pair has a space after the colon",
  BAD_SCALAR_START: 'a value that starts with @, ` or another reserved character must be quoted'
};

function syntaxMessage(error: YAMLError, doc: Document, text: string): { offset: number; message: string } {
  if (error.code === 'MISSING_CHAR' && /quote/i.test(error.message)) {
    // yaml reports an unclosed quote where the file ends; point at where the string starts instead.
    let opening: Scalar | undefined;
    visit(doc, {
      Scalar(_, node) {
        const r = node.range;
        if (r && (node.type === Scalar.QUOTE_DOUBLE || node.type === Scalar.QUOTE_SINGLE) && r[0] < error.pos[0] && r[2] >= error.pos[0]) opening ??= node;
      }
    });
    const quote = opening?.type === Scalar.QUOTE_SINGLE ? "'" : '"';
    if (opening?.range) return { offset: opening.range[0], message: `invalid YAML: this quoted text is never closed (missing ${quote})` };
  }
  if (error.code === 'BAD_INDENT' && /flow (sequence|map)/i.test(error.message)) {
    const bracket = /sequence/i.test(error.message) ? ']' : '}';
    return { offset: error.pos[0], message: `invalid YAML: a '${bracket === ']' ? '[' : '{'}' above is not closed with '${bracket}' before this line` };
  }
  const known = SYNTAX_MESSAGES[error.code];
  const message = known ?? error.message.replace(/\s+at line \d+, column \d+[\s\S]*$/, '');
  return { offset: Math.min(error.pos[0], text.length), message: `invalid YAML: ${message}` };
}

/** Duplicate and non-text keys, found on the document so that each gets its key path. */
function keyProblems(doc: Document): { problems: Problem[]; unreadable: boolean } {
  const problems: Problem[] = [];
  let unreadable = false;
  const visitNode = (node: unknown, path: KeyPath): void => {
    if (isMap(node)) {
      const seen = new Set<string>();
      for (const pair of node.items) {
        if (!isScalar(pair.key)) {
          unreadable = true;
          problems.push({ path, at: 'value', severity: 'error', message: labelled(path, 'keys must be plain text, not a list, mapping or alias') });
          continue;
        }
        const key = String(pair.key.value);
        if (seen.has(key)) {
          problems.push({
            path: [...path, key],
            at: 'key',
            severity: 'error',
            message: labelled(path, `duplicate key '${key}'; each key may appear only once`),
            offset: pair.key.range?.[0]
          });
        }
        seen.add(key);
        visitNode(pair.value, [...path, key]);
      }
    } else if (isSeq(node)) {
      node.items.forEach((item, i) => visitNode(item, [...path, i]));
    }
  };
  visitNode(doc.contents, []);
  return { problems, unreadable };
}

function topLevelDescription(node: unknown, text: string): string {
  if (isSeq(node)) return 'the top level of this file is a list';
  if (isScalar(node) && node.value !== null) return `the top level of this file is the single value ${describeValue(node.value)}`;
  if (isAlias(node)) return 'the top level of this file is an alias';
  return text.trim() === '' ? 'this file is empty' : 'this file holds no data (only comments or null)';
}

// ---------------------------------------------------------------------------------------------

function normaliseReport(report: HuntReport): HuntReport {
  return {
    ...report,
    findings: report.findings.map((f) => ({
      ...f,
      iocs: f.iocs.map((ioc) => (ioc.type === 'network_port' && typeof ioc.value === 'string' ? { ...ioc, value: Number(ioc.value) } : ioc))
    }))
  };
}

export function parseHuntReport(source: string | Uint8Array, file: string, catalogue: AttackCatalogue = bundledAttackCatalogue()): ParsedHunt {
  const whole = (): { line: number; column: number } => ({ line: 1, column: 1 });
  const diagnostics: Diagnostic[] = [];
  let locate: ParsedHunt['locate'] = whole;
  const result = (report?: HuntReport): ParsedHunt => {
    const sorted = sortDiagnostics(diagnostics).map((d) => ({ ...d, message: printable(d.message) }));
    if (sorted.length <= MAX_DIAGNOSTICS) return { file, report, diagnostics: sorted, locate };
    const shown = sorted.slice(0, MAX_DIAGNOSTICS);
    const last = shown[shown.length - 1]!;
    // Hidden problems can only fail the file if it already fails.
    shown.push({ ...last, severity: report ? 'warning' : 'error', message: `more problems follow that are not shown; fix these ${MAX_DIAGNOSTICS} first`, path: [] });
    return { file, report, diagnostics: shown, locate };
  };

  const decoded = decode(source);
  if ('diagnostic' in decoded) {
    diagnostics.push({ file, ...decoded.diagnostic });
    return result();
  }
  const text = decoded.text;
  const at = positionsOf(text);
  const diag = (offset: number, message: string, severity: Diagnostic['severity'] = 'error'): Diagnostic => ({ file, ...at(offset), severity, message, path: [] });

  if (/\.json$/i.test(file)) {
    const jsonError = findJsonSyntaxError(text);
    if (jsonError) {
      diagnostics.push(diag(jsonError.offset, jsonError.message));
      return result();
    }
  }

  // Duplicate keys are found by keyProblems (with their key path) rather than by yaml's uniqueKeys.
  const doc = parseDocument(text, { uniqueKeys: false, prettyErrors: false, version: '1.2', schema: 'core', logLevel: 'error' });
  const offsetOf = (node: Node | null | undefined): number | undefined => node?.range?.[0];
  const position = (offset: number | undefined) => (offset === undefined ? whole() : at(offset));
  locate = (path) => {
    const w = walk(doc, path);
    return position(offsetOf(w.node) ?? offsetOf(w.key) ?? offsetOf(w.deepest));
  };
  const fromProblem = (p: Problem): Diagnostic => {
    let where: { line: number; column: number };
    if (p.offset !== undefined) where = at(p.offset);
    else if (p.at === 'value') where = locate(p.path);
    else {
      const w = walk(doc, p.at === 'key' ? p.path : p.path.slice(0, -1));
      where = position(offsetOf(w.key) ?? offsetOf(w.node) ?? offsetOf(w.deepest));
    }
    return { file, ...where, severity: p.severity, message: p.message, path: p.path };
  };

  // Only the first syntax error: the ones after it are mostly the parser losing its footing.
  const syntax = [...doc.errors]
    .sort((a, b) => a.pos[0] - b.pos[0])
    .slice(0, 10)
    .map((error) => syntaxMessage(error, doc, text))
    .sort((a, b) => a.offset - b.offset)[0];
  if (syntax) diagnostics.push(diag(syntax.offset, syntax.message));
  if (diagnostics.length > 0) return result();
  for (const warning of doc.warnings) diagnostics.push(diag(warning.pos[0], `YAML: ${warning.message}`, 'warning'));

  if (!isMap(doc.contents)) {
    diagnostics.push({ file, ...whole(), severity: 'error', message: `${TOP_LEVEL_SHAPE}; ${topLevelDescription(doc.contents, text)}`, path: [] });
    return result();
  }

  const keys = keyProblems(doc);
  for (const problem of keys.problems.slice(0, MAX_DIAGNOSTICS + 1)) diagnostics.push(fromProblem(problem));
  if (keys.unreadable) return result();

  let data: unknown;
  try {
    data = doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT });
  } catch (err) {
    const reason = err instanceof Error ? err.message : String(err);
    let firstAlias: Alias | undefined;
    let unresolved: Alias | undefined;
    visit(doc, {
      Alias(_, node) {
        firstAlias ??= node;
        if (!unresolved && node.resolve(doc) === undefined) unresolved = node;
      }
    });
    const message = /excessive alias/i.test(reason)
      ? `too many alias expansions: YAML aliases (*name) are limited to ${MAX_ALIAS_COUNT} uses, which protects against 'billion laughs' documents`
      : unresolved
        ? `the alias *${unresolved.source} refers to no anchor (&name) defined before it`
        : `the document cannot be read: ${reason}`;
    diagnostics.push(diag(offsetOf(unresolved ?? firstAlias) ?? 0, `invalid YAML: ${message}`));
    return result();
  }

  const parsed = HuntReportSchema.safeParse(data);
  const problems = parsed.success ? [] : schemaProblems(parsed.error.issues.slice(0, MAX_DIAGNOSTICS + 1), data);
  for (const issue of checkHuntSemantics(data, catalogue)) {
    problems.push({ path: issue.path, at: 'value', severity: issue.severity, message: labelled(issue.path, issue.message) });
  }
  const ok = parsed.success && !problems.some((p) => p.severity === 'error') && !diagnostics.some((d) => d.severity === 'error');
  for (const problem of problems.slice(0, MAX_DIAGNOSTICS + 1)) diagnostics.push(fromProblem(problem));
  return result(ok ? normaliseReport(parsed.data) : undefined);
}
