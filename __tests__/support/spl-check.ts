/**
 * A structure check for SPL (no maintained SPL parser exists for Node): a tokenizer that honours
 * double-quoted strings with backslash escapes and ```…``` comments, then checks that quotes,
 * comments, parentheses and brackets balance, that every pipe segment starts with a command from
 * Splunk's searchbnf (`__tests__/data/spl-commands.json`) — the first may be an implicit `search` —
 * that generating commands come first, that no segment is empty, and that functions called in
 * `eval`/`where` are eval functions Splunk knows.
 */
import splData from '../data/spl-commands.json' with { type: 'json' };

const COMMANDS = new Set([...Object.keys(splData.commands), ...Object.keys(splData.aliases)].map((c) => c.toLowerCase()));
const EVAL_FUNCTIONS = new Set(splData.eval_functions.map((f) => f.toLowerCase()));
/** Operators that may directly precede `(` in an eval expression. */
const EVAL_KEYWORDS = new Set(['and', 'or', 'not', 'xor', 'in', 'like']);
/** Generating commands (searchbnf: "must be the first command"): only valid right after a leading pipe. */
const GENERATING = new Set(['datamodel', 'tstats', 'from', 'inputlookup', 'makeresults', 'metadata', 'pivot', 'rest', 'dbinspect']);

export type SplToken =
  | { kind: 'string'; text: string; offset: number }
  | { kind: 'comment'; text: string; offset: number }
  | { kind: 'code'; text: string; offset: number };

/** Tokenize into code, strings and comments; throws on an unterminated string or comment. */
export function tokenizeSpl(spl: string): SplToken[] {
  const tokens: SplToken[] = [];
  let code = '';
  let codeStart = 0;
  const flush = () => {
    if (code !== '') tokens.push({ kind: 'code', text: code, offset: codeStart });
    code = '';
  };
  let i = 0;
  while (i < spl.length) {
    if (spl.startsWith('```', i)) {
      const end = spl.indexOf('```', i + 3);
      if (end < 0) throw new Error(`unterminated comment at offset ${i}`);
      flush();
      tokens.push({ kind: 'comment', text: spl.slice(i, end + 3), offset: i });
      i = end + 3;
      codeStart = i;
    } else if (spl[i] === '"') {
      let j = i + 1;
      while (j < spl.length && spl[j] !== '"') j += spl[j] === '\\' ? 2 : 1;
      if (j >= spl.length) throw new Error(`unterminated string at offset ${i}`);
      flush();
      tokens.push({ kind: 'string', text: spl.slice(i, j + 1), offset: i });
      i = j + 1;
      codeStart = i;
    } else {
      if (code === '') codeStart = i;
      code += spl[i];
      i++;
    }
  }
  flush();
  return tokens;
}

/** The value of a double-quoted SPL string: `\\` is a backslash, `\"` a quote, other escapes stay as written. */
export function decodeSplString(token: string): string {
  return token.slice(1, -1).replace(/\\([\\"])/g, '$1');
}

/** One pipeline segment: its tokens (comments removed) and the command that starts it. */
export interface SplSegment {
  tokens: SplToken[];
  command: string | undefined;
}

const PAIRS: Record<string, string> = { ')': '(', ']': '[' };

/**
 * Split a search into top-level pipeline segments (pipes inside brackets belong to subsearches),
 * recording structural problems on the way.
 */
function segments(tokens: SplToken[], problems: string[]): SplToken[][] {
  const result: SplToken[][] = [[]];
  const stack: { char: string; offset: number }[] = [];
  for (const token of tokens) {
    if (token.kind === 'comment') continue;
    if (token.kind === 'string') {
      result[result.length - 1]!.push(token);
      continue;
    }
    let piece = '';
    let pieceStart = token.offset;
    const emit = () => {
      if (piece !== '') result[result.length - 1]!.push({ kind: 'code', text: piece, offset: pieceStart });
      piece = '';
    };
    for (let k = 0; k < token.text.length; k++) {
      const c = token.text[k]!;
      const offset = token.offset + k;
      if (c === '(' || c === '[') stack.push({ char: c, offset });
      else if (c === ')' || c === ']') {
        const open = stack.pop();
        if (open === undefined) problems.push(`offset ${offset}: '${c}' closes nothing`);
        else if (open.char !== PAIRS[c]) problems.push(`offset ${offset}: '${c}' closes '${open.char}' opened at offset ${open.offset}`);
      } else if (c === '|' && stack.length === 0) {
        emit();
        result.push([]);
        pieceStart = offset + 1;
        continue;
      } else if (c === '|' && stack.every((s) => s.char === '(')) {
        problems.push(`offset ${offset}: pipe inside parentheses`);
      }
      if (piece === '') pieceStart = offset;
      piece += c;
    }
    emit();
  }
  for (const open of stack) problems.push(`offset ${open.offset}: '${open.char}' is never closed`);
  return result;
}

function leadingWord(segment: SplToken[]): string | undefined {
  const first = segment.find((t) => t.kind !== 'code' || t.text.trim() !== '');
  if (first === undefined || first.kind !== 'code') return undefined;
  return /^\s*([A-Za-z_][A-Za-z0-9_]*)/.exec(first.text)?.[1]?.toLowerCase();
}

function isBlank(segment: SplToken[]): boolean {
  return segment.every((t) => t.kind === 'code' && t.text.trim() === '');
}

/** Functions called in an eval expression (name immediately followed by `(`, outside strings). */
function calledFunctions(segment: SplToken[]): string[] {
  return segment
    .filter((t) => t.kind === 'code')
    .flatMap((t) => [...t.text.matchAll(/([A-Za-z_][A-Za-z0-9_]*)\(/g)].map((m) => m[1]!.toLowerCase()));
}

/** Subsearches: the text between top-level brackets, checked as searches of their own. */
function subsearches(spl: string, tokens: SplToken[]): string[] {
  const found: string[] = [];
  let depth = 0;
  let start = -1;
  for (const token of tokens) {
    if (token.kind !== 'code') continue;
    for (let k = 0; k < token.text.length; k++) {
      const c = token.text[k]!;
      if (c === '[' && depth++ === 0) start = token.offset + k + 1;
      else if (c === ']' && depth > 0 && --depth === 0) found.push(spl.slice(start, token.offset + k));
    }
  }
  return found;
}

/** Structural problems of an SPL search; empty when it passes. */
export function checkSpl(spl: string): string[] {
  let tokens: SplToken[];
  try {
    tokens = tokenizeSpl(spl);
  } catch (error) {
    return [(error as Error).message];
  }
  const problems: string[] = [];
  const parts = segments(tokens, problems);
  const leadingPipe = isBlank(parts[0]!) && parts.length > 1;
  parts.forEach((segment, index) => {
    if (index === 0 && leadingPipe) return;
    if (isBlank(segment)) {
      problems.push(index === 0 ? 'empty search' : `segment ${index}: empty pipe segment`);
      return;
    }
    const word = leadingWord(segment);
    const implicitSearch = index === 0 && !leadingPipe;
    if (implicitSearch) {
      if (word !== undefined && GENERATING.has(word)) problems.push(`segment 0: generating command '${word}' needs a leading pipe`);
      return;
    }
    if (word === undefined || !COMMANDS.has(word)) {
      problems.push(`segment ${index}: unknown command ${JSON.stringify(word ?? segment[0]?.text.trim() ?? '')}`);
      return;
    }
    const first = index === 1 && leadingPipe;
    if (GENERATING.has(word) && !first) problems.push(`segment ${index}: generating command '${word}' must come first`);
    if (word === 'eval' || word === 'where') {
      for (const fn of calledFunctions(segment)) {
        if (!EVAL_FUNCTIONS.has(fn) && !EVAL_KEYWORDS.has(fn)) problems.push(`segment ${index}: unknown eval function '${fn}'`);
      }
    }
  });
  for (const sub of subsearches(spl, tokens)) problems.push(...checkSpl(sub).map((p) => `subsearch: ${p}`));
  return problems;
}

/** The pipeline segments of a valid search, with their commands (`search` for an implicit first one). */
export function splPipeline(spl: string): SplSegment[] {
  const problems: string[] = [];
  const parts = segments(tokenizeSpl(spl), problems);
  if (problems.length > 0) throw new Error(problems.join('\n'));
  const leadingPipe = isBlank(parts[0]!) && parts.length > 1;
  return parts.flatMap((segment, index) => {
    if (index === 0 && leadingPipe) return [];
    const word = leadingWord(segment);
    const command = index === 0 && !leadingPipe && !(word !== undefined && COMMANDS.has(word)) ? 'search' : word;
    return [{ tokens: segment, command }];
  });
}

// ---------------------------------------------------------------------------------------------
// Models of what Splunk does with the values, for tests that check meaning, not just text

/**
 * The literal text a generated `match()` pattern stands for, read independently of the encoder:
 * `(?i)`, then optional `\A`, escaped metacharacters, `\x{…}` code points, optional `\z`. Throws on
 * an unescaped metacharacter (the literal would not be literal) or an unknown escape.
 */
export function decodePcreLiteral(pattern: string): { text: string; anchoredStart: boolean; anchoredEnd: boolean } {
  if (!pattern.startsWith('(?i)')) throw new Error(`not case-insensitive: ${pattern}`);
  const chars = [...pattern.slice(4)];
  const tokens: { text: string; anchor?: 'A' | 'z' }[] = [];
  for (let i = 0; i < chars.length; i++) {
    const c = chars[i]!;
    if (c !== '\\') {
      if ('^$.|?*+()[]{}'.includes(c)) throw new Error(`unescaped metacharacter ${c} in ${pattern}`);
      tokens.push({ text: c });
      continue;
    }
    const e = chars[++i];
    if (e === 'A' || e === 'z') tokens.push({ text: '', anchor: e });
    else if (e === 'x' && chars[i + 1] === '{') {
      const close = chars.indexOf('}', i);
      tokens.push({ text: String.fromCodePoint(parseInt(chars.slice(i + 2, close).join(''), 16)) });
      i = close;
    } else if (e !== undefined && /[^A-Za-z0-9]/.test(e)) tokens.push({ text: e });
    else throw new Error(`unknown escape \\${e ?? ''} in ${pattern}`);
  }
  const anchoredStart = tokens[0]?.anchor === 'A';
  const anchoredEnd = tokens.length > 0 && tokens[tokens.length - 1]!.anchor === 'z';
  const inner = tokens.slice(anchoredStart ? 1 : 0, anchoredEnd ? -1 : undefined);
  if (inner.some((t) => t.anchor !== undefined)) throw new Error(`anchor inside the literal: ${pattern}`);
  return { text: inner.map((t) => t.text).join(''), anchoredStart, anchoredEnd };
}

/** A JavaScript RegExp with the meaning of a generated PCRE (`(?i)`, `\A`, `\z`, `\x{…}`). */
export function pcreToJs(pattern: string): RegExp {
  const caseless = pattern.startsWith('(?i)');
  const body = (caseless ? pattern.slice(4) : pattern)
    .replace(/\\\\|\\A|\\z|\\x\{([0-9A-Fa-f]+)\}/g, (m, hex: string | undefined) =>
      m === '\\\\' ? m : m === '\\A' ? '^' : m === '\\z' ? '$' : `\\u{${hex}}`
    );
  return new RegExp(body, `su${caseless ? 'i' : ''}`);
}

/** A JavaScript RegExp with the meaning of a search-term value: case-insensitive, `*` any run. */
export function searchTermToJs(pattern: string): RegExp {
  const body = [...pattern].map((c) => (c === '*' ? '.*' : c.replace(/[\\^$.|?*+()[\]{}/]/, '\\$&'))).join('');
  return new RegExp(`^${body}$`, 'siu');
}
