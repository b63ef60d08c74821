import { Axis, BOTTOM, HEIGHT, LEFT, TOP, labelled, niceMax, type ChartProps } from './chart-axis.js';
import { useWidth } from './use-width.js';

/** A filled line (e.g. storage used over time, cumulative). */
export function AreaChart({ data, title, formatValue = String, testId }: ChartProps) {
  const [ref, width] = useWidth<HTMLElement>(640);
  const right = width - 12;
  const max = niceMax(Math.max(0, ...data.map((d) => d.value)));
  const step = (right - LEFT) / Math.max(data.length - 1, 1);
  const y = (v: number): number => BOTTOM - (v / max) * (BOTTOM - TOP);
  const line = data.map((d, i) => `${i === 0 ? 'M' : 'L'}${LEFT + i * step} ${y(d.value)}`).join(' ');
  const last = data.at(-1);
  return (
    <figure className="chart" data-testid={testId} ref={ref}>
      <svg
        viewBox={`0 0 ${width} ${HEIGHT}`}
        role="img"
        aria-label={`${title}: ${last === undefined ? 'no data' : `${formatValue(last.value)} on ${last.label}`}.`}
        className="chart-svg"
      >
        <Axis max={max} y={y} formatValue={formatValue} right={right} />
        {data.length === 0 ? null : (
          <>
            <path d={`${line} L${LEFT + (data.length - 1) * step} ${BOTTOM} L${LEFT} ${BOTTOM} Z`} className="area" />
            <path d={line} className="line" />
          </>
        )}
        {data.map((d, i) => (
          <g key={d.label}>
            <circle cx={LEFT + i * step} cy={y(d.value)} r={3} className="dot">
              <title>{`${d.label}: ${formatValue(d.value)}`}</title>
            </circle>
            {labelled(i, data.length, width) ? (
              <text
                x={LEFT + i * step}
                y={BOTTOM + 18}
                textAnchor={i === data.length - 1 ? 'end' : i === 0 ? 'start' : 'middle'}
                className="axis-label"
              >
                {d.label.slice(5)}
              </text>
            ) : null}
          </g>
        ))}
      </svg>
    </figure>
  );
}
