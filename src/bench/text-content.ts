import { MS_PER_DAY, toIso } from '../core/clock.js';
import type { Rng } from './prng.js';
import type { Vocabulary } from './vocabulary.js';

/**
 * Writes generated lines (ASCII, never empty) straight into a buffer of exactly `sizeBytes` bytes,
 * truncating the last one; no big string is ever built (that made the GC the bottleneck).
 */
function fillLines(sizeBytes: number, nextLine: () => string): Buffer {
  const out = Buffer.allocUnsafe(sizeBytes);
  let at = 0;
  while (at < sizeBytes) at += out.write(nextLine(), at, sizeBytes - at, 'latin1');
  return out;
}

function words(rng: Rng, vocab: Vocabulary, min: number, max: number): string {
  const count = rng.between(min, max);
  let text = vocab.word(rng);
  for (let i = 1; i < count; i++) text += ' ' + vocab.word(rng);
  return text;
}

/** Source-code-like text: imports, functions, nested blocks, comments, string literals. */
export function sourceText(rng: Rng, vocab: Vocabulary, sizeBytes: number): Buffer {
  const id = (): string => vocab.identifier(rng);
  let depth = 0;
  let first = true;
  return fillLines(sizeBytes, () => {
    if (first) {
      first = false;
      return `// ${id()} - ${words(rng, vocab, 4, 10)}\nimport { ${id()}, ${id()} } from './${id()}.js';\n\n`;
    }
    const pad = '  '.repeat(depth);
    const roll = rng.below(100);
    if (roll < 7 && depth < 5) {
      depth++;
      return `${pad}export async function ${id()}(${id()}: ${id()}, ${id()} = ${rng.below(512)}) {\n`;
    }
    if (roll < 15 && depth < 5) {
      depth++;
      return `${pad}if (${id()}.${id()} ${rng.pick(['>', '<', '===', '!=='])} ${rng.below(100)}) {\n`;
    }
    if (roll < 27 && depth > 0) {
      depth--;
      return `${'  '.repeat(depth)}}\n`;
    }
    if (roll < 38) return `${pad}// ${words(rng, vocab, 3, 12)}\n`;
    if (roll < 52) return `${pad}const ${id()} = await ${id()}.${id()}(${id()}, ${rng.below(10_000)});\n`;
    if (roll < 62) return `${pad}${id()}.${id()} = '${id()}-${rng.u32().toString(36)}';\n`;
    if (roll < 70) return `${pad}return ${id()}(${id()}.${id()} + ${rng.below(64)});\n`;
    if (roll < 76) return '\n';
    return `${pad}${id()} = ${id()} ${rng.pick(['+', '-', '??', '&&', '||', '*'])} ${id()}.${id()};\n`;
  });
}

const LEVELS = ['INFO', 'INFO', 'INFO', 'INFO', 'DEBUG', 'DEBUG', 'WARN', 'ERROR'];
const STATUSES = [200, 200, 200, 200, 201, 204, 301, 404, 409, 500];

/** ISO-8601 timestamps for increasing instants, formatting the date part once per day. */
function isoFormatter(): (atMs: number) => string {
  let dayStart = Number.NaN;
  let datePrefix = '';
  const pad = (n: number, width: number): string => String(n).padStart(width, '0');
  return (atMs) => {
    if (!(atMs >= dayStart && atMs < dayStart + MS_PER_DAY)) {
      dayStart = atMs - (((atMs % MS_PER_DAY) + MS_PER_DAY) % MS_PER_DAY);
      datePrefix = toIso(dayStart).slice(0, 11);
    }
    const ms = atMs - dayStart;
    return (
      `${datePrefix}${pad(Math.floor(ms / 3_600_000), 2)}:${pad(Math.floor(ms / 60_000) % 60, 2)}:` +
      `${pad(Math.floor(ms / 1000) % 60, 2)}.${pad(ms % 1000, 3)}Z`
    );
  };
}

/** Application-log text with increasing timestamps starting at `startAt` (epoch ms). */
export function logText(rng: Rng, vocab: Vocabulary, sizeBytes: number, startAt: number): Buffer {
  const iso = isoFormatter();
  let at = startAt;
  return fillLines(sizeBytes, () => {
    at += rng.below(1500);
    return (
      `${iso(at)} ${rng.pick(LEVELS)} [${vocab.identifier(rng)}#${rng.below(32)}] ${words(rng, vocab, 3, 10)} ` +
      `trace=${rng.u32().toString(16)} status=${rng.pick(STATUSES)} took=${rng.below(3000)}ms\n`
    );
  });
}

/** A JSON array of user-like records (one per line). */
export function jsonText(rng: Rng, vocab: Vocabulary, sizeBytes: number, baseAt: number): Buffer {
  let n = 0;
  return fillLines(sizeBytes, () => {
    const name = vocab.identifier(rng);
    const record =
      `{"id":${n++},"name":"${name} ${vocab.identifier(rng)}","mail":"${name.toLowerCase()}@example.org",` +
      `"roles":["${vocab.word(rng)}","${vocab.word(rng)}"],"balance":${(rng.float() * 5000).toFixed(2)},` +
      `"enabled":${rng.chance(0.8)},"ref":"${rng.u32().toString(16)}${rng.u32().toString(16)}",` +
      `"since":"${toIso(baseAt - rng.below(1000) * MS_PER_DAY)}"}`;
    return n === 1 ? `[\n${record}` : `,\n${record}`;
  });
}

const REGIONS = ['eu-central', 'eu-west', 'us-east', 'us-west', 'ap-south'];

/** CSV ledger rows with a header line. */
export function csvText(rng: Rng, vocab: Vocabulary, sizeBytes: number, baseAt: number): Buffer {
  let n = -1;
  return fillLines(sizeBytes, () => {
    n++;
    if (n === 0) return 'row,at,account,region,amount,currency,state,reference\n';
    return (
      `${n},${Math.floor(baseAt / 1000) - rng.below(8_000_000)},${vocab.identifier(rng)},${rng.pick(REGIONS)},` +
      `${(rng.float() * 20_000).toFixed(2)},${rng.pick(['EUR', 'USD', 'CHF'])},` +
      `${rng.pick(['booked', 'booked', 'booked', 'pending', 'void'])},${rng.u32().toString(36)}\n`
    );
  });
}
