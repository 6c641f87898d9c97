/**
 * The registry's use cases, composed over one store. Knows nothing of HTTP or SQL: the HTTP layer calls
 * these objects; the store interface is all they need.
 */
import type { CompatibilityLevel } from '@schemata/serdes';
import type { Store } from '../store/store.js';
import { CompatibilityService } from './compatibility.js';
import { ConfigService } from './config.js';
import { ContextService } from './contexts.js';
import { DekRegistryService, KmsDrivers } from './dek-registry/index.js';
import { DeleteService } from './delete.js';
import { LookupService } from './lookup.js';
import { ModeService } from './mode.js';
import { ReadService } from './reads.js';
import { RegisterService } from './register.js';
import { SchemaLoader, type LoaderLimits } from './schemas.js';
import { PooledSchemaWork } from '../schema-work/pool.js';
import type { SchemaWork } from '../schema-work/types.js';
import { RegistryState } from './state.js';
import { StorableStore } from './storable-store.js';

export interface RegistryOptions {
  /** The server default compatibility level (Confluent's `schema.compatibility.level`). */
  defaultCompatibility?: CompatibilityLevel;
  /** Where parsing and compatibility checks run (default: inline, on the calling thread). */
  work?: SchemaWork;
  limits?: Readonly<LoaderLimits>;
  /** The KMS drivers the DEK registry may use for shared KEKs (default: none; shared DEKs then fail 50070). */
  kms?: KmsDrivers;
}

export class Registry {
  readonly state: RegistryState;
  readonly configs: ConfigService;
  readonly modes: ModeService;
  readonly contexts: ContextService;
  readonly reads: ReadService;
  readonly registrations: RegisterService;
  readonly lookups: LookupService;
  readonly deletes: DeleteService;
  readonly compatibility: CompatibilityService;
  readonly keys: DekRegistryService;

  constructor(
    readonly store: Store,
    options: RegistryOptions = {},
  ) {
    const loader = new SchemaLoader(options.work ?? new PooledSchemaWork({ threads: 0 }), options.limits);
    // Strings a store cannot hold (NUL, unpaired surrogates) never reach it: see storable-store.ts.
    this.state = new RegistryState(new StorableStore(store));
    this.modes = new ModeService(this.state);
    this.configs = new ConfigService(this.state, this.modes, options.defaultCompatibility ?? 'BACKWARD');
    this.contexts = new ContextService(this.state);
    this.reads = new ReadService(this.state, loader);
    this.registrations = new RegisterService(this.state, loader, this.configs);
    this.lookups = new LookupService(this.state, loader, this.configs);
    this.deletes = new DeleteService(this.state, this.modes);
    this.compatibility = new CompatibilityService(this.state, loader, this.configs);
    this.keys = new DekRegistryService(this.state.store, options.kms ?? new KmsDrivers());
  }
}

export * from './errors.js';
export type * from './types.js';
export { parseCompatibilityLevel } from './config.js';
