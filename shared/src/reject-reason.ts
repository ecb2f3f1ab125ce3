import { z } from 'zod';

/** Why the gateway refused a piece of input. Counted per reason and reported in gateway health. */
export const RejectReason = z.enum([
  'too_long',
  'bad_framing',
  'bad_checksum',
  'bad_node',
  'bad_seq',
  'bad_metric',
  'bad_value',
  'bad_timestamp',
  'out_of_range',
  'no_readings',
  'bad_json',
  'bad_payload',
  'duplicate',
  'unknown_node',
]);
export type RejectReason = z.infer<typeof RejectReason>;

export type Rejection = { reason: RejectReason; detail: string };
