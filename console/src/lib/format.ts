import { MS_PER_DAY, MS_PER_HOUR } from './clock.js';

const UNITS = ['B', 'KiB', 'MiB', 'GiB', 'TiB', 'PiB'];

/** 1536 → "1.5 KiB". */
export function formatBytes(sizeBytes: number): string {
  let value = sizeBytes;
  let unit = 0;
  while (value >= 1024 && unit < UNITS.length - 1) {
    value /= 1024;
    unit += 1;
  }
  return `${unit === 0 ? value : value.toFixed(value < 10 ? 1 : 0)} ${UNITS[unit] ?? 'B'}`;
}

const pad = (n: number): string => String(n).padStart(2, '0');

/** Local date: "2026-11-27". */
export function formatDay(atMs: number): string {
  const d = new Date(atMs);
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;
}

/** Local date and time to the minute: "2026-11-27 14:03". */
export function formatDateTime(atMs: number | null | undefined): string {
  if (atMs === null || atMs === undefined) return '—';
  const d = new Date(atMs);
  return `${formatDay(atMs)} ${pad(d.getHours())}:${pad(d.getMinutes())}`;
}

/** The exact instant, for tooltips: ISO-8601 in UTC. */
export function formatIso(atMs: number): string {
  return new Date(atMs).toISOString();
}

/** A duration: "3 d 4 h", "2 h 5 min", "40 s". */
export function formatDuration(ms: number): string {
  const abs = Math.abs(ms);
  if (abs >= MS_PER_DAY) {
    const days = Math.floor(abs / MS_PER_DAY);
    const hours = Math.floor((abs % MS_PER_DAY) / MS_PER_HOUR);
    return hours === 0 ? `${days} d` : `${days} d ${hours} h`;
  }
  if (abs >= MS_PER_HOUR) {
    const hours = Math.floor(abs / MS_PER_HOUR);
    const minutes = Math.floor((abs % MS_PER_HOUR) / 60_000);
    return minutes === 0 ? `${hours} h` : `${hours} h ${minutes} min`;
  }
  if (abs >= 60_000) return `${Math.floor(abs / 60_000)} min`;
  return `${Math.round(abs / 1000)} s`;
}

/** "in 3 d" / "2 h ago", relative to `nowMs`. */
export function formatRelative(atMs: number, nowMs: number): string {
  const delta = atMs - nowMs;
  return delta >= 0 ? `in ${formatDuration(delta)}` : `${formatDuration(delta)} ago`;
}

/** The first characters of a long id, as the CLI prints them. */
export function shortId(id: string, length = 12): string {
  return id.length <= length ? id : id.slice(0, length);
}

/** Days as people say them: "30 days", "1 day", "—". */
export function formatDays(days: number | null | undefined): string {
  if (days === null || days === undefined) return '—';
  return `${days} day${days === 1 ? '' : 's'}`;
}
