import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { ResolvedReference } from '../../../serdes/src/formats/format.js';

const FIXTURES = fileURLToPath(new URL('../../fixtures/compat/', import.meta.url));

export interface CorpusReference {
  name: string;
  subject: string;
  version: number;
  schema: string;
}

export interface CompatCase {
  id: string;
  description: string;
  writer: string;
  reader: string;
  backward: boolean | null;
  forward: boolean | null;
  confluent_changes?: string[];
  writer_references?: CorpusReference[];
  reader_references?: CorpusReference[];
}

export interface InvalidCase {
  id: string;
  schema: string;
  why: string;
}

export function loadFixture<T>(name: string): T {
  return JSON.parse(readFileSync(`${FIXTURES}${name}`, 'utf8')) as T;
}

export function resolved(refs: readonly CorpusReference[] | undefined): ResolvedReference[] {
  return (refs ?? []).map((r) => ({
    name: r.name,
    subject: r.subject,
    version: r.version,
    schemaType: 'PROTOBUF',
    schema: r.schema,
    references: [],
  }));
}

export function ref(name: string, schema: string, version = 1, references: ResolvedReference[] = []): ResolvedReference {
  return { name, subject: name, version, schemaType: 'PROTOBUF', schema, references };
}
