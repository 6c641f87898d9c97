/**
 * Where codegen input comes from: .avsc files (named types shared across files), .proto files (imports
 * resolved from include paths) and registry subjects (fetched with their references).
 */
import { readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { AvroSchema } from '../formats/avro/schema.js';
import type { NamedNode } from '../formats/avro/model.js';
import { InvalidSchemaError, type ResolvedReference } from '../formats/format.js';
import { isBuiltinImport, parseProtobuf } from '../formats/protobuf/index.js';
import type { RegistryClient } from '../client/client.js';
import type { EmbeddedDependency } from './runtime.js';
import { CodegenError, type AvroUnit } from './avro.js';
import type { ProtoUnit } from './protobuf.js';
import { pascalCase } from './emit.js';

export interface CodegenInput {
  avroUnits: AvroUnit[];
  /** Every named Avro type to declare, by full name. */
  avroTypes: Map<string, NamedNode>;
  protoUnits: ProtoUnit[];
  /** One line per source, for the header comment. */
  sources: string[];
}

export function emptyInput(): CodegenInput {
  return { avroUnits: [], avroTypes: new Map(), protoUnits: [], sources: [] };
}

/** A path as shown in generated code and messages: relative to `cwd`, with forward slashes. */
export function displayPath(file: string, cwd: string): string {
  const rel = path.relative(cwd, path.resolve(cwd, file));
  return (rel === '' ? path.basename(file) : rel).split(path.sep).join('/');
}

function baseName(file: string): string {
  return path.basename(file).replace(/\.[^.]+$/, '');
}

async function read(file: string, what: string): Promise<string> {
  try {
    return await readFile(file, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new CodegenError(`cannot read ${what} ${file}${code ? ` (${code})` : ''}`);
  }
}

function message(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

/**
 * Loads .avsc files whose named types may refer to types defined in the other files: each file is parsed
 * once every file it needs is parsed (any order on the command line), with those files as references.
 */
export async function loadAvroFiles(files: readonly string[], cwd: string, into: CodegenInput = emptyInput()): Promise<CodegenInput> {
  const entries = await Promise.all(
    files.map(async (f) => ({ file: f, label: displayPath(f, cwd), text: await read(path.resolve(cwd, f), 'Avro schema') })),
  );
  entries.sort((a, b) => (a.label < b.label ? -1 : a.label > b.label ? 1 : 0));
  const parsed: Array<{ label: string; text: string; schema: AvroSchema; file: string }> = [];
  let pending = entries;
  const lastError = new Map<string, string>();
  while (pending.length > 0) {
    const next: typeof pending = [];
    for (const entry of pending) {
      const references: ResolvedReference[] = parsed.map((p) => ({
        name: p.label,
        subject: p.label,
        version: 1,
        schemaType: 'AVRO',
        schema: p.text,
        references: [],
      }));
      try {
        const schema = AvroSchema.parse(entry.text, references);
        parsed.push({ label: entry.label, text: entry.text, schema, file: entry.file });
      } catch (e) {
        if (e instanceof InvalidSchemaError && /Unknown type/.test(e.message)) {
          lastError.set(entry.label, e.message);
          next.push(entry);
          continue;
        }
        throw new CodegenError(`${entry.label}: ${message(e)}`);
      }
    }
    if (next.length === pending.length) {
      throw new CodegenError(
        `cannot resolve the named types of ${next.map((e) => `${e.label} (${lastError.get(e.label)})`).join('; ')}: no file given defines them`,
      );
    }
    pending = next;
  }
  // Files are parsed after the files they use, so the first file that knows a type is the one defining it.
  for (const p of parsed) {
    for (const [full, node] of p.schema.namedTypes()) if (!into.avroTypes.has(full)) into.avroTypes.set(full, node);
  }
  for (const p of parsed) {
    const resolved = p.schema.formatted('resolved') ?? p.schema.canonical;
    into.avroUnits.push({
      source: p.label,
      fallbackName: pascalCase(baseName(p.file)),
      root: p.schema.root,
      schema: resolved,
      readerSchema: resolved,
    });
    into.sources.push(p.label);
  }
  return into;
}

async function exists(file: string): Promise<boolean> {
  try {
    return (await stat(file)).isFile();
  } catch {
    return false;
  }
}

/** The imports of a .proto file to look up in the include paths (built-ins excepted). */
function importsOf(text: string, label: string): string[] {
  try {
    return parseProtobuf(text, [], { validate: false }).importPaths().filter((i) => !isBuiltinImport(i));
  } catch (e) {
    throw new CodegenError(`${label}: ${message(e)}`);
  }
}

/**
 * Loads .proto files and, recursively, what they import, looking imports up in `includePaths` in order
 * (default: the directory of each file). Built-in imports (`google/protobuf/*`, `google/type/*`,
 * `confluent/*`) need no file.
 */
export async function loadProtoFiles(
  files: readonly string[],
  includePaths: readonly string[],
  cwd: string,
  into: CodegenInput = emptyInput(),
): Promise<CodegenInput> {
  const includes = includePaths.map((p) => path.resolve(cwd, p));
  const cache = new Map<string, Promise<EmbeddedDependency>>();

  const loadImport = (importPath: string, importer: string, searchPath: readonly string[], chain: readonly string[]): Promise<EmbeddedDependency> => {
    if (chain.includes(importPath)) throw new CodegenError(`import cycle: ${[...chain, importPath].join(' -> ')}`);
    let p = cache.get(importPath);
    if (p === undefined) {
      p = (async () => {
        let found: string | undefined;
        for (const dir of searchPath) {
          const candidate = path.resolve(dir, importPath);
          if (await exists(candidate)) {
            found = candidate;
            break;
          }
        }
        if (found === undefined) {
          throw new CodegenError(
            `${importer}: cannot find import ${JSON.stringify(importPath)} in the include paths (${searchPath.map((d) => displayPath(d, cwd)).join(', ') || 'none'}); add one with -I`,
          );
        }
        const text = await read(found, 'imported file');
        const deps = await Promise.all(
          importsOf(text, importPath).map((i) => loadImport(i, importPath, searchPath, [...chain, importPath])),
        );
        return { name: importPath, schema: text, dependencies: deps };
      })();
      cache.set(importPath, p);
    }
    return p;
  };

  const sorted = [...files].sort((a, b) => (displayPath(a, cwd) < displayPath(b, cwd) ? -1 : 1));
  for (const file of sorted) {
    const label = displayPath(file, cwd);
    const abs = path.resolve(cwd, file);
    const text = await read(abs, 'Protobuf schema');
    const searchPath = includes.length > 0 ? includes : [path.dirname(abs)];
    const dependencies = await Promise.all(
      importsOf(text, label).map((i) => loadImport(i, label, searchPath, [])),
    );
    into.protoUnits.push({ source: label, schema: text, dependencies });
    into.sources.push(label);
  }
  return into;
}

function toDependencies(refs: readonly ResolvedReference[]): EmbeddedDependency[] {
  return refs.map((r) => ({ name: r.name, schema: r.schema, dependencies: toDependencies(r.references) }));
}

/** Downloads a subject's version (default latest) with its references and adds it to the input. */
export async function loadSubject(
  client: RegistryClient,
  subject: string,
  version: number | 'latest',
  registryLabel: string,
  into: CodegenInput = emptyInput(),
): Promise<CodegenInput> {
  const v = version === 'latest' ? await client.getLatestVersion(subject) : await client.getVersion(subject, version);
  const type = v.schemaType ?? 'AVRO';
  const references = await client.resolveReferences(v.references);
  const source = `subject ${JSON.stringify(subject)} version ${v.version} (schema id ${v.id}) of ${registryLabel}`;
  if (type === 'AVRO') {
    let schema: AvroSchema;
    try {
      schema = AvroSchema.parse(v.schema, references, { validate: false });
    } catch (e) {
      throw new CodegenError(`${source}: ${message(e)}`);
    }
    for (const [full, node] of schema.namedTypes()) if (!into.avroTypes.has(full)) into.avroTypes.set(full, node);
    into.avroUnits.push({
      source,
      fallbackName: pascalCase(subject),
      root: schema.root,
      schema: v.schema,
      references: v.references ?? [],
      readerSchema: schema.formatted('resolved') ?? v.schema,
    });
  } else if (type === 'PROTOBUF') {
    into.protoUnits.push({ source, schema: v.schema, dependencies: toDependencies(references), references: v.references ?? [] });
  } else {
    throw new CodegenError(`${source} is a ${type} schema: codegen supports AVRO and PROTOBUF`);
  }
  into.sources.push(source);
  return into;
}
