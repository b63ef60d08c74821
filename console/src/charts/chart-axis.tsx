/** What the value charts share: their data, geometry, y axis and x labels. */

export interface Datum {
  readonly label: string;
  readonly value: number;
}

export interface ChartProps {
  readonly data: readonly Datum[];
  /** What the chart shows, for people who cannot see it. */
  readonly title: string;
  readonly formatValue?: (value: number) => string;
  readonly testId?: string;
}

export const HEIGHT = 220;
export const LEFT = 64;
export const TOP = 16;
export const BOTTOM = 190;

/** The largest value rounded up to a readable axis end (1, 2 or 5 × 10ⁿ). */
export function niceMax(value: number): number {
  if (value <= 0) return 1;
  const power = 10 ** Math.floor(Math.log10(value));
  const step = [1, 2, 5, 10].find((m) => m * power >= value) ?? 10;
  return step * power;
}

/** Whether datum `i` of `count` gets a label under the x axis: about six of them, always the last. */
export function labelled(i: number, count: number, widthPx: number): boolean {
  const every = Math.max(1, Math.ceil(count / Math.max(2, Math.floor((widthPx - LEFT) / 70))));
  if (i === count - 1) return true;
  return i % every === 0 && count - 1 - i >= every;
}

export interface AxisProps {
  readonly max: number;
  readonly y: (v: number) => number;
  readonly formatValue: (v: number) => string;
  readonly right: number;
}

/** The y axis: three grid lines (0, half, max) with their values. */
export function Axis({ max, y, formatValue, right }: AxisProps) {
  const ticks = [0, max / 2, max];
  return (
    <g className="axis">
      {ticks.map((t) => (
        <g key={t} className="tick">
          <line x1={LEFT} x2={right} y1={y(t)} y2={y(t)} />
          <text x={LEFT - 6} y={y(t) + 4} textAnchor="end" className="axis-label">
            {formatValue(t)}
          </text>
        </g>
      ))}
    </g>
  );
}
