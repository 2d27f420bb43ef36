import { sha256Hex } from './ids.js';

/**
 * Turn any text into a safe path segment: ASCII letters, digits and `-` only, lower case,
 * never empty, never `.`/`..`, at most `max` characters. Used for hunt directories and rule files.
 */
export function slugify(text: string, max = 64): string {
  const ascii = text
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '');
  const cut = ascii.slice(0, max).replace(/-+$/g, '');
  return cut || `x-${sha256Hex(text).slice(0, 8)}`;
}

/** The directory name of a hunt's outputs: its id when it has one, then its name. */
export function huntSlug(hunt: { id?: string; name: string }): string {
  return slugify(hunt.id ? `${hunt.id} ${hunt.name}` : hunt.name);
}

/**
 * True when `relative` is a plain relative POSIX path that stays inside its base directory:
 * no absolute path, no drive letter, no backslash, no empty, `.` or `..` segment.
 */
export function isContainedRelativePath(relative: string): boolean {
  if (!relative || relative.startsWith('/') || relative.includes('\\') || /^[A-Za-z]:/.test(relative)) return false;
  if (relative.includes('\0')) return false;
  return relative.split('/').every((seg) => seg !== '' && seg !== '.' && seg !== '..');
}
