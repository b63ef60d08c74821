import { createRng, type Rng } from './prng.js';

/** Made-up identifiers and plain words, drawn with a Zipf-like skew so text compresses like real code. */
export interface Vocabulary {
  /** An identifier: frequent ones often, rare ones seldom (probability ∝ 1 / rank). */
  identifier(rng: Rng): string;
  /** A common English word of technical prose. */
  word(rng: Rng): string;
}

const SYLLABLES = [
  'al',
  'bor',
  'cra',
  'den',
  'el',
  'fin',
  'gar',
  'hul',
  'ix',
  'jor',
  'kel',
  'lum',
  'mar',
  'nov',
  'op',
  'pra',
  'quo',
  'ros',
  'sil',
  'tam',
  'ur',
  'ven',
  'wid',
  'yel',
  'zan',
  'ber',
  'cho',
  'dra',
  'est',
  'fal',
  'gri',
  'hex',
];

const WORDS = (
  'a an the of to in on at by for with from into over under and or not but if then else when while as is are ' +
  'was be been has have will can must should may this that these those it its we they you all any each some ' +
  'file path node tree blob pack index lock key value cache buffer stream chunk block page record field entry ' +
  'table query request response client server worker queue task job event state error retry timeout limit ' +
  'size count offset length start end open close read write flush sync create update delete list find check'
).split(' ');

const IDENTIFIER_COUNT = 2400;

/** Builds the vocabulary of one seed (deterministic). */
export function createVocabulary(seed: string | number): Vocabulary {
  const rng = createRng(seed, 'vocabulary');
  const identifiers: string[] = [];
  for (let i = 0; i < IDENTIFIER_COUNT; i++) identifiers.push(makeIdentifier(rng));
  const ranks = zipfTable(IDENTIFIER_COUNT);
  return {
    identifier: (r) => identifiers[ranks[r.u32() & ZIPF_MASK] as number] as string,
    word: (r) => r.pick(WORDS),
  };
}

const ZIPF_SLOTS = 8192;
const ZIPF_MASK = ZIPF_SLOTS - 1;

/** A lookup table where rank i fills a share of the slots proportional to 1 / (i + 1). */
function zipfTable(count: number): Uint16Array {
  const table = new Uint16Array(ZIPF_SLOTS);
  let harmonic = 0;
  for (let i = 1; i <= count; i++) harmonic += 1 / i;
  let cumulative = 0;
  let slot = 0;
  for (let rank = 0; rank < count && slot < ZIPF_SLOTS; rank++) {
    cumulative += 1 / (rank + 1) / harmonic;
    const end = Math.min(ZIPF_SLOTS, Math.round(cumulative * ZIPF_SLOTS));
    table.fill(rank, slot, Math.max(end, slot));
    slot = Math.max(end, slot);
  }
  table.fill(count - 1, slot);
  return table;
}

function makeIdentifier(rng: Rng): string {
  const parts = rng.between(1, 3);
  let text = '';
  for (let p = 0; p < parts; p++) {
    let part = rng.pick(SYLLABLES) + (rng.chance(0.6) ? rng.pick(SYLLABLES) : '');
    if (p > 0) part = part.charAt(0).toUpperCase() + part.slice(1);
    text += part;
  }
  return text;
}
