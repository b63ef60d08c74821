#!/usr/bin/env node
// Prints the endpoint table of docs/api.md from the compiled route table (dist/server/api-reference.js);
// with --write, replaces the table between the <!-- routes:start --> and <!-- routes:end --> markers.
// Run `npm run build` first. src/server/api-reference.test.ts fails until the doc matches.
import { readFile, writeFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const DOC = resolve(ROOT, 'docs/api.md');
const START = '<!-- routes:start -->';
const END = '<!-- routes:end -->';

const { apiReferenceTable, listRoutes } = await import(resolve(ROOT, 'dist/server/api-reference.js'));
const table = apiReferenceTable(listRoutes());
if (!process.argv.includes('--write')) {
  process.stdout.write(`${table}\n`);
} else {
  const doc = await readFile(DOC, 'utf8');
  const start = doc.indexOf(START);
  const end = doc.indexOf(END);
  if (start < 0 || end < start) throw new Error(`${DOC} lacks the ${START} … ${END} markers`);
  let updated = `${doc.slice(0, start + START.length)}\n\n${table}\n\n${doc.slice(end)}`;
  try {
    const prettier = await import('prettier');
    updated = await prettier.format(updated, { ...((await prettier.resolveConfig(DOC)) ?? {}), parser: 'markdown' });
  } catch {
    // prettier missing: the table is still valid Markdown
  }
  await writeFile(DOC, updated);
  process.stdout.write(`updated ${DOC} (${listRoutes().length} endpoints)\n`);
}
