import { useEffect, useRef } from 'preact/hooks';
import uPlot from 'uplot';

export type Band = { from: number; to: number };

/** Time ticks in the farm's time zone and the person's language: hours within a day, dates beyond. */
function tickFormat(incrementMs: number, lang: 'vi' | 'en', timeZone: string): Intl.DateTimeFormat {
  const opts: Intl.DateTimeFormatOptions = incrementMs >= 86_400_000 ? { day: '2-digit', month: '2-digit' } : { hour: '2-digit', minute: '2-digit', hourCycle: 'h23' };
  return new Intl.DateTimeFormat(lang === 'vi' ? 'vi-VN' : 'en-GB', { ...opts, timeZone });
}

/**
 * uPlot's padded range kept within what the metric can take: a valve that stayed closed is drawn
 * on 0–1, not on the 0–100 uPlot gives a flat line at zero.
 */
function within([min, max]: uPlot.Range.MinMax, bounds: { min: number; max: number } | undefined): uPlot.Range.MinMax {
  if (!bounds || min === null || max === null) return [min, max];
  const lo = Math.max(min, bounds.min);
  const hi = Math.min(max, bounds.max);
  return hi > lo ? [lo, hi] : [min, max];
}

/**
 * One metric over time with uPlot (small and fast: a year of hourly points draws in milliseconds),
 * optional rain bars on a second axis and shaded bands for irrigation runs.
 */
export function TimeChart(props: {
  range: string;
  points: [number, number][];
  label: string;
  unit: string;
  /** The values the metric can take (the catalogue's range): the axis stays within them. */
  bounds?: { min: number; max: number } | undefined;
  timeZone: string;
  lang: 'vi' | 'en';
  rain?: [number, number][] | undefined;
  rainLabel: string;
  runs?: Band[] | undefined;
}) {
  const box = useRef<HTMLDivElement>(null);
  useEffect(() => {
    const el = box.current!;
    const times = [...new Set([...props.points.map((p) => p[0]), ...(props.rain ?? []).map((p) => p[0])])].sort((a, b) => a - b);
    const at = (pts: [number, number][]) => {
      const m = new Map(pts);
      return times.map((t) => m.get(t) ?? null);
    };
    const data: uPlot.AlignedData = [times, at(props.points), ...(props.rain ? [at(props.rain)] : [])];
    const runs = props.runs ?? [];
    const opts: uPlot.Options = {
      width: el.clientWidth,
      height: Math.min(360, Math.max(220, Math.round(el.clientWidth * 0.55))),
      ms: 1,
      tzDate: (ts) => uPlot.tzDate(new Date(ts), props.timeZone),
      legend: { live: false },
      cursor: { drag: { x: true, y: false } },
      scales: { x: { time: true }, y: { range: (_u, min, max) => within(uPlot.rangeNum(min, max, 0.1, true), props.bounds) }, rain: { range: (_u, _min, max) => [0, Math.max(5, max * 3)] } },
      axes: [{ values: (_u, splits, _i, _space, incr) => splits.map((v) => tickFormat(incr, props.lang, props.timeZone).format(v)) }, { label: props.unit, size: 50 }, ...(props.rain ? [{ side: 1, scale: 'rain', label: 'mm', grid: { show: false }, size: 40 }] : [])],
      series: [
        {},
        { label: props.label, stroke: '#0b6e3a', width: 2, spanGaps: true, points: { show: props.points.length < 60 } },
        ...(props.rain ? [{ label: props.rainLabel, scale: 'rain', stroke: '#1f5fbf', fill: 'rgba(31,95,191,0.35)', paths: uPlot.paths.bars!({ size: [0.8, 12] }), points: { show: false } }] : []),
      ],
      hooks: {
        // The value axis as drawn, for the browser test.
        draw: [(u) => (el.dataset.y = `${u.scales.y!.min},${u.scales.y!.max}`)],
        // Irrigation runs as shaded bands under the line.
        drawClear: [
          (u) => {
            const { ctx, bbox } = u;
            ctx.save();
            ctx.fillStyle = 'rgba(0, 140, 255, 0.15)';
            for (const r of runs) {
              const x0 = Math.max(bbox.left, u.valToPos(r.from, 'x', true));
              const x1 = Math.min(bbox.left + bbox.width, u.valToPos(r.to, 'x', true));
              if (x1 > x0) ctx.fillRect(x0, bbox.top, Math.max(2, x1 - x0), bbox.height);
            }
            ctx.restore();
          },
        ],
      },
    };
    const plot = new uPlot(opts, data, el);
    const resize = new ResizeObserver(() => plot.setSize({ width: el.clientWidth, height: opts.height }));
    resize.observe(el);
    return () => {
      resize.disconnect();
      plot.destroy();
    };
  }, [props.points, props.rain, props.runs, props.timeZone, props.label, props.lang, props.bounds]);
  return <div ref={box} class="chart" data-testid="chart" data-range={props.range} data-points={props.points.length} />;
}
