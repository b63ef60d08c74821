/**
 * Strict readers for the JSON parts of the format. Each takes `fail`, which throws the error the
 * caller wants (CORRUPT_OBJECT naming the object when decoding, INVALID_ARGUMENT when encoding).
 */
export type Fail = (why: string) => never;
export type JsonRecord = Readonly<Record<string, unknown>>;

const HEX64 = /^[0-9a-f]{64}$/;
const utf8Decoder = new TextDecoder('utf-8', { fatal: true });

export function parseJson(bytes: Uint8Array, fail: Fail): unknown {
  try {
    return JSON.parse(utf8Decoder.decode(bytes)) as unknown;
  } catch {
    return fail('its JSON is malformed');
  }
}

export function asRecord(value: unknown, what: string, fail: Fail): JsonRecord {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return fail(`${what} is not an object`);
  return value as JsonRecord;
}

/** Rejects keys outside `allowed`: version 1 objects carry exactly the documented fields. */
export function onlyKeys(record: JsonRecord, allowed: readonly string[], what: string, fail: Fail): void {
  for (const key of Object.keys(record)) {
    if (!allowed.includes(key)) fail(`${what} has an unknown field "${key}"`);
  }
}

export function readString(record: JsonRecord, key: string, fail: Fail): string {
  const value = record[key];
  if (typeof value !== 'string') return fail(`field "${key}" is not a string`);
  return value;
}

export function readOptionalString(record: JsonRecord, key: string, fail: Fail): string | undefined {
  return record[key] === undefined ? undefined : readString(record, key, fail);
}

export function readInteger(
  record: JsonRecord,
  key: string,
  fail: Fail,
  min = 0,
  max = Number.MAX_SAFE_INTEGER,
): number {
  const value = record[key];
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < min || value > max) {
    return fail(`field "${key}" is not an integer from ${min} to ${max}`);
  }
  return value;
}

export function readStringArray(record: JsonRecord, key: string, fail: Fail): string[] {
  const value = record[key];
  const items: unknown[] = Array.isArray(value) ? value : [0];
  if (!items.every((item): item is string => typeof item === 'string')) {
    return fail(`field "${key}" is not a list of strings`);
  }
  return items;
}

export function isHex64(value: unknown): value is string {
  return typeof value === 'string' && HEX64.test(value);
}

export function readHex64(record: JsonRecord, key: string, fail: Fail): string {
  const value = record[key];
  if (!isHex64(value)) return fail(`field "${key}" is not 64 lowercase hex characters`);
  return value;
}

export function readHex64Array(record: JsonRecord, key: string, fail: Fail): string[] {
  const value = record[key];
  const items: unknown[] = Array.isArray(value) ? value : [0];
  if (!items.every(isHex64)) return fail(`field "${key}" is not a list of 64-hex ids`);
  return items;
}
