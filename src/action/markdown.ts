/**
 * Escaping for GitHub-flavoured Markdown in PR comments and job summaries. Hunt reports are
 * untrusted: a hunt name must render as the text it is — no HTML, no links, no @mentions or
 * issue references, no emphasis, and no broken table rows.
 */

/** Joins characters without a visible mark, so `@team` or `https://` stop being special. */
const ZWJ = '\u200D';

const MARKDOWN_PUNCTUATION = /[\\`*_{}[\]()#+\-.!|~$]/g;
const HTML_SPECIAL: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' };

/** Control characters, line and paragraph separators and runs of whitespace become one space. */
export function oneLine(value: string): string {
  return value.replace(/[\s\u0000-\u001f\u007f-\u009f\u2028\u2029]+/g, ' ').trim();
}

/** Cuts text to `max` characters (whole code points), marking the cut with an ellipsis. */
export function clip(value: string, max: number): string {
  const chars = Array.from(value);
  return chars.length <= max ? value : `${chars.slice(0, Math.max(0, max - 1)).join('')}…`;
}

/**
 * User text for a table cell, heading or paragraph: one line, Markdown punctuation
 * backslash-escaped, then HTML-escaped (last, so the entities' `#` stays unescaped), mentions (`@x`), issue references (`#1`) and autolinks (`https://`, `www.`)
 * broken with a zero-width joiner.
 */
export function text(value: string, max = 300): string {
  return clip(oneLine(value), max)
    .replace(/@/g, `@${ZWJ}`)
    .replace(/#(?=\d)/g, `#${ZWJ}`)
    .replace(/:\/\//g, `:${ZWJ}//`)
    .replace(/\bwww\./gi, (m) => `${m.slice(0, 3)}${ZWJ}.`)
    .replace(MARKDOWN_PUNCTUATION, (c) => `\\${c}`)
    .replace(/[&<>"]/g, (c) => HTML_SPECIAL[c]!);
}

/**
 * Inline code that is safe inside a table cell: one line, the fence longer than any run of
 * backticks inside, `|` escaped (GFM splits table cells before it parses code spans, and then
 * drops the backslash of each `\|`). Code spans render HTML and mentions literally, so nothing
 * else needs escaping. A backslash right before a pipe cannot survive that inside a code span,
 * so such a value is rendered as escaped text instead.
 */
export function code(value: string, max = 300): string {
  const line = clip(oneLine(value), max);
  if (line.includes('\\|')) return text(line, max);
  const escaped = line.replace(/\|/g, '\\|');
  const longestRun = Math.max(0, ...(escaped.match(/`+/g) ?? []).map((run) => run.length));
  const fence = '`'.repeat(longestRun + 1);
  const pad = escaped.startsWith('`') || escaped.endsWith('`') ? ' ' : '';
  return `${fence}${pad}${escaped}${pad}${fence}`;
}

/**
 * A link whose label is user text and whose URL we built ourselves. The URL must be absolute
 * http(s); parentheses, spaces and other characters that would end the destination are encoded.
 */
export function link(label: string, url: string): string {
  const parsed = new URL(url);
  if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:') throw new Error(`refusing a non-http link: ${url}`);
  const destination = parsed.href.replace(/[()<> |\\"'`]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase().padStart(2, '0')}`);
  return `[${text(label)}](${destination})`;
}

/** A table row from already-escaped cells. */
export function row(cells: readonly string[]): string {
  return `| ${cells.join(' | ')} |`;
}

/** Header row plus separator. */
export function tableHead(headers: readonly string[]): string[] {
  return [row(headers), row(headers.map(() => '---'))];
}

/** Encodes each segment of a repository path for a URL, keeping the `/` separators. */
export function encodePath(path: string): string {
  return path
    .split('/')
    .map((segment) => encodeURIComponent(segment))
    .join('/');
}
