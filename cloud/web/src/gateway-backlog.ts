import type { GatewayHealth } from '@ruong/shared';

/** What the overview knows of a gateway's outbox: when it last spoke, and the health it sent then. */
export type GatewaySeen = { lastContact: number | null; health: Pick<GatewayHealth, 'queueDepth' | 'oldestUnsentTs' | 'outboxFailing'> | null };

/** How much older than the gateway's last contact its oldest unsent reading may be before the overview calls it a backlog. */
export const BACKLOG_MS = 2 * 60_000;

/**
 * The readings a gateway held unsent when it last spoke, once the oldest of them was taken over
 * BACKLOG_MS before: uploads are falling behind (a bad link, or the cloud's store of readings down),
 * and nothing of it is lost. Between uploads a gateway always holds a few seconds of readings. The age
 * is the reading's own time, so readings a node sends late show here too until they are uploaded.
 */
export function backlogOf(g: GatewaySeen): { readings: number; since: number } | undefined {
  const oldest = g.health?.oldestUnsentTs;
  if (!g.health || oldest === null || oldest === undefined || g.lastContact === null || g.lastContact - oldest <= BACKLOG_MS) return undefined;
  return { readings: g.health.queueDepth, since: oldest };
}
