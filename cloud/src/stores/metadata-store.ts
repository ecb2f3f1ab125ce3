import type { GatewayHealth, User } from '@ruong/shared';

export type GatewayRecord = { id: string; name: string; farmId: string | undefined; createdAt: number; lastContact: number | null; health: GatewayHealth | null };
export type NodeRecord = { node: string; gateway: string; lastSeen: number };
export type StoredBatch = { batchId: string; accepted: number; lastSeen: ReadonlyMap<string, number>; health: GatewayHealth | undefined };

/** Registry, credentials and the ingest ledger: everything the cloud keeps that is not telemetry. */
export interface MetadataStore {
  createGateway(id: string, name: string, farmId: string | undefined, tokenHash: string, now: number): boolean;
  setGatewayToken(id: string, tokenHash: string): boolean;
  gatewayByTokenHash(tokenHash: string): string | undefined;
  listGateways(): GatewayRecord[];
  recordContact(gateway: string, now: number, health: GatewayHealth | undefined): void;

  hasAdminToken(): boolean;
  setAdminToken(tokenHash: string): void;
  /** The person the admin token stands for, when `tokenHash` is it. */
  adminByTokenHash(tokenHash: string): User | undefined;

  /** The number of readings a batch was acknowledged with, if it was seen before. */
  batchAccepted(gateway: string, batchId: string): number | undefined;
  /** A stored batch: onto the ledger, with its nodes' newest readings and the gateway's contact, in one transaction. */
  recordBatch(gateway: string, batch: StoredBatch, now: number): void;
  /** Forgets ledger entries older than `before`: a gateway retries within hours, not weeks. */
  pruneBatches(before: number): number;

  touchNodes(gateway: string, lastSeen: ReadonlyMap<string, number>): void;
  listNodes(): NodeRecord[];
  close(): void;
}
