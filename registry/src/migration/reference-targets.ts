/**
 * The subject-versions a stored schema's references resolved to when it was registered. The store answers
 * the other direction (`referrers(subject, version)`), so this inverts it, one referenced subject at a time:
 * only subjects some reference names are ever asked about, each once.
 */
import { qualifyReference } from '../core/subjects.js';
import type { SchemaRecord, StoreReader } from '../store/store.js';
import { schemaKey } from './keys.js';

export interface ReferenceTarget {
  subject: string;
  version: number;
}


export class ReferenceTargetIndex {
  /** Per referenced subject: schema key → the subject's versions that schema references. */
  private readonly bySubject = new Map<string, Map<string, number[]>>();

  constructor(private readonly reader: StoreReader) {}

  async targetsOf(schema: Pick<SchemaRecord, 'context' | 'id' | 'references'>): Promise<ReferenceTarget[]> {
    const subjects = [...new Set(schema.references.map((r) => qualifyReference(r.subject, schema.context).key))].sort();
    const targets: ReferenceTarget[] = [];
    for (const subject of subjects) {
      const referrers = await this.referrersOf(subject);
      for (const version of referrers.get(schemaKey(schema.context, schema.id)) ?? []) targets.push({ subject, version });
    }
    return targets;
  }

  private async referrersOf(subject: string): Promise<Map<string, number[]>> {
    let map = this.bySubject.get(subject);
    if (!map) {
      map = new Map();
      for (const v of await this.reader.subjectVersions(subject)) {
        for (const r of await this.reader.referrers(subject, v.version)) {
          const key = schemaKey(r.context, r.id);
          const versions = map.get(key);
          if (versions) versions.push(v.version);
          else map.set(key, [v.version]);
        }
      }
      this.bySubject.set(subject, map);
    }
    return map;
  }
}
