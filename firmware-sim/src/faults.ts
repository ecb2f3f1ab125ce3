import { z } from 'zod';

/** Faults a simulated device can show, each as a chance per report. */
export const FaultRates = z
  .strictObject({
    garbage: z.number().min(0).max(1).default(0),
    badChecksum: z.number().min(0).max(1).default(0),
    overlong: z.number().min(0).max(1).default(0),
    outOfRange: z.number().min(0).max(1).default(0),
    repeatSeq: z.number().min(0).max(1).default(0),
    drop: z.number().min(0).max(1).default(0),
    disconnect: z.number().min(0).max(1).default(0),
  })
  .prefault({});
export type FaultRates = z.infer<typeof FaultRates>;
export type FaultKind = keyof FaultRates;


/** The fault this report shows, if the dice say so. */
export function rollFault(rates: FaultRates | undefined, chance: (p: number) => boolean): FaultKind | undefined {
  if (!rates) return undefined;
  for (const kind of Object.keys(rates) as FaultKind[]) if (rates[kind] > 0 && chance(rates[kind])) return kind;
  return undefined;
}
