/**
 * Escaping for GitHub-flavoured Markdown in PR comments and job summaries. Hunt reports are
 * untrusted: a hunt name must render as the text it is — no HTML, no links, no @mentions or
 * issue references, no emphasis, and no broken table rows (the text pieces: core/markdown.ts).
 */

import { clip, inertMarkdown, oneLine, ZWJ } from '../core/markdown.js';

/**
 * User text for a table cell, heading or paragraph: one line, clipped, autolinks (`https://`,
 * `www.`) broken with a zero-width joiner (the text still reads the same), then made inert.
 */
export function text(value: string, max = 300): string {
  return inertMarkdown(
    clip(oneLine(value), max)
      .replace(/:\/\//g, `:${ZWJ}//`)
      .replace(/\bwww\./gi, (m) => `${m.slice(0, 3)}${ZWJ}.`)
  );
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
