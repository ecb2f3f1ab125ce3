import type { Logger } from 'pino';

/**
 * Runs a write of the valve state (a command's record, a deadline, an ack, a decision, the synced
 * rules); a card that cannot take it (full, failing) is logged with `msg` instead of stopping the gateway.
 */
export function writeOrLog(log: Logger, fields: Record<string, unknown>, msg: string, write: () => void): void {
  try {
    write();
  } catch (err) {
    log.error({ ...fields, err: (err as Error).message }, msg);
  }
}
