#!/usr/bin/env node
// Prints the error-code table of docs/errors.md from the compiled catalog (dist/core/error-catalog.js);
// with --write, replaces the table between the <!-- codes:start --> and <!-- codes:end --> markers in
// place. Run `npm run build` first. src/core/error-catalog.test.ts fails until the doc matches.
//   node scripts/gen-errors-doc.mjs [--write] [--catalog path/to/error-catalog.js]
import { readFile, writeFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const DOC = resolve(ROOT, 'docs/errors.md');
const START = '<!-- codes:start -->';
const END = '<!-- codes:end -->';

const escapeCell = (text) => text.replaceAll('|', '\\|');

function table(catalog, KIND_OUTCOMES) {
  const lines = ['| code | kind | exit code | HTTP | meaning |', '| --- | --- | --- | --- | --- |'];
  for (const [code, { kind, summary }] of Object.entries(catalog)) {
    const outcome = KIND_OUTCOMES[kind];
    if (outcome === undefined) throw new Error(`${code} has kind "${kind}", which this script does not map`);
    lines.push(`| \`${code}\` | ${kind} | ${outcome.exit} | ${outcome.http} | ${escapeCell(summary)} |`);
  }
  return lines.join('\n');
}

async function prettierFormat(markdown) {
  try {
    const prettier = await import('prettier');
    const options = (await prettier.resolveConfig(DOC)) ?? {};
    return await prettier.format(markdown, { ...options, parser: 'markdown' });
  } catch {
    return `${markdown}\n`; // prettier missing: the table is still valid Markdown
  }
}

async function main(args) {
  const catalogIndex = args.indexOf('--catalog');
  const catalogPath = resolve(catalogIndex >= 0 ? args[catalogIndex + 1] : resolve(ROOT, 'dist/core/error-catalog.js'));
  const { ERROR_CATALOG, KIND_OUTCOMES } = await import(pathToFileURL(catalogPath).href);
  const generated = table(ERROR_CATALOG, KIND_OUTCOMES);
  if (!args.includes('--write')) {
    process.stdout.write(`${generated}\n`);
    return;
  }
  const doc = await readFile(DOC, 'utf8');
  const start = doc.indexOf(START);
  const end = doc.indexOf(END);
  if (start < 0 || end < start) throw new Error(`${DOC} lacks the ${START} … ${END} markers`);
  const updated = `${doc.slice(0, start + START.length)}\n\n${generated}\n\n${doc.slice(end)}`;
  await writeFile(DOC, await prettierFormat(updated));
  process.stdout.write(`updated ${DOC} (${Object.keys(ERROR_CATALOG).length} codes)\n`);
}

main(process.argv.slice(2)).catch((error) => {
  process.stderr.write(`gen-errors-doc: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exitCode = 1;
});
