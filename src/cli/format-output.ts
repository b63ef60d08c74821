import { toIso } from '../core/clock.js';

/** Human-readable byte count: 1.5 GiB, 12.0 KiB, 512 B. */
export function formatBytes(bytes: number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB', 'PiB'];
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return unit === 0 ? `${value} B` : `${value.toFixed(value < 10 ? 2 : 1)} ${units[unit]}`;
}

export function formatDuration(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)} ms`;
  const s = ms / 1000;
  if (s < 60) return `${s.toFixed(1)} s`;
  const m = Math.floor(s / 60);
  return `${m}m${String(Math.round(s % 60)).padStart(2, '0')}s`;
}

/** An instant as 'YYYY-MM-DD HH:MM:SS' UTC, the way tables show it. */
export function formatInstant(epochMs: number): string {
  return toIso(epochMs).replace('T', ' ').slice(0, 19);
}

/** A plain aligned table; the last column is not padded. */
export function formatTable(headers: readonly string[], rows: readonly (readonly string[])[]): string {
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: readonly string[]): string =>
    cells
      .map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i] ?? 0)))
      .join('  ')
      .trimEnd();
  const rule = widths.map((w) => '-'.repeat(w)).join('  ');
  return [line(headers), rule, ...rows.map(line)].join('\n');
}

export function printJson(value: unknown): void {
  process.stdout.write(JSON.stringify(value, null, 2) + '\n');
}

/** An instant given as ISO text (as the server's identity answers carry them) the way tables show it; '-' when none. */
export function formatIsoCell(text: string | null | undefined): string {
  if (text === null || text === undefined || text === '') return '-';
  return text.replace('T', ' ').slice(0, 19);
}

/** An optional epoch-millisecond instant the way tables show it; '-' when none. */
export function formatInstantCell(epochMs: number | null | undefined): string {
  return epochMs === null || epochMs === undefined ? '-' : formatInstant(epochMs);
}

/** A span of hours or days (clock jumps, request lifetimes): `26.5 h`, `3 d`; shorter ones as formatDuration. */
export function formatSpan(ms: number): string {
  const hours = Math.abs(ms) / 3_600_000;
  if (hours >= 48 && hours % 24 === 0) return `${hours / 24} d`;
  if (hours >= 1) return `${Number.isInteger(hours) ? hours : hours.toFixed(1)} h`;
  return formatDuration(Math.abs(ms));
}
