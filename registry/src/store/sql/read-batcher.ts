/**
 * Batches `subjectVersionsAndSettings` reads that arrive in the same event-loop turn into one query.
 *
 * Why: on Postgres every registration reads its subject's versions and settings (nothing mutable is
 * cached, so that a write by any process is seen at once), and each round trip costs a socket write and
 * read, which under load cost more than the registry's own work. Requests that arrive together share
 * one round trip.
 *
 * Freshness is unchanged: a batch's query is sent after every request in it arrived, so it sees every
 * write committed before any of them arrived (a request never joins a query already on the wire).
 */
import type { ScopeSettings, SubjectVersionsAndSettings, VersionRecord } from '../store.js';
import type { SqlClient } from './driver.js';
import { toScopeSettings, toVersion, versionsAndSettingsSql, type SettingRow, type VersionOrSettingRow } from './rows.js';

/** Version rows of the subjects in $1 and setting rows of the scopes in $2. */
const BATCHED_VERSIONS_AND_SETTINGS = versionsAndSettingsSql('v.subject = ANY($1::text[])');

interface Pending {
  subject: string;
  scopes: readonly string[];
  resolve(value: SubjectVersionsAndSettings): void;
  reject(err: unknown): void;
}

/** Most subjects one query asks for; a larger burst is split. */
const MAX_BATCH = 256;

export class VersionsAndSettingsBatcher {
  private pending: Pending[] = [];
  private scheduled = false;

  constructor(private readonly db: SqlClient) {}

  read(subject: string, scopes: readonly string[]): Promise<SubjectVersionsAndSettings> {
    return new Promise((resolve, reject) => {
      this.pending.push({ subject, scopes, resolve, reject });
      if (!this.scheduled) {
        this.scheduled = true;
        setImmediate(() => this.flush());
      }
    });
  }

  private flush(): void {
    const all = this.pending;
    this.pending = [];
    this.scheduled = false;
    for (let i = 0; i < all.length; i += MAX_BATCH) void this.run(all.slice(i, i + MAX_BATCH));
  }

  private async run(batch: Pending[]): Promise<void> {
    const subjects = [...new Set(batch.map((p) => p.subject))];
    const scopes = [...new Set(batch.flatMap((p) => p.scopes))];
    let rows: VersionOrSettingRow[];
    try {
      rows = await this.db.query<VersionOrSettingRow>(BATCHED_VERSIONS_AND_SETTINGS, [subjects, scopes], 'subjects_versions_settings');
    } catch (err) {
      for (const p of batch) p.reject(err);
      return;
    }
    const versions = new Map<string, VersionRecord[]>();
    const settings: SettingRow[] = [];
    for (const row of rows) {
      if (row.scope !== null) {
        settings.push(row);
        continue;
      }
      const version = toVersion(row);
      const list = versions.get(version.subject);
      if (list) list.push(version);
      else versions.set(version.subject, [version]);
    }
    for (const p of batch) {
      // Each caller gets values of its own, as from a query of its own: callers may change what they get.
      const own: ScopeSettings[] = toScopeSettings(p.scopes, settings).map((s) => (s.config ? { ...s, config: structuredClone(s.config) } : s));
      p.resolve({ versions: (versions.get(p.subject) ?? []).map((v) => ({ ...v })), settings: own });
    }
  }
}
