/** The shared compatibility corpus (test/fixtures/compat) as the format suites read it. */
import { readFileSync } from 'node:fs';

/** A corpus file (`avro.json`, `invalid-protobuf.json`…), parsed. */
export function loadCorpus<T>(name: string): T {
  return JSON.parse(readFileSync(new URL(`../fixtures/compat/${name}`, import.meta.url), 'utf8')) as T;
}

/** A pairwise case: `writer` is the old schema, `reader` the new one; null where the corpus gives no verdict. */
export interface PairCase {
  id: string;
  description: string;
  writer: string;
  reader: string;
  backward: boolean | null;
  forward: boolean | null;
}

/** A schema the registry must refuse, and why. */
export interface InvalidCase {
  id: string;
  schema: string;
  why: string;
}
