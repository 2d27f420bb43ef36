import { existsSync, lstatSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/** Every file under `root` (recursively, sorted) by its `/`-separated relative path; {} when `root` is missing. */
export function readTree(root: string): Record<string, string> {
  const result: Record<string, string> = {};
  const walk = (rel: string) => {
    for (const name of readdirSync(join(root, rel)).sort()) {
      const path = rel ? `${rel}/${name}` : name;
      if (lstatSync(join(root, path)).isDirectory()) walk(path);
      else result[path] = readFileSync(join(root, path), 'utf8');
    }
  };
  if (existsSync(root)) walk('');
  return result;
}
