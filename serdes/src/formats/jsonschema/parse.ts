/**
 * Parsing: JSON text → canonical string, draft, meta-schema validation (ajv), reference graph.
 *
 * Rejected (InvalidSchemaError, message prefixed "Invalid JSON Schema: "): text that is not one JSON
 * document, nesting deeper than MAX_NESTING_DEPTH, a document that is not an object or boolean, a
 * schema that fails its draft's meta-schema, and a `$ref` that resolves neither inside the schema nor
 * to one of its references. With `validate: false` (schemas already stored) only the JSON itself must
 * be readable; meta-validation and reference checks are skipped. With `limits` (and `validate`), a
 * schema beyond them throws SchemaLimitError (see limits.ts).
 */
import { checkLimit, InvalidSchemaError, type ParseOptions, type ResolvedReference } from '../format.js';
import { invalidPattern, metaSchemaError } from './ajv.js';
import { writeJson } from './canonical.js';
import { detectDraft } from './drafts.js';
import { JsonSyntaxError, readJsonDocument, type JsonTree } from './json-text.js';
import { checkDocumentLimits, countDefinitions } from './limits.js';
import { SchemaGraph, type RefSite } from './references.js';
import { JsonSchema, type ReferenceLoader } from './schema.js';

const PREFIX = 'Invalid JSON Schema: ';

export function parseJsonSchema(
  text: string,
  references: readonly ResolvedReference[] = [],
  options: ParseOptions = {},
): JsonSchema {
  const validate = options.validate ?? true;
  const limits = validate ? options.limits : undefined;
  const { tree, depth } = readTree(text, 'schema');
  const canonical = writeJson(tree);
  const value: unknown = JSON.parse(canonical);
  // Before meta-validation, so an oversized schema costs no more than this walk.
  const definitions = limits === undefined ? 0 : checkDocumentLimits(value, depth, limits);
  checkLimit(limits, 'maxTypes', definitions, 'the definitions/$defs of the schema');
  if (validate) {
    const error = metaSchemaError(value, detectDraft(value)) ?? invalidPattern(value);
    if (error !== undefined) throw new InvalidSchemaError(PREFIX + error);
  }
  const load = referenceLoader(validate);
  const graph = new SchemaGraph(value, references, load);
  if (validate) {
    const missing = graph.unresolved();
    if (missing.length > 0) throw new InvalidSchemaError(PREFIX + describeMissing(missing[0]!));
  }
  if (limits !== undefined && graph.referenced.length > 0) {
    const total = graph.referenced.reduce((sum, doc) => sum + countDefinitions(doc.value), definitions);
    checkLimit(limits, 'maxTypes', total, 'the definitions/$defs of the schema and its references');
  }
  return new JsonSchema({ canonical, value, graph, references, load });
}

function readTree(text: string, what: string): { tree: JsonTree; depth: number } {
  let document: { tree: JsonTree; depth: number };
  try {
    document = readJsonDocument(text);
  } catch (e) {
    if (e instanceof JsonSyntaxError) throw new InvalidSchemaError(`${PREFIX}the ${what} is not valid JSON: ${e.message}`);
    throw e;
  }
  const { tree } = document;
  if (tree.kind !== 'object' && !(tree.kind === 'literal' && typeof tree.value === 'boolean')) {
    throw new InvalidSchemaError(`${PREFIX}the ${what} must be a JSON object or a boolean, not ${describeKind(tree)}`);
  }
  return document;
}

function describeKind(tree: JsonTree): string {
  if (tree.kind === 'literal') return 'null';
  return `a${tree.kind === 'array' ? 'n' : ''} ${tree.kind}`;
}

function referenceLoader(validate: boolean): ReferenceLoader {
  return (reference) => {
    const what = `referenced schema '${reference.name}' (subject '${reference.subject}' version ${reference.version})`;
    try {
      if (reference.schemaType !== 'JSON') {
        throw new InvalidSchemaError(`${PREFIX}${what} is of type ${reference.schemaType}, not JSON`);
      }
      // Referenced text is canonical JSON already; re-serializing it parses it with the depth bound.
      return JSON.parse(writeJson(readTree(reference.schema, what).tree)) as unknown;
    } catch (e) {
      if (validate || !(e instanceof InvalidSchemaError)) throw e;
      return true; // A stored schema must load; an unreadable reference reads as "anything".
    }
  };
}

function describeMissing(site: RefSite): string {
  const where = site.pointer === '' ? '/' : site.pointer;
  const inDoc = site.doc.reference !== undefined ? ` in referenced schema '${site.doc.reference.name}'` : '';
  return `${site.keyword} '${site.ref}' at ${where}${inDoc} cannot be resolved: it names neither a part of this schema nor one of its references`;
}
