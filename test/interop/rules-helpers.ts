/** What the data-contract suites share: a live registry with our client, and catching an expected failure. */
import { createFileRegistry, createMutableRegistry, fromBinary } from '@bufbuild/protobuf';
import { FileDescriptorProtoSchema } from '@bufbuild/protobuf/wkt';
import { file_confluent_meta } from '@confluentinc/schemaregistry';
import { RegistryClient } from '../../serdes/src/index.js';
import { withRegistry } from '../serdes/helpers.js';

/** A registry for the calling file; `url()` and `client()` once it is started. */
export function rulesRegistry(): { url: () => string; client: () => RegistryClient } {
  let url = '';
  let client: RegistryClient | undefined;
  withRegistry((r) => {
    url = r.url;
    client = new RegistryClient({ baseUrls: [r.url] });
  });
  return { url: () => url, client: () => client! };
}

/** The error `p` rejects with (fails the test when it resolves). */
export async function failure(p: Promise<unknown>): Promise<Error> {
  try {
    await p;
  } catch (e) {
    return e as Error;
  }
  throw new Error('expected a failure');
}

/**
 * What Confluent's Protobuf serializer needs for a schema registered as .proto text: the message
 * descriptor (from the registry's `format=serialized` answer) and a registry holding its file.
 */
export async function confluentProtobufTypes(client: RegistryClient, id: number, message: string) {
  const serialized = await client.getSchemaById(id, { format: 'serialized' });
  const fdp = fromBinary(FileDescriptorProtoSchema, Buffer.from(serialized.schema, 'base64'));
  const files = createFileRegistry(fdp, (name) => (name === 'confluent/meta.proto' ? file_confluent_meta : undefined));
  return { desc: files.getMessage(message)!, registry: createMutableRegistry(files) };
}
