import type { Farm, User } from '@ruong/shared';
import { ApiError } from './api-error.ts';
import type { RegistryIndex } from './registry-index.ts';
import type { GatewayRecord } from './stores/metadata-store.ts';

/**
 * What one person may see and do, worked out from the registry at the start of a request: farmers
 * their member farms, staff every farm of their cooperative, admins everything.
 */
export class Access {
  readonly person: User;
  readonly registry: RegistryIndex;

  constructor(person: User, registry: RegistryIndex) {
    this.person = person;
    this.registry = registry;
  }

  get isAdmin(): boolean {
    return this.person.role === 'admin';
  }

  canSeeFarm(farmId: string | undefined): boolean {
    if (this.isAdmin) return true;
    const farm = farmId === undefined ? undefined : this.registry.farms.get(farmId);
    if (!farm || farm.cooperativeId !== this.person.cooperativeId) return false;
    return this.person.role === 'staff' || this.person.farms.includes(farm.id);
  }

  /** Staff manage their cooperative's farms; admins any. */
  canManageFarm(farmId: string | undefined): boolean {
    if (this.isAdmin) return true;
    if (farmId === undefined || this.person.role !== 'staff') return false;
    return this.registry.farms.get(farmId)?.cooperativeId === this.person.cooperativeId;
  }

  canManageCooperative(cooperativeId: string | null | undefined): boolean {
    return this.isAdmin || (this.person.role === 'staff' && cooperativeId === this.person.cooperativeId);
  }

  canSeeNode(node: string): boolean {
    return this.canSeeFarm(this.registry.farmOfNode(node));
  }

  canSeeZone(zoneId: string): boolean {
    return this.canSeeFarm(this.registry.farmOfZone(zoneId));
  }

  canSeeGateway(g: GatewayRecord): boolean {
    return this.isAdmin || [...this.registry.farmsOfGateway(g)].some((f) => this.canSeeFarm(f));
  }

  visibleFarms(): Farm[] {
    return [...this.registry.farms.values()].filter((f) => this.canSeeFarm(f.id));
  }

  /** Throws 403 unless `allowed`, naming what was refused. */
  require(allowed: boolean, what: string): void {
    if (!allowed) throw new ApiError('forbidden', `${this.person.username} (${this.person.role}) may not ${what}`);
  }
}
