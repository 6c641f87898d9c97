/**
 * A two-level chain of Protobuf imports (top → mid → base) with built-in imports at each level
 * (google/protobuf, google/type, confluent), and the check that a serializer auto-registered it as
 * Confluent's serializers do. Shared by the serde and codegen suites.
 */
import { expect } from 'vitest';
import type { RegistryClient } from '@schemata/serdes';

/** The files by import path. `Top.Note` is declared after a map field: message indexes [0, 0]. */
export const CHAIN_PROTOS = {
  'chain/base.proto': `syntax = "proto3";
package chain;
import "google/protobuf/timestamp.proto";
message Base {
  string id = 1;
  google.protobuf.Timestamp at = 2;
}
`,
  'chain/mid.proto': `syntax = "proto3";
package chain;
import "chain/base.proto";
import "google/type/money.proto";
message Mid {
  Base base = 1;
  google.type.Money price = 2;
}
`,
  'chain/top.proto': `syntax = "proto3";
package chain;
import "chain/mid.proto";
import "confluent/meta.proto";
message Top {
  Mid mid = 1 [(confluent.field_meta) = { doc: "the middle" }];
  map<string, Base> bases = 2;
  message Note { string text = 1; }
}
`,
} as const;

/**
 * Checks that `bytes` were written with the schema registered under `subject`, whose imports were
 * registered first under their import paths, each with the references to its own imports, and that no
 * built-in import was registered.
 */
export async function expectChainRegistered(client: RegistryClient, subject: string, bytes: Buffer): Promise<void> {
  const base = await client.getLatestVersion('chain/base.proto');
  expect(base.references ?? []).toEqual([]);
  const mid = await client.getLatestVersion('chain/mid.proto');
  expect(mid.references).toEqual([{ name: 'chain/base.proto', subject: 'chain/base.proto', version: base.version }]);
  const top = await client.getLatestVersion(subject);
  expect(top.references).toEqual([{ name: 'chain/mid.proto', subject: 'chain/mid.proto', version: mid.version }]);
  expect(bytes.readInt32BE(1)).toBe(top.id);
  expect((await client.listSubjects()).filter((x) => x.startsWith('google/') || x.startsWith('confluent/'))).toEqual([]);
}
