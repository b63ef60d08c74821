import { Axis, BOTTOM, HEIGHT, LEFT, TOP, labelled, niceMax, type ChartProps } from './chart-axis.js';
import { useWidth } from './use-width.js';

/** Vertical bars, one per datum (e.g. backups per day). */
export function BarChart({ data, title, formatValue = String, testId }: ChartProps) {
  const [ref, width] = useWidth<HTMLElement>(640);
  const right = width - 12;
  const max = niceMax(Math.max(0, ...data.map((d) => d.value)));
  const slot = (right - LEFT) / Math.max(data.length, 1);
  const y = (v: number): number => BOTTOM - (v / max) * (BOTTOM - TOP);
  const total = data.reduce((sum, d) => sum + d.value, 0);
  return (
    <figure className="chart" data-testid={testId} ref={ref}>
      <svg
        viewBox={`0 0 ${width} ${HEIGHT}`}
        role="img"
        aria-label={`${title}: ${formatValue(total)} in ${data.length} days.`}
        className="chart-svg"
      >
        <Axis max={max} y={y} formatValue={formatValue} right={right} />
        {data.map((d, i) => (
          <g key={d.label}>
            <rect
              x={LEFT + i * slot + slot * 0.15}
              y={y(d.value)}
              width={slot * 0.7}
              height={BOTTOM - y(d.value)}
              className="bar"
            >
              <title>{`${d.label}: ${formatValue(d.value)}`}</title>
            </rect>
            {labelled(i, data.length, width) ? (
              <text x={LEFT + i * slot + slot / 2} y={BOTTOM + 18} textAnchor="middle" className="axis-label">
                {d.label.slice(5)}
              </text>
            ) : null}
          </g>
        ))}
      </svg>
    </figure>
  );
}
