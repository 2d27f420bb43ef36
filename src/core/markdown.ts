/**
 * Untrusted text (hunt reports, LLM answers) on its way into GitHub-flavoured Markdown: PR
 * comments, job summaries, enrichment.md. It must render as the text it is — no HTML, no links,
 * no @mentions or issue references, no emphasis, no broken table rows, no hidden bidi tricks.
 */

/** Joins characters without a visible mark, so `@team` or `#1` stop being special. */
export const ZWJ = '\u200D';

const MARKDOWN_PUNCTUATION = /[\\`*_{}[\]()#+\-.!|~$:]/g;
const HTML_SPECIAL: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' };

/** Control characters, line breaks and runs of whitespace become one space; bidi and zero-width controls go. */
export function oneLine(value: string): string {
  return value
    .replace(/[\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff]/g, '')
    .replace(/[\s\u0000-\u001f\u007f-\u009f\u2028\u2029]+/g, ' ')
    .trim();
}

/** Cuts text to `max` code points, marking the cut with an ellipsis. */
export function clip(value: string, max: number): string {
  const chars = Array.from(value);
  return chars.length <= max ? value : `${chars.slice(0, Math.max(0, max - 1)).join('')}…`;
}

/**
 * One line of text made inert, once the caller has made its URLs inert (each caller has its own
 * way): mentions and issue references broken with a zero-width joiner, Markdown punctuation
 * backslash-escaped, then HTML special characters as entities (last, so an entity's `#` stays).
 */
export function inertMarkdown(line: string): string {
  return line
    .replace(/@/g, `@${ZWJ}`)
    .replace(/#(?=\d)/g, `#${ZWJ}`)
    .replace(MARKDOWN_PUNCTUATION, (c) => `\\${c}`)
    .replace(/[&<>"]/g, (c) => HTML_SPECIAL[c]!);
}

/** For raw HTML such as `<summary>`, where Markdown escapes would show as backslashes. */
export function escapeHtml(value: string): string {
  return oneLine(value).replace(/[&<>"]/g, (c) => HTML_SPECIAL[c]!);
}
