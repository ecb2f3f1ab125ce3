import { z } from 'zod';

/**
 * Why a rule decided what it did, as phrases with their numbers rather than one English sentence, so
 * each person reads it in their own language. Each phrase carries its joiner (", but …", "; …").
 */
export const WhyCode = z.enum([
  'no_valve', 'rule_off', 'sensors_silent', 'sensors_never', 'no_need_moisture', 'no_need_deficit',
  'moisture_below', 'deficit_reached', 'but_outside_hours', 'but_rain', 'but_cooling', 'but_budget_min', 'but_budget_litres',
  'rain_in', 'no_rain', 'budget_left', 'open',
  'ran_max', 'budget_used_up', 'moisture_reached', 'ran_planned', 'deficit_refilled', 'close',
  'running', 'moisture', 'no_fresh_moisture',
]);
export type WhyCode = z.infer<typeof WhyCode>;

export const Why = z.object({ code: WhyCode, n: z.record(z.string(), z.union([z.number(), z.string()])).default({}) });
export type Why = z.infer<typeof Why>;

type Params = Record<string, number | string>;
type Templates = Record<WhyCode, (n: Params) => string>;

const EN: Templates = {
  no_valve: (n) => `zone ${n.zone} has no valve`,
  rule_off: () => 'rule is off',
  sensors_silent: (n) => `sensors silent for ${n.min} min (0 of ${n.count} fresh within ${n.stale} min): not watering on old data`,
  sensors_never: (n) => `sensors never reported (0 of ${n.count} fresh within ${n.stale} min): not watering on old data`,
  no_need_moisture: (n) => `moisture ${n.m}% ≥ ${n.start}%: no need`,
  no_need_deficit: (n) => `deficit ${n.d} mm: no need`,
  moisture_below: (n) => `moisture ${n.m}% < ${n.start}% over ${n.window} min`,
  deficit_reached: (n) => `soil water deficit ${n.d} mm ≥ ${n.allowed} mm`,
  but_outside_hours: () => ', but outside the allowed hours',
  but_rain: (n) => `, but ${n.mm} mm rain in ${n.h} h`,
  but_cooling: (n) => `, but cooling down (${n.left} min left)`,
  but_budget_min: (n) => `, but the daily budget of ${n.budget} min is used`,
  but_budget_litres: (n) => `, but the daily budget of ${n.litres} L is used`,
  rain_in: (n) => `; ${n.mm} mm rain in ${n.h} h`,
  no_rain: (n) => `; no rain in ${n.h} h`,
  budget_left: (n) => `; budget ${n.left}/${n.budget} min left`,
  open: (n) => ` → open ${n.min} min`,
  ran_max: (n) => `ran ${n.run} min, the most a run may last (${n.max} min)`,
  budget_used_up: (n) => `daily budget of ${n.budget} min used up`,
  moisture_reached: (n) => `moisture ${n.m}% ≥ ${n.stop}%`,
  ran_planned: (n) => `ran the planned ${n.run} min`,
  deficit_refilled: () => 'soil water deficit refilled',
  close: () => ' → close',
  running: (n) => `running ${n.run} min; `,
  moisture: (n) => `moisture ${n.m}%`,
  no_fresh_moisture: () => 'no fresh moisture',
};

const VI: Templates = {
  no_valve: (n) => `khu ${n.zone} không có van`,
  rule_off: () => 'quy tắc đang tắt',
  sensors_silent: (n) => `cảm biến im lặng ${n.min} phút (0 trên ${n.count} có số đo trong ${n.stale} phút): không tưới theo số liệu cũ`,
  sensors_never: (n) => `cảm biến chưa gửi số đo (0 trên ${n.count} có số đo trong ${n.stale} phút): không tưới theo số liệu cũ`,
  no_need_moisture: (n) => `độ ẩm ${n.m}% ≥ ${n.start}%: chưa cần tưới`,
  no_need_deficit: (n) => `thiếu nước ${n.d} mm: chưa cần tưới`,
  moisture_below: (n) => `độ ẩm ${n.m}% < ${n.start}% trong ${n.window} phút`,
  deficit_reached: (n) => `đất thiếu nước ${n.d} mm ≥ ${n.allowed} mm`,
  but_outside_hours: () => ', nhưng ngoài khung giờ được tưới',
  but_rain: (n) => `, nhưng đã mưa ${n.mm} mm trong ${n.h} giờ`,
  but_cooling: (n) => `, nhưng đang nghỉ giữa hai lần tưới (còn ${n.left} phút)`,
  but_budget_min: (n) => `, nhưng đã tưới hết ${n.budget} phút cho phép trong ngày`,
  but_budget_litres: (n) => `, nhưng đã dùng hết ${n.litres} lít cho phép trong ngày`,
  rain_in: (n) => `; mưa ${n.mm} mm trong ${n.h} giờ`,
  no_rain: (n) => `; không mưa trong ${n.h} giờ`,
  budget_left: (n) => `; còn ${n.left}/${n.budget} phút trong ngày`,
  open: (n) => ` → mở van ${n.min} phút`,
  ran_max: (n) => `đã tưới ${n.run} phút, tối đa mỗi lần (${n.max} phút)`,
  budget_used_up: (n) => `đã hết ${n.budget} phút cho phép trong ngày`,
  moisture_reached: (n) => `độ ẩm ${n.m}% ≥ ${n.stop}%`,
  ran_planned: (n) => `đã tưới đủ ${n.run} phút dự định`,
  deficit_refilled: () => 'đất đã đủ nước',
  close: () => ' → đóng van',
  running: (n) => `đang tưới ${n.run} phút; `,
  moisture: (n) => `độ ẩm ${n.m}%`,
  no_fresh_moisture: () => 'không có số đo độ ẩm mới',
};

/** The phrases as one line in `lang`; in English this is the decision's `reason`. */
export function whyText(why: readonly Why[], lang: 'en' | 'vi' = 'en'): string {
  const templates = lang === 'vi' ? VI : EN;
  return why.map((w) => templates[w.code](w.n)).join('');
}

/** A phrase, for the engine. */
export const why = (code: WhyCode, n: Params = {}): Why => ({ code, n });
