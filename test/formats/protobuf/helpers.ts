import type { ResolvedReference } from '../../../serdes/src/formats/format.js';
import type { PairCase } from '../corpus.js';

export { loadCorpus, type InvalidCase } from '../corpus.js';

export interface CorpusReference {
  name: string;
  subject: string;
  version: number;
  schema: string;
}

export interface CompatCase extends PairCase {
  confluent_changes?: string[];
  writer_references?: CorpusReference[];
  reader_references?: CorpusReference[];
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
