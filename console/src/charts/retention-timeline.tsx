import type { Point } from '../api/types.js';
import { formatDateTime, formatDay, formatIso, shortId } from '../lib/format.js';
import { timeScale } from './time-axis.js';
import { useWidth } from './use-width.js';

export interface RetentionTimelineProps {
  readonly points: readonly Point[];
  readonly nowMs: number;
  /** At most this many points (the newest) are drawn. */
  readonly maxRows?: number;
}

const TOP = 24;
const ROW = 18;

/**
 * When each recovery point's retention (and so its storage lock) ends, on a time axis: one bar per
 * point from its creation to its retainUntil, a line at "now", legal holds marked with a flag (a hold
 * keeps the point past its bar's end). Darker bars are compliance-locked.
 */
export function RetentionTimeline({ points, nowMs, maxRows = 40 }: RetentionTimelineProps) {
  const [ref, width] = useWidth<HTMLElement>(800);
  const narrow = width < 520;
  const left = narrow ? 70 : 110;
  const right = width - 16;
  const shown = [...points].sort((a, b) => b.createdAt - a.createdAt).slice(0, maxRows);
  if (shown.length === 0) return <p className="muted">No recovery points to draw.</p>;
  const from = Math.min(...shown.map((p) => p.createdAt), nowMs);
  const to = Math.max(...shown.map((p) => p.retainUntil), nowMs);
  const pad = Math.max((to - from) * 0.04, 3_600_000);
  const scale = timeScale(from - pad, to + pad, left, right);
  const height = TOP + shown.length * ROW + 28;
  const held = shown.filter((p) => p.legalHold).length;
  const lastEnd = Math.max(...shown.map((p) => p.retainUntil));
  const summary =
    `Retention timeline of ${shown.length} recovery point${shown.length === 1 ? '' : 's'}: ` +
    `the last retention ends ${formatDateTime(lastEnd)}` +
    (held === 0 ? '.' : `; ${held} under legal hold, kept until the hold is released.`);

  return (
    <figure className="chart" data-testid="retention-timeline" ref={ref}>
      <svg viewBox={`0 0 ${width} ${height}`} role="img" aria-label={summary} className="chart-svg">
        {scale.ticks(Math.max(2, Math.floor((right - left) / 110))).map((tick) => (
          <g key={tick} className="tick">
            <line x1={scale.x(tick)} x2={scale.x(tick)} y1={TOP - 6} y2={height - 24} />
            <text x={scale.x(tick)} y={height - 8} textAnchor={scale.x(tick) > right - 45 ? 'end' : 'middle'}>
              {narrow ? formatDay(tick).slice(5) : formatDay(tick)}
            </text>
          </g>
        ))}
        {shown.map((point, row) => {
          const y = TOP + row * ROW;
          const x1 = scale.x(point.createdAt);
          const x2 = Math.max(scale.x(point.retainUntil), x1 + 2);
          return (
            <g key={point.id} className={`timeline-row lock-${point.lockMode}${point.legalHold ? ' held' : ''}`}>
              <title>
                {`${shortId(point.id)} (${point.item}): created ${formatIso(point.createdAt)}, retained until ${formatIso(point.retainUntil)}, lock ${point.lockMode}${point.legalHold ? ', legal hold' : ''}`}
              </title>
              <text x={left - 8} y={y + 13} textAnchor="end" className="row-label">
                {shortId(point.id, narrow ? 6 : 8)}
              </text>
              <rect x={x1} y={y + 2} width={x2 - x1} height={ROW - 5} rx={2} className="bar" />
              {point.legalHold ? (
                <g className="hold-flag">
                  <line x1={x2 + 4} x2={x2 + 4} y1={y} y2={y + ROW - 2} />
                  <path d={`M${x2 + 4} ${y} l9 3.5 l-9 3.5 z`} />
                </g>
              ) : null}
            </g>
          );
        })}
        <g className="now-line">
          <line x1={scale.x(nowMs)} x2={scale.x(nowMs)} y1={TOP - 12} y2={height - 24} />
          <text x={scale.x(nowMs)} y={TOP - 14} textAnchor="middle">
            now
          </text>
        </g>
      </svg>
      <figcaption className="legend">
        <span className="legend-item">
          <span className="swatch lock-compliance" aria-hidden="true" /> compliance lock
        </span>
        <span className="legend-item">
          <span className="swatch lock-governance" aria-hidden="true" /> governance lock
        </span>
        <span className="legend-item">
          <span className="swatch lock-none" aria-hidden="true" /> no lock
        </span>
        <span className="legend-item">
          <span className="swatch swatch-hold" aria-hidden="true" /> legal hold
        </span>
        {points.length > shown.length ? (
          <span className="muted">
            The newest {shown.length} of {points.length} points.
          </span>
        ) : null}
      </figcaption>
    </figure>
  );
}
