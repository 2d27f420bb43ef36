import { parseIPv4, parseIPv6 } from '../ip.js';
import type { IocMatch, IocType } from '../model.js';

/**
 * Per-type checks of IOC values (DESIGN.md §2). Each check returns a plain message for a hunter, or
 * undefined when the value is fine. Values are literals: a `*` is a character, not a wildcard.
 */

export const HASH_LENGTHS = { hash_md5: 32, hash_sha1: 40, hash_sha256: 64 } as const;
const HASH_NAMES: Record<keyof typeof HASH_LENGTHS, string> = { hash_md5: 'MD5', hash_sha1: 'SHA-1', hash_sha256: 'SHA-256' };

/** Types whose value is one exact token: a partial or regex match on them is a mistake. */
const EXACT_ONLY_TYPES: ReadonlySet<IocType> = new Set(['hash_md5', 'hash_sha1', 'hash_sha256', 'network_port']);

const CIDR_PREFIX = /^(?:0|[1-9]\d{0,2})$/;

/** A dotted quad of 0–255 without leading zeros. */
export function isIPv4(s: string): boolean {
  return parseIPv4(s) !== undefined;
}

/** RFC 4291 text forms: eight groups, one `::` run, an optional trailing dotted IPv4. No zone ids. */
export function isIPv6(s: string): boolean {
  return parseIPv6(s) !== undefined;
}

/** An IPv4/IPv6 address, or a CIDR block with a prefix that fits the address family. */
export function isIpOrCidr(s: string): boolean {
  const slash = s.indexOf('/');
  if (slash < 0) return isIPv4(s) || isIPv6(s);
  const address = s.slice(0, slash);
  const prefix = s.slice(slash + 1);
  if (!CIDR_PREFIX.test(prefix)) return false;
  const bits = Number(prefix);
  if (isIPv4(address)) return bits <= 32;
  if (isIPv6(address)) return bits <= 128;
  return false;
}

// A host-name label: letters (any script, for internationalised names), digits, marks, `_` (service
// records like _ldap._tcp) and inner hyphens.
const LABEL = /^[\p{L}\p{N}\p{M}_](?:[\p{L}\p{N}\p{M}_-]*[\p{L}\p{N}\p{M}_])?$/u;

/** A DNS host name, internationalised names allowed, one trailing dot allowed. */
export function isHostName(s: string): boolean {
  const name = s.endsWith('.') ? s.slice(0, -1) : s;
  if (!name || name.length > 253) return false;
  return name.split('.').every((label) => label.length <= 63 && LABEL.test(label));
}

const LOCAL_PART = /^[\p{L}\p{N}!#$%&'*+/=?^_`{|}~-]+(?:\.[\p{L}\p{N}!#$%&'*+/=?^_`{|}~-]+)*$/u;

export function isEmailAddress(s: string): boolean {
  const at = s.lastIndexOf('@');
  if (at <= 0) return false;
  const local = s.slice(0, at);
  const domain = s.slice(at + 1);
  return local.length <= 64 && LOCAL_PART.test(local) && domain.includes('.') && isHostName(domain);
}

/** Control characters other than tab (C0, DEL, C1) plus the Unicode line and paragraph separators. */
const CONTROL = /[\u0000-\u0008\u000A-\u001F\u007F-\u009F\u2028\u2029]/;
const LINE_BREAK = /[\n\r\u2028\u2029\u0085]/;
/** Half of a surrogate pair without its other half: only a `\uD83D`-style escape can produce one. */
const LONE_SURROGATE = /\p{Cs}/u;

function describeChar(c: string): string {
  return `U+${c.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')}`;
}

function checkHash(type: keyof typeof HASH_LENGTHS, value: string): string | undefined {
  const expected = HASH_LENGTHS[type];
  const bad = /[^0-9a-fA-F]/.exec(value);
  if (bad) return `a ${HASH_NAMES[type]} hash is hexadecimal (0-9, a-f); '${bad[0]}' at position ${bad.index + 1} is not`;
  if (value.length === expected) return undefined;
  const other = (Object.keys(HASH_LENGTHS) as (keyof typeof HASH_LENGTHS)[]).find((t) => HASH_LENGTHS[t] === value.length);
  const hint = other ? ` — that length is a ${HASH_NAMES[other]} hash: use type ${other}` : '';
  return `a ${HASH_NAMES[type]} hash has ${expected} hex characters, this one has ${value.length}${hint}`;
}

function checkIp(value: string): string | undefined {
  if (isIpOrCidr(value)) return undefined;
  if (value.includes('*')) return `'${value}' is not an IP address; to match a range write a CIDR block such as 203.0.113.0/24`;
  const slash = value.indexOf('/');
  if (slash >= 0 && (isIPv4(value.slice(0, slash)) || isIPv6(value.slice(0, slash)))) {
    return `'${value}' has an invalid CIDR prefix: use /0 to /${isIPv4(value.slice(0, slash)) ? 32 : 128}`;
  }
  if (/^\[.*\]$/.test(value)) return `write the IPv6 address without brackets`;
  if (/^\d+(\.\d+){3}$/.test(value)) return `'${value}' is not an IPv4 address: each of the four numbers is 0-255, without leading zeros`;
  if (isHostName(value) && /[a-z]/i.test(value)) return `'${value}' is a host name, not an IP address: use type domain`;
  return `'${value}' is not an IPv4/IPv6 address or CIDR block`;
}

function checkPort(value: string | number): string | undefined {
  const text = String(value);
  if (typeof value === 'number' ? Number.isInteger(value) : /^(?:0|[1-9]\d*)$/.test(text)) {
    const port = Number(text);
    if (port >= 1 && port <= 65535) return undefined;
  }
  return `a network port is a whole number from 1 to 65535 (got ${typeof value === 'number' ? value : `'${text}'`})`;
}

function checkDomain(value: string): string | undefined {
  if (isHostName(value)) return undefined;
  if (value.includes('*')) return `'*' is not a wildcard here; to match subdomains use match: endswith with a value such as '.example.com'`;
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(value) || value.includes('/')) return `'${value}' looks like a URL, not a host name: use type url, or keep only the host name`;
  if (value.includes('@')) return `'${value}' looks like an e-mail address: use type email_sender, or keep only the domain`;
  if (/\s/.test(value)) return `a host name has no spaces`;
  return `'${value}' is not a valid host name (labels of letters, digits and inner hyphens, separated by dots, at most 63 characters each)`;
}

function checkEmail(value: string): string | undefined {
  if (isEmailAddress(value)) return undefined;
  if (/<[^>]*>/.test(value)) return `give only the address, without the display name and angle brackets`;
  return `'${value}' is not an e-mail address like sender@example.com`;
}

function checkUrl(value: string): string | undefined {
  if (/\s/.test(value)) return `a URL contains no spaces (percent-encode a space as %20)`;
  if (value.startsWith('/')) return undefined;
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(value)) {
    try {
      if (new URL(value).host) return undefined;
    } catch {
      // fall through to the message below
    }
    return `'${value}' is not a valid absolute URL`;
  }
  return `a url is an absolute URL such as https://host/path or a path starting with '/'; add the scheme, or use type domain for a host name`;
}

/** Characters that may appear in a fragment of an address (partial match on an ip). */
const IP_FRAGMENT = /^[0-9a-fA-F.:/]+$/;
const HOST_FRAGMENT = /^[\p{L}\p{N}\p{M}_.-]+$/u;

const RE2_SAFE_LETTER_ESCAPES = new Set(['d', 'D', 'w', 'W', 's', 'S', 'b', 'B', 'n', 'r', 't', 'f', 'v', 'x', 'p', 'P']);

/**
 * A regex must mean the same in KQL (RE2), Splunk (PCRE) and Spark SQL (Java): reject the constructs
 * those engines disagree on, then let the JavaScript engine catch plain syntax errors.
 */
export function checkPortableRegex(pattern: string): string | undefined {
  let inClass = false;
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i]!;
    if (c === '\\') {
      const next = pattern[i + 1];
      if (next === undefined) return `the regular expression ends with a lone backslash`;
      if (/[1-9]/.test(next) && !inClass) return `backreferences like \\${next} are not supported (RE2, used by KQL, has none)`;
      if (next === 'k' && pattern[i + 2] === '<') return `named backreferences like \\k<name> are not supported (RE2, used by KQL, has none)`;
      if (/[A-Za-z0-9]/.test(next) && !RE2_SAFE_LETTER_ESCAPES.has(next)) {
        return `the escape \\${next} means different things in KQL, Splunk and Spark regexes; use a character class or \\d, \\w, \\s, \\b, \\xHH`;
      }
      i++;
      continue;
    }
    if (inClass) {
      if (c === '[' && pattern[i + 1] === ':') return `POSIX classes like [:alpha:] differ between regex engines; use ranges such as [a-z0-9]`;
      if (c === ']') inClass = false;
      continue;
    }
    if (c === '[') {
      inClass = true;
      if (pattern[i + 1] === '^') i++;
      if (pattern[i + 1] === ']') i++;
      continue;
    }
    if (c === '(' && pattern[i + 1] === '?') {
      const rest = pattern.slice(i + 2);
      if (rest.startsWith('<=') || rest.startsWith('<!')) return `lookbehind (?<= …) / (?<! …) is not supported (RE2, used by KQL, has none)`;
      if (rest.startsWith('=') || rest.startsWith('!')) return `lookahead (?= …) / (?! …) is not supported (RE2, used by KQL, has none)`;
      if (rest.startsWith('>')) return `atomic groups (?> …) are not supported (RE2, used by KQL, has none)`;
      if (/^[imsxU-]+[:)]/.test(rest)) return `inline flags like (?i) are not needed: the generated queries already match case-insensitively`;
      if (!rest.startsWith(':') && !/^P?<[A-Za-z_]/.test(rest)) return `unsupported group syntax '(?${rest.slice(0, 2)}'`;
    }
    if (c === '{') {
      const repeat = /^\{(\d+)(?:,(\d*))?\}/.exec(pattern.slice(i));
      if (repeat && (Number(repeat[1]) > 1000 || Number(repeat[2] ?? 0) > 1000)) return `repetition counts above 1000 are rejected by RE2 (KQL)`;
    }
  }
  try {
    new RegExp(pattern.replace(/\(\?P</g, '(?<'));
  } catch (err) {
    const reason = err instanceof Error ? err.message.replace(/^Invalid regular expression: \/.*\/[a-z]*: /s, '') : String(err);
    return `not a valid regular expression: ${reason}`;
  }
  return undefined;
}

/**
 * Check one IOC value (already trimmed by the schema) for its type and match. `value` is a number only
 * when YAML read an unquoted number.
 */
export function checkIocValue(type: IocType, value: string | number, match: IocMatch = 'exact'): string | undefined {
  if (match !== 'exact' && EXACT_ONLY_TYPES.has(type)) return `${type} values match exactly: remove 'match: ${match}'`;
  if (type === 'network_port') return checkPort(value);
  if (typeof value === 'number') {
    return `YAML read this value as the number ${value}; put the ${type} value in quotes so it stays text`;
  }
  const control = CONTROL.exec(value);
  if (control) {
    return LINE_BREAK.test(control[0])
      ? `the value contains a line break; an IOC is a single line, so this is usually a paste error (a '|' block keeps line breaks: write the value on one line)`
      : `the value contains the control character ${describeChar(control[0])}; an IOC value is printable text`;
  }
  // Logs are UTF-8, which cannot encode a lone surrogate: a rule matching one could never fire.
  const surrogate = LONE_SURROGATE.exec(value);
  if (surrogate) {
    return `the value contains an unpaired UTF-16 surrogate (${describeChar(surrogate[0])}), which no log record can hold, so the rule could never match; write the character itself, or both halves of its escape (such as \\uD83D\\uDE00)`;
  }
  if (match === 'regex') return checkPortableRegex(value);
  switch (type) {
    case 'hash_md5':
    case 'hash_sha1':
    case 'hash_sha256':
      return checkHash(type, value);
    case 'ip':
      if (match !== 'exact') return IP_FRAGMENT.test(value) ? undefined : `part of an IP address contains only hex digits, '.', ':' and '/' (got '${value}')`;
      return checkIp(value);
    case 'domain':
      if (match !== 'exact') return HOST_FRAGMENT.test(value) ? undefined : `part of a host name contains only letters, digits, '-', '_' and '.' (got '${value}')`;
      return checkDomain(value);
    case 'email_sender':
      if (match !== 'exact') return /\s/.test(value) ? `an e-mail address has no spaces` : undefined;
      return checkEmail(value);
    case 'url':
      if (match !== 'exact') return /\s/.test(value) ? `a URL contains no spaces (percent-encode a space as %20)` : undefined;
      return checkUrl(value);
    default:
      return undefined;
  }
}
