/**
 * The DEK registry's state as read from its topic: the latest KEK per name and DEK per key. Like SchemaView,
 * `apply` returns its own undo (a write transaction reads its own writes, then takes them back out; they
 * stay once the topic reader loads them for good).
 */
import type { DekRecord, KekRecord } from '../store.js';
import type { KeyRecordKey } from './key-records.js';

export type KeyViewRecord = { key: Extract<KeyRecordKey, { type: 'KEK' }>; value: KekRecord | null } | { key: Extract<KeyRecordKey, { type: 'DEK' }>; value: DekRecord | null };

const dekId = (d: { subject: string; algorithm: string; version: number }) => `${d.subject}\u0000${d.algorithm}\u0000${d.version}`;
const compare = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

export class KeyView {
  private readonly keks = new Map<string, KekRecord>();
  /** kekName → DEK id → DEK. */
  private readonly deks = new Map<string, Map<string, DekRecord>>();

  kek(name: string): KekRecord | undefined {
    return this.keks.get(name);
  }

  listKeks(): KekRecord[] {
    return [...this.keks.values()].sort((a, b) => compare(a.name, b.name));
  }

  listDeks(kekName: string, subject?: string): DekRecord[] {
    const all = [...(this.deks.get(kekName)?.values() ?? [])].filter((d) => subject === undefined || d.subject === subject);
    return all.sort((a, b) => compare(a.subject, b.subject) || compare(a.algorithm, b.algorithm) || a.version - b.version);
  }

  size(): { keks: number; deks: number } {
    let deks = 0;
    for (const m of this.deks.values()) deks += m.size;
    return { keks: this.keks.size, deks };
  }

  /** Applies a record; returns how to take it back. */
  apply(r: KeyViewRecord): () => void {
    if (r.key.type === 'KEK') {
      const name = r.key.name;
      const before = this.keks.get(name);
      if (r.value) this.keks.set(name, r.value as KekRecord);
      else this.keks.delete(name);
      return () => (before ? this.keks.set(name, before) : this.keks.delete(name));
    }
    const kekName = r.key.kekName;
    const id = dekId(r.key);
    let byId = this.deks.get(kekName);
    if (!byId) {
      byId = new Map();
      this.deks.set(kekName, byId);
    }
    const map = byId;
    const before = map.get(id);
    if (r.value) map.set(id, r.value as DekRecord);
    else map.delete(id);
    return () => (before ? map.set(id, before) : map.delete(id));
  }
}
