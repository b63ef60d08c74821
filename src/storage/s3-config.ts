import { AmberError } from '../core/errors.js';
import { isValidKey } from './object-store.js';

/** A secret that never prints: String(), JSON and util.inspect show `[redacted]`. */
export class SecretText {
  readonly #value: string;

  constructor(value: string) {
    this.#value = value;
  }

  /** The secret itself, for the one place that must hand it on (the SDK's credentials). */
  reveal(): string {
    return this.#value;
  }

  toString(): string {
    return '[redacted]';
  }

  toJSON(): string {
    return '[redacted]';
  }

  [Symbol.for('nodejs.util.inspect.custom')](): string {
    return '[redacted]';
  }
}

/** Where and how an S3Store reaches its bucket. Built by parseS3Config; the driver never reads process.env. */
export interface S3StoreConfig {
  /** `http(s)://host[:port]`, e.g. a Ceph RGW; AWS S3 uses its regional endpoint. */
  readonly endpoint: string;
  readonly region: string;
  readonly bucket: string;
  /** '' or slash-terminated key segments (`vaults/v1/`): every object key lives below it. */
  readonly prefix: string;
  readonly accessKeyId: string;
  readonly secretAccessKey: SecretText;
  /** Path-style URLs (`endpoint/bucket/key`): needed by Ceph RGW and MinIO without DNS buckets. */
  readonly forcePathStyle: boolean;
}

/** The raw settings, as strings from a config file or environment. */
export interface S3ConfigInput {
  readonly endpoint?: string | undefined;
  readonly region?: string | undefined;
  readonly bucket?: string | undefined;
  readonly prefix?: string | undefined;
  readonly accessKeyId?: string | undefined;
  readonly secretAccessKey?: string | undefined;
  readonly forcePathStyle?: string | boolean | undefined;
}

export const DEFAULT_S3_REGION = 'us-east-1';

/** The environment variables s3ConfigFromEnv reads, by setting. */
export const S3_ENV_VARIABLES = {
  endpoint: 'AMBER_S3_ENDPOINT',
  region: 'AMBER_S3_REGION',
  bucket: 'AMBER_S3_BUCKET',
  prefix: 'AMBER_S3_PREFIX',
  accessKeyId: 'AMBER_S3_ACCESS_KEY_ID',
  secretAccessKey: 'AMBER_S3_SECRET_ACCESS_KEY',
  forcePathStyle: 'AMBER_S3_FORCE_PATH_STYLE',
} as const satisfies Record<keyof S3ConfigInput, string>;

const BUCKET_PATTERN = /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;
const REGION_PATTERN = /^[a-z0-9-]+$/;

/**
 * Parses the S3 settings from a plain object of environment variables (the caller passes
 * `process.env` at the edge). `overrides` win over the variables (e.g. another bucket for a test).
 * Throws INVALID_ARGUMENT listing every problem at once.
 */
export function s3ConfigFromEnv(
  env: Readonly<Record<string, string | undefined>>,
  overrides: S3ConfigInput = {},
): S3StoreConfig {
  const fromEnv: Record<string, string | undefined> = {};
  for (const [setting, variable] of Object.entries(S3_ENV_VARIABLES)) fromEnv[setting] = env[variable];
  const defined = Object.fromEntries(Object.entries(overrides).filter(([, value]) => value !== undefined));
  return parseS3Config({ ...fromEnv, ...defined }, 'environment variable');
}

/** Parses, normalizes and validates S3 settings; throws INVALID_ARGUMENT naming every problem. */
export function parseS3Config(
  input: S3ConfigInput,
  source: 'setting' | 'environment variable' = 'setting',
): S3StoreConfig {
  const problems: string[] = [];
  const name = (setting: keyof S3ConfigInput): string => (source === 'setting' ? setting : S3_ENV_VARIABLES[setting]);
  const required = (setting: keyof S3ConfigInput): string => {
    const value = input[setting];
    const text = typeof value === 'string' ? value.trim() : '';
    if (text === '') problems.push(`${name(setting)} is not set`);
    return text;
  };
  const endpoint = required('endpoint').replace(/\/+$/, '');
  const bucket = required('bucket');
  const accessKeyId = required('accessKeyId');
  const secret = typeof input.secretAccessKey === 'string' ? input.secretAccessKey : '';
  if (secret === '') problems.push(`${name('secretAccessKey')} is not set`);
  const region =
    typeof input.region === 'string' && input.region.trim() !== '' ? input.region.trim() : DEFAULT_S3_REGION;
  if (endpoint !== '' && !isHttpUrl(endpoint)) {
    problems.push(`${name('endpoint')} must be an http:// or https:// URL, got ${JSON.stringify(endpoint)}`);
  }
  if (bucket !== '' && !BUCKET_PATTERN.test(bucket)) {
    problems.push(`${name('bucket')} ${JSON.stringify(bucket)} is not a valid bucket name (3-63 of [a-z0-9.-])`);
  }
  if (!REGION_PATTERN.test(region)) problems.push(`${name('region')} ${JSON.stringify(region)} is not a region name`);
  const prefix = normalizePrefix(input.prefix, problems, name('prefix'));
  const forcePathStyle = parseBoolean(input.forcePathStyle, true, problems, name('forcePathStyle'));
  if (problems.length > 0) {
    throw new AmberError('INVALID_ARGUMENT', `The S3 storage settings are not valid: ${problems.join('; ')}.`, {
      details: { problems },
    });
  }
  return {
    endpoint,
    region,
    bucket,
    prefix,
    accessKeyId,
    secretAccessKey: new SecretText(secret),
    forcePathStyle,
  };
}

function isHttpUrl(text: string): boolean {
  try {
    const url = new URL(text);
    return (url.protocol === 'http:' || url.protocol === 'https:') && url.search === '' && url.hash === '';
  } catch {
    return false;
  }
}

function normalizePrefix(raw: string | undefined, problems: string[], name: string): string {
  const trimmed = (raw ?? '').trim().replace(/^\/+/, '').replace(/\/+$/, '');
  if (trimmed === '') return '';
  if (!isValidKey(trimmed)) {
    problems.push(`${name} ${JSON.stringify(raw)} must be slash-separated [a-z0-9._-] segments`);
    return '';
  }
  return `${trimmed}/`;
}

function parseBoolean(raw: string | boolean | undefined, fallback: boolean, problems: string[], name: string): boolean {
  if (typeof raw === 'boolean') return raw;
  const text = (raw ?? '').trim().toLowerCase();
  if (text === '') return fallback;
  if (['true', '1', 'yes'].includes(text)) return true;
  if (['false', '0', 'no'].includes(text)) return false;
  problems.push(`${name} must be true or false, got ${JSON.stringify(raw)}`);
  return fallback;
}
