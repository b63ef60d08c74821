import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { ERROR_CATALOG, KIND_OUTCOMES } from './error-catalog.js';

const FIX = 'regenerate it: npm run build && node scripts/gen-errors-doc.mjs --write';

interface DocRow {
  readonly code: string;
  readonly kind: string;
  readonly exit: string;
  readonly http: string;
  readonly meaning: string;
}

/** docs/errors.md from the repository root (dist/core/x.test.js → ../../docs), else the working directory. */
function readErrorsDoc(): string {
  const here = dirname(fileURLToPath(import.meta.url));
  const candidates = [resolve(here, '../../docs/errors.md'), resolve(process.cwd(), 'docs/errors.md')];
  const found = candidates.find((path) => existsSync(path));
  assert.ok(found, `docs/errors.md not found (looked at ${candidates.join(', ')})`);
  return readFileSync(found, 'utf8');
}

/** The rows of the generated table between the codes:start/codes:end markers. */
function parseCodeTable(doc: string): DocRow[] {
  const start = doc.indexOf('<!-- codes:start -->');
  const end = doc.indexOf('<!-- codes:end -->');
  assert.ok(start >= 0 && end > start, 'docs/errors.md lacks the <!-- codes:start --> … <!-- codes:end --> markers');
  return doc
    .slice(start, end)
    .split('\n')
    .filter((line) => line.startsWith('| `'))
    .map((line) => {
      const cells = line
        .slice(1, line.lastIndexOf('|'))
        .split(/(?<!\\)\|/)
        .map((cell) => cell.trim().replaceAll('\\|', '|'));
      const [code = '', kind = '', exit = '', http = '', meaning = ''] = cells;
      return { code: code.replaceAll('`', ''), kind, exit, http, meaning };
    });
}

describe('docs/errors.md', () => {
  const rows = parseCodeTable(readErrorsDoc());
  const documented = new Map(rows.map((row) => [row.code, row]));

  test('lists every code of the error catalog exactly once, and no other', () => {
    const catalogCodes = Object.keys(ERROR_CATALOG).sort();
    const missing = catalogCodes.filter((code) => !documented.has(code));
    const unknown = [...documented.keys()].filter((code) => !Object.hasOwn(ERROR_CATALOG, code));
    assert.deepEqual(missing, [], `codes missing from docs/errors.md; ${FIX}`);
    assert.deepEqual(unknown, [], `docs/errors.md lists codes the catalog does not have; ${FIX}`);
    assert.equal(rows.length, documented.size, 'docs/errors.md lists a code twice');
  });

  test('gives each code its kind, exit code, HTTP status and summary', () => {
    for (const [code, info] of Object.entries(ERROR_CATALOG)) {
      const row = documented.get(code);
      if (row === undefined) continue; // reported by the test above
      const outcome = KIND_OUTCOMES[info.kind];
      assert.deepEqual(
        { kind: row.kind, exit: row.exit, http: row.http, meaning: row.meaning },
        { kind: info.kind, exit: String(outcome.exit), http: String(outcome.http), meaning: info.summary },
        `docs/errors.md is out of date for ${code}; ${FIX}`,
      );
    }
  });
});

describe('error catalog', () => {
  test('uses UPPER_SNAKE codes, known kinds and summaries written as sentences', () => {
    for (const [code, info] of Object.entries(ERROR_CATALOG)) {
      assert.match(code, /^[A-Z][A-Z0-9]*(_[A-Z0-9]+)*$/, `${code} is not UPPER_SNAKE`);
      assert.match(info.summary, /^[A-Z].*\.$/, `${code}'s summary is not a sentence`);
      assert.ok(Object.hasOwn(KIND_OUTCOMES, info.kind), `${code} has unknown kind ${info.kind}`);
    }
  });
});
