/**
 * Fast seeding by direct SQL (INSERT … SELECT generate_series) into a migrated store: N subjects with one
 * version each, `subject-<i>` → schema id i, each a distinct valid Avro record. The stored text is the
 * format's canonical string and hash/guid follow registry/src/core/identity.ts (contentHash, guidOf), so
 * the registry sees exactly what it would have stored itself; `verifySeedRow` checks that against the
 * built code before anything is measured.
 */
import { createHash } from 'node:crypto';
import { formatFor } from '@schemata/serdes/formats';

/** The Avro record for schema i, already in Confluent's canonical form (checked by verifySeedTemplate). */
export const seedSchemaText = (i) =>
  `{"type":"record","name":"Record${i}","namespace":"com.acme.bench","fields":[{"name":"id","type":"long"},{"name":"name","type":"string"},{"name":"amount","type":"double"},{"name":"note","type":["null","string"],"default":null}]}`;

const TEMPLATE_SQL = seedSchemaText('%s').replace(/'/g, "''");

/** The SQL seeding ids/subjects from..to (inclusive) in the default context. */
export function seedSql(from, to) {
  // md5 over stableJson(['AVRO', text, [], null, null]) as contentHash computes it; to_json gives the JSON string.
  // guid: the md5 bytes with the UUID version (3) and variant (10xx) bits set, as guidOf does.
  return `
    INSERT INTO contexts (context, max_id) VALUES ('.', ${to})
      ON CONFLICT (context) DO UPDATE SET max_id = GREATEST(contexts.max_id, ${to});
    INSERT INTO schemas (context, id, guid, schema_type, schema, refs, hash)
      SELECT '.', i,
             substr(h, 1, 8) || '-' || substr(h, 9, 4) || '-3' || substr(h, 14, 3) || '-' ||
               substr('89ab', ((strpos('0123456789abcdef', substr(h, 17, 1)) - 1) & 3) + 1, 1) || substr(h, 18, 3) || '-' ||
               substr(h, 21, 12),
             'AVRO', txt, '[]'::jsonb, h
        FROM (SELECT i, txt, md5('["AVRO",' || to_json(txt)::text || ',[],null,null]') AS h
                FROM (SELECT i, format('${TEMPLATE_SQL}', i) AS txt FROM generate_series(${from}, ${to}) AS i) AS a) AS b;
    INSERT INTO versions (subject, version, context, schema_id, deleted, ts)
      SELECT 'subject-' || i, 1, '.', i, false, 1700000000000 + i FROM generate_series(${from}, ${to}) AS i;
  `;
}

/** The hash and guid the registry computes for seed schema i (mirrors contentHash / guidOf). */
export function expectedIdentity(i) {
  const hash = createHash('md5').update(JSON.stringify(['AVRO', seedSchemaText(i), [], null, null])).digest('hex');
  const b = Buffer.from(hash, 'hex');
  b[6] = (b[6] & 0x0f) | 0x30;
  b[8] = (b[8] & 0x3f) | 0x80;
  const h = b.toString('hex');
  return { hash, guid: `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}` };
}

/** Throws unless the template is what the Avro format itself prints as canonical. */
export function verifySeedTemplate() {
  const text = seedSchemaText(42);
  const canonical = formatFor('AVRO').parse(text, [], { validate: true }).canonical;
  if (canonical !== text) throw new Error(`seed schema is not canonical:\n${text}\n${canonical}`);
}

/**
 * Throws unless row i as stored (from `query(sql, params)` returning rows) has the expected text, hash and
 * guid, and the registry's own identity code (registry/dist/core/identity.js) agrees.
 */
export async function verifySeedRow(query, i) {
  const rows = await query('SELECT schema, hash, guid FROM schemas WHERE context = $1 AND id = $2', ['.', i]);
  const row = rows[0];
  const want = expectedIdentity(i);
  const { contentHash, guidOf } = await import('../../../registry/dist/core/identity.js');
  const registryHash = contentHash({ schemaType: 'AVRO', schema: seedSchemaText(i), references: [] });
  if (!row || row.schema !== seedSchemaText(i) || row.hash !== want.hash || row.guid !== want.guid || registryHash !== want.hash || guidOf(registryHash) !== want.guid) {
    throw new Error(`seeded row ${i} is inconsistent: ${JSON.stringify({ row, want, registryHash })}`);
  }
}
