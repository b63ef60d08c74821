import { lstatSync, readdirSync } from 'node:fs';
import path from 'node:path';

const byCodeUnits = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

/** Relative paths ('/'-separated) of every regular file under `root`, sorted, symlinks not followed. */
export function listFiles(root: string): string[] {
  const files: string[] = [];
  const walk = (relDir: string): void => {
    const entries = readdirSync(path.join(root, relDir), { withFileTypes: true });
    entries.sort((a, b) => byCodeUnits(a.name, b.name));
    for (const entry of entries) {
      const rel = relDir === '' ? entry.name : `${relDir}/${entry.name}`;
      if (entry.isDirectory()) walk(rel);
      else if (entry.isFile()) files.push(rel);
    }
  };
  walk('');
  return files;
}

/** Apparent size of everything under `dir` (like `du -sb`), 0 when it does not exist. */
export function directorySizeBytes(dir: string): number {
  let total = 0;
  let stat;
  try {
    stat = lstatSync(dir);
  } catch {
    return 0;
  }
  total += stat.size;
  if (!stat.isDirectory()) return total;
  for (const name of readdirSync(dir)) total += directorySizeBytes(path.join(dir, name));
  return total;
}
