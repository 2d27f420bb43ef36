/**
 * Splunk SPL literals: double-quoted strings (search terms and eval strings), PCRE literals for
 * `match()`, field names, and comment text.
 *
 * In a double-quoted SPL string `\\` is one backslash and `\"` a quote; nothing else is needed.
 * A `*` inside a search term is always a wildcard (SPL has no escape for it), so values with `*`
 * cannot be search terms: the renderer matches them with `match()` in `| where` instead.
 */

/** A double-quoted SPL string whose value is exactly `value`. */
export function splString(value: string): string {
  return `"${value.replace(/[\\"]/g, (c) => `\\${c}`)}"`;
}

/**
 * Characters a search term cannot carry as a literal: the wildcard `*`, and characters that would
 * be invisible or break lines in the query text (controls, format characters, separators, lone
 * surrogates). Values with any of these are matched in `| where` with a PCRE that names them.
 */
const NOT_SEARCHABLE = /[*\p{Cc}\p{Cf}\p{Zl}\p{Zp}\p{Cs}]/u;

export function isSearchTermSafe(value: string): boolean {
  return !NOT_SEARCHABLE.test(value);
}

const PCRE_META = /[\\^$.|?*+()[\]{}]/;
const INVISIBLE = /[\p{Cc}\p{Cf}\p{Zl}\p{Zp}\p{Cs}]/u;

/**
 * A PCRE pattern matching exactly the text `value`: metacharacters backslash-escaped, invisible
 * characters as `\x{…}` (one per UTF-16 code unit for lone surrogates, else per code point).
 */
export function pcreLiteral(value: string): string {
  let out = '';
  for (const char of value) {
    if (PCRE_META.test(char)) out += `\\${char}`;
    else if (INVISIBLE.test(char)) out += `\\x{${char.codePointAt(0)!.toString(16).toUpperCase()}}`;
    else out += char;
  }
  return out;
}

/** CIM field names and the like: used bare in search terms, eval expressions and `table`. */
const FIELD_NAME = /^[A-Za-z_][A-Za-z0-9_.]*$/;

/** Why `name` cannot be used as an SPL field name, or undefined when it can. */
export function splFieldNameProblem(name: string): string | undefined {
  return FIELD_NAME.test(name)
    ? undefined
    : `SPL field name ${JSON.stringify(name)} must start with a letter or _ and contain only letters, digits, _ and .`;
}

const DATA_MODEL_PART = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** Why `source` is not a CIM `Model.Dataset` (or `Model.Parent.Dataset`) for `| datamodel`, or undefined. */
export function splDataModelProblem(source: string): string | undefined {
  const parts = source.split('.');
  return parts.length >= 2 && parts.every((p) => DATA_MODEL_PART.test(p))
    ? undefined
    : `SPL source must be a CIM data model dataset such as Endpoint.Processes (Model.Dataset: parts of letters, digits and _, separated by "."), got ${JSON.stringify(source)}`;
}

export function splFieldName(name: string): string {
  const problem = splFieldNameProblem(name);
  if (problem !== undefined) throw new RangeError(problem);
  return name;
}

/**
 * Text for a ```…``` comment: nothing in it can end the comment (backticks), start a quoted string
 * (double quotes), or hide/break the line (controls, format characters, separators).
 */
export function splCommentText(text: string): string {
  return text
    .replace(/[\p{Cc}\p{Cf}\p{Zl}\p{Zp}\p{Cs}]+/gu, ' ')
    .replace(/[`"]/g, "'")
    .replace(/ {2,}/g, ' ')
    .trim();
}
