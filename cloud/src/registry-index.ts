import { zoneNodes, type Farm, type Field, type Zone } from '@ruong/shared';
import type { SqliteIrrigationStore } from './stores/sqlite-irrigation-store.ts';
import type { GatewayRecord, MetadataStore } from './stores/metadata-store.ts';

/**
 * The registry read once, to answer which farm a field, zone, node or gateway belongs to. Nodes
 * belong to the farm their gateway was registered for, or else to the farm whose zones name them;
 * a gateway to its registered farm, or else to the farm of the nodes it serves.
 */
export class RegistryIndex {
  readonly farms: Map<string, Farm>;
  readonly zones: Map<string, Zone>;
  readonly #fields: Map<string, Field>;
  readonly #meta: MetadataStore;
  #nodeFarms: Map<string, string> | undefined;

  constructor(irrigation: SqliteIrrigationStore, meta: MetadataStore) {
    this.farms = new Map(irrigation.list<Farm>('farms').map((f) => [f.id, f]));
    this.#fields = new Map(irrigation.list<Field>('fields').map((f) => [f.id, f]));
    this.zones = new Map(irrigation.zones().map((z) => [z.id, z]));
    this.#meta = meta;
  }

  farmOfField(fieldId: string | undefined): string | undefined {
    return fieldId === undefined ? undefined : this.#fields.get(fieldId)?.farmId;
  }

  farmOfZone(zoneId: string): string | undefined {
    return this.farmOfField(this.zones.get(zoneId)?.fieldId);
  }

  farmOfNode(node: string): string | undefined {
    if (!this.#nodeFarms) {
      const nodeFarms = new Map<string, string>();
      for (const z of this.zones.values()) {
        const farm = this.farmOfField(z.fieldId);
        if (!farm) continue;
        for (const n of zoneNodes(z)) nodeFarms.set(n, farm);
      }
      // What a farm's own gateway reports is that farm's, whatever a zone elsewhere claims.
      for (const [node, farm] of this.gatewayFarmsOfNodes()) nodeFarms.set(node, farm);
      this.#nodeFarms = nodeFarms;
    }
    return this.#nodeFarms.get(node);
  }

  /** The farm of each node that reports through a gateway registered for a farm. */
  gatewayFarmsOfNodes(): Map<string, string> {
    const gatewayFarm = new Map(this.#meta.listGateways().map((g) => [g.id, g.farmId]));
    const out = new Map<string, string>();
    for (const n of this.#meta.listNodes()) {
      const farm = gatewayFarm.get(n.gateway);
      if (farm) out.set(n.node, farm);
    }
    return out;
  }

  /** Every farm a gateway serves. */
  farmsOfGateway(g: GatewayRecord): Set<string> {
    const farms = new Set<string>(g.farmId ? [g.farmId] : []);
    for (const n of this.#meta.listNodes()) {
      const farm = n.gateway === g.id ? this.farmOfNode(n.node) : undefined;
      if (farm) farms.add(farm);
    }
    return farms;
  }
}
