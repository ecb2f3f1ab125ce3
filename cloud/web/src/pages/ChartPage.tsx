import { metricName, metricSpec, metricUnit, zoneNodes, type Farm, type NodeSummary, type Series, type Zone } from '@ruong/shared';
import { useEffect, useState } from 'preact/hooks';
import { api } from '../api.ts';
import { failureText } from '../failure.ts';
import { loadCommands, loadNodes, loadSeries, loadZones, runsOf, type Gateway } from '../farm-data.ts';
import { useI18n } from '../i18n.ts';
import { TimeChart, type Band } from '../components/TimeChart.tsx';
import { href } from '../route.ts';

const HOUR = 3_600_000;
/** Each range with a bucket width that keeps a few hundred points at most: fast on a phone over 3G. */
export const RANGES = [
  { id: '6h', ms: 6 * HOUR, every: '5m' },
  { id: '24h', ms: 24 * HOUR, every: '10m' },
  { id: '7d', ms: 7 * 24 * HOUR, every: '1h' },
  { id: '30d', ms: 30 * 24 * HOUR, every: '3h' },
  { id: '1y', ms: 365 * 24 * HOUR, every: '1d' },
] as const;

type Loaded = { key: string; series: Series | undefined; rain: [number, number][] | undefined; runs: Band[] };

export function ChartPage(props: { farm: Farm; params: URLSearchParams }) {
  const { t, lang } = useI18n();
  const [nodes, setNodes] = useState<NodeSummary[]>([]);
  const [zones, setZones] = useState<Zone[]>();
  const [loaded, setLoaded] = useState<Loaded>();
  const [error, setError] = useState<unknown>();
  const rangeId = props.params.get('range') ?? '24h';
  const range = RANGES.find((r) => r.id === rangeId) ?? RANGES[1];

  const [gateways, setGateways] = useState<Gateway[]>([]);
  useEffect(() => {
    Promise.all([loadNodes(), loadZones(props.farm.id), api<{ gateways: Gateway[] }>('/api/v1/gateways')]).then(
      ([n, z, g]) => (setNodes(n), setZones(z), setGateways(g.gateways)),
      setError,
    );
  }, [props.farm.id]);
  // Any node of the farm: named by its zones, or reporting through its gateway.
  const named = new Set((zones ?? []).flatMap(zoneNodes));
  const farmGateways = new Set(gateways.filter((g) => g.farmId === props.farm.id).map((g) => g.id));
  const farmNodes = nodes.filter((n) => named.has(n.node) || farmGateways.has(n.gateway));
  const node = props.params.get('node') ?? farmNodes[0]?.node;
  const metrics = Object.keys(farmNodes.find((n) => n.node === node)?.latest ?? {}).sort();
  const metric = props.params.get('metric') ?? (metrics.includes('soil_moisture') ? 'soil_moisture' : metrics[0]);
  const zone = zones?.find((z) => node !== undefined && (z.sensors.includes(node) || z.weather.includes(node)));

  // What is on screen belongs to one choice of node, metric and range; another choice shows "loading" until its data is in.
  const key = `${node}/${metric}/${range.id}`;
  useEffect(() => {
    if (!node || !metric || !zones) return;
    const from = Date.now() - range.ms;
    // On the moisture chart, rain from the zone's weather nodes and the valve's runs are marked too.
    const marks = metric === 'soil_moisture' && zone;
    Promise.all([
      loadSeries({ node: [node], metric, from, every: range.every, agg: 'mean' }),
      marks ? loadSeries({ node: zone.weather, metric: 'rainfall', from, every: range.every, agg: 'sum' }) : Promise.resolve([]),
      marks && zone.valve ? loadCommands(zone.valve, 1000) : Promise.resolve([]),
    ]).then(
      ([series, rain, commands]) => {
        setError(undefined);
        setLoaded({
          key,
          series: series[0],
          rain: marks ? (rain[0]?.points ?? []) : undefined,
          runs: runsOf(commands).map((r) => ({ from: r.at, to: r.at + (r.durationSec ?? 60) * 1000 })).filter((r) => r.to >= from),
        });
      },
      setError,
    );
  }, [node, metric, range.id, zones]);

  const go = (p: Record<string, string | undefined>) => (location.hash = href('/chart', { node, metric, range: range.id, ...p }));
  return (
    <section class="card">
      <h1>{t('charts')}</h1>
      <div class="controls">
        <label>
          {t('node')}
          <select value={node} onChange={(e) => go({ node: e.currentTarget.value, metric: undefined })} data-testid="chart-node">
            {farmNodes.map((n) => (
              <option value={n.node}>{n.node}</option>
            ))}
          </select>
        </label>
        <label>
          {t('metric')}
          <select value={metric} onChange={(e) => go({ metric: e.currentTarget.value })} data-testid="chart-metric">
            {metrics
              .map((m) => [m, metricName(m, lang)] as const)
              .sort((a, b) => a[1].localeCompare(b[1], lang))
              .map(([m, label]) => (
                <option value={m}>{label}</option>
              ))}
          </select>
        </label>
        <div class="ranges" role="group" aria-label={t('range')}>
          {RANGES.map((r) => (
            <button type="button" class={r.id === range.id ? 'active' : ''} onClick={() => go({ range: r.id })} data-testid={`range-${r.id}`}>
              {r.id}
            </button>
          ))}
        </div>
      </div>
      {error !== undefined && <p class="error">{failureText(error, t)}</p>}
      {loaded?.key !== key ? (
        <p class="muted">{t('loading')}</p>
      ) : !loaded.series || loaded.series.points.length === 0 ? (
        <p class="muted">{t('noData')}</p>
      ) : (
        <>
          <TimeChart range={range.id} points={loaded.series.points} label={`${node} · ${metricName(metric!, lang)}`} unit={metricUnit(metric!)} bounds={metricSpec(metric!)} timeZone={props.farm.timeZone} lang={lang} rain={loaded.rain} rainLabel={t('rain')} runs={loaded.runs} />
          <p class="muted legend">
            {t('points', { n: loaded.series.points.length })}
            {loaded.runs.length > 0 && ` · ▮ ${loaded.runs.length} ${t('irrigationRuns')}`}
          </p>
        </>
      )}
    </section>
  );
}
