import { z } from 'zod';

/** A metric name as it appears on every wire format. */
export const METRIC_NAME_PATTERN = /^[a-z][a-z0-9_]{0,63}$/;
export const MetricName = z.string().regex(METRIC_NAME_PATTERN, 'metric names are [a-z][a-z0-9_]{0,63}');

export type MetricSpec = {
  readonly unit: string;
  readonly min: number;
  readonly max: number;
  readonly description: string;
};

/**
 * Known metrics with their units and the range a working sensor can report. A value outside the
 * range is a broken sensor or a decoding fault, never a reading worth storing.
 */
export const METRICS = {
  soil_moisture: { unit: '%VWC', min: 0, max: 100, description: 'Volumetric soil water content' },
  soil_temperature: { unit: '°C', min: -20, max: 70, description: 'Soil temperature' },
  soil_ec: { unit: 'dS/m', min: 0, max: 30, description: 'Soil electrical conductivity' },
  air_temperature: { unit: '°C', min: -40, max: 70, description: 'Air temperature' },
  air_humidity: { unit: '%RH', min: 0, max: 100, description: 'Relative air humidity' },
  rainfall: { unit: 'mm', min: 0, max: 500, description: 'Rain since the previous report' },
  wind_speed: { unit: 'm/s', min: 0, max: 80, description: 'Wind speed' },
  solar_radiation: { unit: 'W/m²', min: 0, max: 1500, description: 'Global solar radiation' },
  water_flow: { unit: 'L/min', min: 0, max: 10_000, description: 'Water flow through a valve or pump' },
  valve_state: { unit: '', min: 0, max: 1, description: 'Valve closed (0) or open (1)' },
  battery_voltage: { unit: 'V', min: 0, max: 30, description: 'Node battery voltage' },
  rssi: { unit: 'dBm', min: -150, max: 0, description: 'Radio signal strength' },
} as const satisfies Record<string, MetricSpec>;

export type KnownMetric = keyof typeof METRICS;

// A Map answers the per-reading lookup of ingest several times faster than `Object.hasOwn` on the literal.
const SPECS: ReadonlyMap<string, MetricSpec> = new Map(Object.entries(METRICS));

export function metricSpec(metric: string): MetricSpec | undefined {
  return SPECS.get(metric);
}

/** The unit of a metric, or '' for custom metrics whose unit we cannot know. */
export function metricUnit(metric: string): string {
  return metricSpec(metric)?.unit ?? '';
}

/** Why a value is not acceptable for the metric, or undefined when it is. */
export function checkValue(metric: string, value: number): string | undefined {
  if (!Number.isFinite(value)) return `${metric} must be a finite number`;
  const spec = metricSpec(metric);
  if (spec && (value < spec.min || value > spec.max)) {
    return `${metric}=${value} is outside ${spec.min}..${spec.max} ${spec.unit}`.trimEnd();
  }
  return undefined;
}
