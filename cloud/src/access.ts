import type { Farm, Field, User, Zone } from '@ruong/shared';
import { ApiError } from './api-error.ts';
import type { SqliteIrrigationStore } from './stores/sqlite-irrigation-store.ts';
import type { GatewayRecord, MetadataStore } from './stores/metadata-store.ts';

/**
 * What one person may see and do, worked out from the registry at the start of a request: farmers
 * their member farms, staff every farm of their cooperative, admins everything. Nodes and gateways
 * belong to the farm whose zones name them, or else to the farm their gateway was registered for.
 */
export class Access {
  readonly person: User;
  readonly #farms: Map<string, Farm>;
  readonly #fields: Map<string, Field>;
  readonly #zones: Map<string, Zone>;
  readonly #meta: MetadataStore;
  #nodeFarms: Map<string, string> | undefined;

  constructor(person: User, irrigation: SqliteIrrigationStore, meta: MetadataStore) {
    this.person = person;
    this.#farms = new Map(irrigation.list<Farm>('farms').map((f) => [f.id, f]));
    this.#fields = new Map(irrigation.list<Field>('fields').map((f) => [f.id, f]));
    this.#zones = new Map(irrigation.zones().map((z) => [z.id, z]));
    this.#meta = meta;
  }

  get isAdmin(): boolean {
    return this.person.role === 'admin';
  }

  canSeeFarm(farmId: string | undefined): boolean {
    if (farmId === undefined) return this.isAdmin;
    if (this.isAdmin) return true;
    const farm = this.#farms.get(farmId);
    if (!farm || farm.cooperativeId !== this.person.cooperativeId) return false;
    return this.person.role === 'staff' || this.person.farms.includes(farmId);
  }

  /** Staff manage their cooperative's farms; admins any. */
  canManageFarm(farmId: string | undefined): boolean {
    if (this.isAdmin) return true;
    if (farmId === undefined || this.person.role !== 'staff') return false;
    return this.#farms.get(farmId)?.cooperativeId === this.person.cooperativeId;
  }

  canManageCooperative(cooperativeId: string | null | undefined): boolean {
    return this.isAdmin || (this.person.role === 'staff' && cooperativeId === this.person.cooperativeId);
  }

  farmOfField(fieldId: string | undefined): string | undefined {
    return fieldId === undefined ? undefined : this.#fields.get(fieldId)?.farmId;
  }

  farmOfZone(zoneId: string): string | undefined {
    return this.farmOfField(this.#zones.get(zoneId)?.fieldId);
  }

  farmOfNode(node: string): string | undefined {
    if (!this.#nodeFarms) {
      this.#nodeFarms = new Map();
      const gatewayFarm = new Map(this.#meta.listGateways().map((g) => [g.id, g.farmId]));
      for (const n of this.#meta.listNodes()) {
        const farm = gatewayFarm.get(n.gateway);
        if (farm) this.#nodeFarms.set(n.node, farm);
      }
      for (const z of this.#zones.values()) {
        const farm = this.farmOfField(z.fieldId);
        if (!farm) continue;
        for (const n of [...z.sensors, ...z.weather, z.valve, z.flowMeter]) if (n) this.#nodeFarms.set(n, farm);
      }
    }
    return this.#nodeFarms.get(node);
  }

  canSeeNode(node: string): boolean {
    return this.isAdmin || this.canSeeFarm(this.farmOfNode(node));
  }

  /** A gateway is seen with its farm, or with any node of the person's farms it serves. */
  canSeeGateway(g: GatewayRecord): boolean {
    if (this.isAdmin || this.canSeeFarm(g.farmId)) return true;
    return this.#meta.listNodes().some((n) => n.gateway === g.id && this.canSeeNode(n.node));
  }

  canSeeZone(zoneId: string): boolean {
    return this.isAdmin || this.canSeeFarm(this.farmOfZone(zoneId));
  }

  /** Farms, fields and zones this person can see. */
  visibleFarms(): Farm[] {
    return [...this.#farms.values()].filter((f) => this.canSeeFarm(f.id));
  }

  /** Throws 403 unless `allowed`, naming what was refused. */
  require(allowed: boolean, what: string): void {
    if (!allowed) throw new ApiError('forbidden', `${this.person.username} (${this.person.role}) may not ${what}`);
  }
}
