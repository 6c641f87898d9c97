/** Compiles the ajv function that validates data against a schema, with its references registered. */
import type { ValidateFunction } from 'ajv';
import { createAjv } from './ajv.js';
import type { SchemaGraph } from './references.js';

export type { ValidateFunction } from 'ajv';

export function compileValidator(graph: SchemaGraph): ValidateFunction {
  const ajv = createAjv(graph.root.draft, { validateSchema: false });
  for (const doc of graph.referenced) {
    const keys = new Set<string>();
    for (const key of doc.keys) {
      keys.add(key);
      if (key.startsWith('./')) keys.add(key.slice(2));
    }
    for (const key of keys) {
      try {
        ajv.addSchema(doc.value as object, key);
      } catch {
        // Already registered under this key or its $id: the first registration stands.
      }
    }
  }
  try {
    return ajv.compile(graph.root.value as object);
  } catch (e) {
    if (e instanceof RangeError) throw new Error('JSON schema is nested too deeply to compile a validator', { cause: e });
    throw e;
  }
}
