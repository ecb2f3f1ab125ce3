/**
 * Reference evapotranspiration by Hargreaves (FAO-56, eq. 52), from the day's minimum and maximum air
 * temperature and the extraterrestrial radiation of the field's latitude on that day (eq. 21).
 * Good to about ±15 % of Penman–Monteith where humidity and wind are unknown, which is our case.
 */
const SOLAR_CONSTANT = 0.082; // MJ m⁻² min⁻¹

/** Extraterrestrial radiation Ra in MJ m⁻² day⁻¹. */
export function extraterrestrialRadiation(latitudeDeg: number, dayOfYear: number): number {
  const phi = (latitudeDeg * Math.PI) / 180;
  const dr = 1 + 0.033 * Math.cos((2 * Math.PI * dayOfYear) / 365);
  const delta = 0.409 * Math.sin((2 * Math.PI * dayOfYear) / 365 - 1.39);
  const ws = Math.acos(Math.max(-1, Math.min(1, -Math.tan(phi) * Math.tan(delta))));
  return ((24 * 60) / Math.PI) * SOLAR_CONSTANT * dr * (ws * Math.sin(phi) * Math.sin(delta) + Math.cos(phi) * Math.cos(delta) * Math.sin(ws));
}

/** ET0 in mm/day. Ra is converted from MJ m⁻² day⁻¹ to mm/day of evaporation (× 0.408). */
export function hargreavesEt0(tMin: number, tMax: number, latitudeDeg: number, dayOfYear: number): number {
  const ra = extraterrestrialRadiation(latitudeDeg, dayOfYear) * 0.408;
  const tMean = (tMin + tMax) / 2;
  return Math.max(0, 0.0023 * ra * (tMean + 17.8) * Math.sqrt(Math.max(0, tMax - tMin)));
}

export function dayOfYear(epochMs: number): number {
  const d = new Date(epochMs);
  return Math.floor((epochMs - Date.UTC(d.getUTCFullYear(), 0, 1)) / 86_400_000) + 1;
}
