/**
 * The calls Confluent's clients make to the registry's DEK registry (`/dek-registry/v1`), with the same
 * paths and bodies, cached per registry client: KEKs by name, DEKs by (KEK, subject, version,
 * algorithm), with their unwrapped key material once a KMS (or a shared KEK) gave it.
 */
import type { RegistryClient } from '../../client/client.js';
import type { DekAlgorithm } from './aead.js';

export interface Kek {
  name: string;
  kmsType: string;
  kmsKeyId: string;
  kmsProps?: Record<string, string>;
  doc?: string;
  shared?: boolean;
  ts?: number;
  deleted?: boolean;
}

export interface Dek {
  kekName: string;
  subject: string;
  version: number;
  algorithm: DekAlgorithm;
  encryptedKeyMaterial?: string;
  keyMaterial?: string;
  ts?: number;
  deleted?: boolean;
}

const enc = encodeURIComponent;
const MAX = 1000;

export class DekRegistry {
  private readonly keks = new Map<string, Promise<Kek>>();
  private readonly deks = new Map<string, Promise<Dek>>();
  /** Unwrapped key material by DEK identity (never sent anywhere). */
  readonly keys = new Map<string, Buffer>();

  constructor(private readonly client: RegistryClient) {}

  private cached<T>(map: Map<string, Promise<T>>, key: string, load: () => Promise<T>): Promise<T> {
    let p = map.get(key);
    if (p === undefined) {
      if (map.size >= MAX) map.delete(map.keys().next().value!);
      p = load();
      map.set(key, p);
      p.catch(() => map.delete(key));
    }
    return p;
  }

  getKek(name: string, deleted = false): Promise<Kek> {
    return this.cached(this.keks, `${name}\0${deleted}`, () => this.client.request<Kek>('GET', `/dek-registry/v1/keks/${enc(name)}?deleted=${deleted}`));
  }

  async registerKek(name: string, kmsType: string, kmsKeyId: string, shared: boolean): Promise<Kek> {
    const kek = await this.client.request<Kek>('POST', '/dek-registry/v1/keks', { body: { name, kmsType, kmsKeyId, shared } });
    this.keks.set(`${name}\0false`, Promise.resolve(kek));
    return kek;
  }

  static dekKey(kekName: string, subject: string, version: number, algorithm: string, deleted: boolean): string {
    return `${kekName}\0${subject}\0${version}\0${algorithm}\0${deleted}`;
  }

  getDek(kekName: string, subject: string, algorithm: DekAlgorithm, version: number, deleted: boolean): Promise<Dek> {
    return this.cached(this.deks, DekRegistry.dekKey(kekName, subject, version, algorithm, deleted), () =>
      this.client.request<Dek>('GET', `/dek-registry/v1/keks/${enc(kekName)}/deks/${enc(subject)}/versions/${version}?algorithm=${algorithm}&deleted=${deleted}`),
    );
  }

  async registerDek(kekName: string, subject: string, algorithm: DekAlgorithm, version: number, encryptedKeyMaterial: string | undefined): Promise<Dek> {
    const body: Record<string, unknown> = { subject, version, algorithm };
    if (encryptedKeyMaterial) body.encryptedKeyMaterial = encryptedKeyMaterial;
    let dek: Dek;
    try {
      dek = await this.client.request<Dek>('POST', `/dek-registry/v1/keks/${enc(kekName)}/deks/${enc(subject)}`, { body });
    } catch (e) {
      // Older registries take the subject in the body only.
      if ((e as { status?: number }).status !== 405) throw e;
      dek = await this.client.request<Dek>('POST', `/dek-registry/v1/keks/${enc(kekName)}/deks`, { body });
    }
    this.deks.set(DekRegistry.dekKey(kekName, subject, version, algorithm, false), Promise.resolve(dek));
    for (const d of [false, true]) this.deks.delete(DekRegistry.dekKey(kekName, subject, -1, algorithm, d));
    return dek;
  }
}

const registries = new WeakMap<RegistryClient, DekRegistry>();

/** The DEK registry (and its caches) of a registry client. */
export function dekRegistryOf(client: RegistryClient): DekRegistry {
  let r = registries.get(client);
  if (r === undefined) registries.set(client, (r = new DekRegistry(client)));
  return r;
}
