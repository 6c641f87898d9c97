/**
 * `ProtobufSchema`: a parsed, linked and validated .proto file with its imports, and everything the
 * registry and the client SDK need from it (canonical text, descriptor, protobufjs Root, message
 * indexes).
 *
 * The client SDK (serializers, deserializers, codegen) uses only this public API:
 * - `protobufRoot({ keepCase })`: a resolved protobufjs Root of the file and its imports for encoding and
 *   decoding (protobufjs' camelCase field names unless `keepCase`; 64-bit integers as `Long`);
 * - `messageTree()` / `allMessageTypes()` / `enumTypes()`: the types the file declares, each message with
 *   its Confluent message-index path;
 * - `messageIndexes(fullName)` / `messageNameAt(indexes)`: Confluent's message indexes (the one place they
 *   are computed);
 * - `importPaths()` / `dependencies()` / `source`: what the file imports and the texts to register.
 */
import Long from 'long';
import protobuf from 'protobufjs';
import {
  InvalidSchemaError,
  checkLimit,
  type ParsedSchema,
  type ResolvedReference,
  type SchemaLimits,
  type SchemaReference,
} from '../format.js';
import { decodeDescriptorBase64, encodeDescriptor, looksLikeBase64 } from './descriptor.js';
import { checkFileLimits, namedTypeCount } from './limits.js';
import { linkFile } from './link.js';
import { allMessages, type FileDef, type MessageDef } from './model.js';
import { normalizeFile } from './normalize.js';
import { parseProtoText } from './parse.js';
import { PbjsNames } from './pbjs-names.js';
import { parseWithProtobufjs } from './pbjs-parse.js';
import { printFile, type NamePrinter, type PrintSettings } from './print.js';
import type { Symbols } from './symbols.js';
import { BUILTIN_PROTOS } from './wellknown.js';

/** The file name Confluent gives the main file of a served descriptor (`ProtobufSchema.DEFAULT_NAME`). */
export const DEFAULT_FILE_NAME = 'default';

export interface LoadOptions {
  validate?: boolean;
  /** Bounds to enforce when validating (see limits.ts); absent: none. */
  limits?: Readonly<SchemaLimits>;
}

type PrintMode = 'canonical' | 'normalized';

/** Options of `ProtobufSchema.protobufRoot`. */
export interface ProtobufRootOptions {
  /** Keep the .proto field names instead of protobufjs' camelCase ones (default false). */
  keepCase?: boolean;
}

/**
 * A message type a file declares, with its Confluent message-index path: the position of each enclosing
 * message among its siblings, top-level first. Map entries are never message types here (Confluent's
 * clients skip them); proto2 group bodies are, as in descriptors. Enums never count.
 */
export interface ProtobufMessageType {
  /** The simple name (`Line`). */
  readonly name: string;
  /** The full name without leading dot (`acme.Order.Line`), as `Root.lookupType` takes it. */
  readonly fullName: string;
  /** Confluent's message indexes: `[1]` for the second top-level message, `[0, 0]` for the first nested one of the first. */
  readonly indexes: readonly number[];
  /** The message types nested in this one, in declaration order. */
  readonly nested: readonly ProtobufMessageType[];
}

/** A file a schema imports, directly or through another import (see `ProtobufSchema.dependencies`). */
export interface ProtobufDependency {
  /** The import path, which is also Confluent's reference name (and the subject its serializers register the file under). */
  readonly importPath: string;
  readonly schema: ProtobufSchema;
  /**
   * A built-in (`google/protobuf/*`, `google/type/*`, `confluent/*`): every registry and client knows it,
   * so it is never a schema reference and never registered.
   */
  readonly builtin: boolean;
}

// 64-bit integers decode as Long when protobufjs finds the `long` package; make sure it does (bundlers).
if (!protobuf.util.Long) {
  protobuf.util.Long = Long;
  protobuf.configure();
}

export class ProtobufSchema implements ParsedSchema {
  readonly schemaType = 'PROTOBUF' as const;
  readonly references: readonly SchemaReference[];
  private _canonical?: string;
  private _fqnText?: string;
  private readonly _roots = new Map<boolean, { root: protobuf.Root } | { error: unknown }>();
  private _tree?: { top: readonly ProtobufMessageType[]; all: readonly ProtobufMessageType[]; byName: ReadonlyMap<string, ProtobufMessageType> };

  /** @internal Use `parseProtobuf` / `protobufFormat.parse`. */
  constructor(
    /** The linked model of this file. */
    readonly file: FileDef,
    /** Symbols of this file and everything it imports. */
    readonly symbols: Symbols,
    /** Direct imports by import path (schema references and built-ins). */
    readonly imports: ReadonlyMap<string, ProtobufSchema>,
    /** The references this schema was parsed with, with their texts. */
    readonly resolvedReferences: readonly ResolvedReference[],
    private readonly mode: PrintMode = 'canonical',
    /** The import path this file is known under, when it is a built-in. */
    readonly builtinPath?: string,
    /** The text (or base64 descriptor) this schema was parsed from. */
    readonly source: string = '',
  ) {
    this.references = resolvedReferences.map(({ name, subject, version }) => ({ name, subject, version }));
  }

  /** The deterministic .proto text the registry stores and serves (see print.ts). */
  get canonical(): string {
    if (this._canonical === undefined) {
      this._canonical = printFile(this.file, this.printSettings());
    }
    return this._canonical;
  }

  /** The text with every type reference fully qualified (what the protobufjs Root is built from). */
  get qualifiedText(): string {
    this._fqnText ??= printFile(this.file, { names: FQN_NAMES });
    return this._fqnText;
  }

  /** Every transitive import, by import path, in dependency order (imports before importers). */
  allDependencies(): Map<string, ProtobufSchema> {
    const out = new Map<string, ProtobufSchema>();
    const visit = (s: ProtobufSchema) => {
      for (const [path, dep] of s.imports) {
        if (out.has(path)) continue;
        visit(dep);
        out.set(path, dep);
      }
    };
    visit(this);
    return out;
  }

  /**
   * The files this schema imports, directly or not, in dependency order (a file's imports before it),
   * each once. Built-ins are listed too, flagged `builtin`; imports left unresolved (parsing without
   * validation) are not.
   */
  dependencies(): ProtobufDependency[] {
    return [...this.allDependencies()].map(([importPath, schema]) => ({ importPath, schema, builtin: schema.builtinPath === importPath }));
  }

  /** The import paths this file declares, in order (resolved or not). */
  importPaths(): string[] {
    return this.file.imports.map((imp) => imp.path);
  }

  /**
   * A protobufjs Root holding this file and all its imports (field names as declared), resolved.
   * Types are looked up by full name: `root.lookupType('pkg.Msg')`. Same as `protobufRoot({ keepCase: true })`.
   */
  get root(): protobuf.Root {
    return this.protobufRoot({ keepCase: true });
  }

  /**
   * A resolved protobufjs Root holding this file and all its imports, for encoding and decoding:
   * `protobufRoot().lookupType('acme.Order').encode(value)`. Field names are protobufjs' camelCase
   * (`customer_id` → `customerId`) unless `keepCase`; 64-bit integers decode as `Long` (the `long`
   * package). Built once per `keepCase` and shared: do not modify it. Throws InvalidSchemaError when
   * protobufjs cannot load the schema.
   */
  protobufRoot(options: ProtobufRootOptions = {}): protobuf.Root {
    const keepCase = options.keepCase ?? false;
    const root = this.tryRoot(keepCase);
    if (!root) {
      const entry = this._roots.get(keepCase) as { error: unknown };
      throw new InvalidSchemaError(`protobufjs could not load this schema: ${errorText(entry.error)}`);
    }
    return root;
  }

  private tryRoot(keepCase: boolean): protobuf.Root | null {
    let entry = this._roots.get(keepCase);
    if (entry === undefined) {
      try {
        const root = new protobuf.Root();
        for (const dep of this.allDependencies().values()) {
          parseWithProtobufjs(dep.qualifiedText, root, { keepCase });
        }
        parseWithProtobufjs(this.qualifiedText, root, { keepCase });
        root.resolveAll();
        entry = { root };
      } catch (error) {
        entry = { error };
      }
      this._roots.set(keepCase, entry);
    }
    return 'root' in entry ? entry.root : null;
  }

  /** Full names (no leading dot) of the top-level messages, in declaration order. */
  messageTypes(): string[] {
    return this.file.messages.map((m) => m.fullName);
  }

  /** The top-level message types with their nested ones (see ProtobufMessageType). */
  messageTree(): readonly ProtobufMessageType[] {
    return this.tree().top;
  }

  /** Every message type of this file, depth first in declaration order (a message before its nested ones). */
  allMessageTypes(): readonly ProtobufMessageType[] {
    return this.tree().all;
  }

  /** Full names (no leading dot) of every enum this file declares, top-level ones first, then nested ones depth first. */
  enumTypes(): string[] {
    return [...this.file.enums, ...[...allMessages(this.file.messages)].flatMap((m) => m.enums)].map((e) => e.fullName);
  }

  private tree(): NonNullable<ProtobufSchema['_tree']> {
    if (this._tree === undefined) {
      const all: ProtobufMessageType[] = [];
      const build = (list: readonly MessageDef[], path: readonly number[]): ProtobufMessageType[] =>
        list.map((m, i) => {
          const indexes = [...path, i];
          const nested: ProtobufMessageType[] = [];
          const node: ProtobufMessageType = { name: m.name, fullName: m.fullName, indexes, nested };
          all.push(node);
          nested.push(...build(m.messages, indexes));
          return node;
        });
      const top = build(this.file.messages, []);
      this._tree = { top, all, byName: new Map(all.map((m) => [m.fullName, m])) };
    }
    return this._tree;
  }

  /**
   * Confluent's message-index path of a message type (full name, with or without leading dot):
   * `[1]` for the second top-level message, `[0, 0]` for the first nested message of the first one.
   * Map entries are not counted (Confluent's clients skip them); enums never are. The inverse of
   * `messageNameAt`; both read `messageTree()`.
   */
  messageIndexes(fullName: string): number[] {
    const name = fullName.replace(/^\./, '');
    const found = this.tree().byName.get(name);
    if (!found) throw new Error(`message type ${name} is not defined in this schema`);
    return [...found.indexes];
  }

  /** The full name (no leading dot) of the message at a message-index path; `[]` means `[0]`. */
  messageNameAt(indexes: readonly number[]): string {
    const path = indexes.length ? indexes : [0];
    let list = this.tree().top;
    let msg: ProtobufMessageType | undefined;
    for (const i of path) {
      msg = list[i];
      if (!msg) throw new Error(`invalid message indexes [${path.join(', ')}]`);
      list = msg.nested;
    }
    return msg!.fullName;
  }

  /** The serialized FileDescriptorProto of this file (its `dependency` list is the import paths). */
  toDescriptor(fileName = DEFAULT_FILE_NAME): Uint8Array {
    return encodeDescriptor(this.file, this.symbols, fileName);
  }

  toDescriptorBase64(fileName = DEFAULT_FILE_NAME): string {
    return Buffer.from(this.toDescriptor(fileName)).toString('base64');
  }

  normalize(): ProtobufSchema {
    const file = normalizeFile(this.file);
    const text = printFile(file, { names: FQN_NAMES, optionsByName: true });
    // Re-parsed so that the normalized schema is a consistent linked file of its own.
    const refs = [...this.resolvedReferences].sort(compareReferences).filter((r, i, all) => i === 0 || compareReferences(all[i - 1]!, r) !== 0);
    return loadSchema(text, refs, { validate: false }, 'normalized');
  }

  formatted(format: string): string | undefined {
    switch (format.trim().toLowerCase()) {
      case 'serialized':
        return this.toDescriptorBase64();
      case 'ignore_extensions':
        return printFile(this.file, { ...this.printSettings(), ignoreExtensions: true });
      default:
        return undefined;
    }
  }

  recordName(): string | undefined {
    return this.file.messages[0]?.fullName;
  }

  /** Whether the first message has a field with this name (Confluent's `hasTopLevelField`). */
  hasTopLevelField(name: string): boolean {
    return this.file.messages[0]?.fields.some((f) => f.name === name) ?? false;
  }

  private printSettings(): PrintSettings {
    if (this.mode === 'normalized') {
      // Types fully qualified, option names as short as they resolve.
      return { names: { type: FQN_NAMES.type, extension: this.minimalNames().extension }, optionsByName: true };
    }
    return { names: this.minimalNames() };
  }

  /**
   * Shortest names that protoc and protobufjs both resolve to the intended definition. protobufjs'
   * lookups are answered by a model of its namespace tree (pbjs-names.ts); a real Root is built only
   * when the model says protobufjs would get a name wrong (its verdict counts only if protobufjs can load
   * the file at all) or cannot tell.
   */
  private minimalNames(): NamePrinter {
    const symbols = this.symbols;
    let model: PbjsNames | undefined;
    const pbjsAgrees = (cand: string, scope: string, fqn: string): boolean => {
      model ??= new PbjsNames([...[...this.allDependencies().values()].map((dep) => dep.file), this.file]);
      const types = model.find(cand, scope, true);
      const any = model.find(cand, scope, false);
      if (types === fqn && any === fqn) return true;
      const root = this.tryRoot(true);
      if (!root) return true;
      if (types !== undefined && any !== undefined) return false;
      return rootAgrees(root, cand, scope, fqn, true) && rootAgrees(root, cand, scope, fqn, false);
    };
    /** The dotted suffixes of `fqn` (leading dot), shortest first: `Line`, `Order.Line`, `acme.Order.Line`. */
    function* candidates(fqn: string): Generator<string> {
      for (let dot = fqn.lastIndexOf('.'); dot >= 0; dot = fqn.lastIndexOf('.', dot - 1)) {
        yield fqn.slice(dot + 1);
        if (dot === 0) return;
      }
    }
    return {
      type(fqn, scope) {
        for (const cand of candidates(fqn)) {
          if (symbols.resolveType(cand, scope)?.fullName !== fqn.slice(1)) continue;
          if (!pbjsAgrees(cand, scope, fqn)) continue;
          return cand;
        }
        return fqn;
      },
      extension(fqn, scope) {
        for (const cand of candidates(fqn)) {
          if (symbols.resolve(cand, scope, (s) => s.kind === 'extension')?.fullName === fqn.slice(1)) return cand;
        }
        return fqn;
      },
    };
  }
}

/** Whether protobufjs' lookup of `cand` from `scope` finds `fqn` (only messages and enums if `types`). */
function rootAgrees(root: protobuf.Root, cand: string, scope: string, fqn: string, types: boolean): boolean {
  const ns = scope ? root.lookup(scope) : root;
  if (!(ns instanceof protobuf.Namespace)) return false;
  const found = types ? ns.lookup(cand, [protobuf.Type, protobuf.Enum]) : ns.lookup(cand);
  return found?.fullName === fqn;
}

const FQN_NAMES: NamePrinter = {
  type: (fqn) => fqn,
  extension: (fqn) => fqn,
};

function errorText(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

function compareReferences(a: SchemaReference, b: SchemaReference): number {
  if (a.name !== b.name) return a.name < b.name ? -1 : 1;
  if (a.subject !== b.subject) return a.subject < b.subject ? -1 : 1;
  return a.version - b.version;
}

// --- loading ----------------------------------------------------------------------------------

const builtins = new Map<string, ProtobufSchema>();

/** The schema of a built-in import (well-known types, google/type, confluent), or undefined. */
export function builtinSchema(path: string): ProtobufSchema | undefined {
  const cached = builtins.get(path);
  if (cached) return cached;
  const text = BUILTIN_PROTOS.get(path);
  if (text === undefined) return undefined;
  const schema = loadSchema(text, [], { validate: true }, 'canonical', path);
  builtins.set(path, schema);
  return schema;
}

const DESCRIPTOR_PROTO = 'google/protobuf/descriptor.proto';

/**
 * Parses .proto text or a base64 FileDescriptorProto with its references (resolved recursively by the
 * caller) into a linked ProtobufSchema. Throws InvalidSchemaError.
 */
export function loadSchema(
  text: string,
  references: readonly ResolvedReference[] = [],
  options: LoadOptions = {},
  mode: PrintMode = 'canonical',
  builtinPath?: string,
): ProtobufSchema {
  const validate = options.validate ?? true;
  const byName = new Map<string, ProtobufSchema>();
  for (const ref of references) {
    if (ref.schemaType !== 'PROTOBUF') {
      throw new InvalidSchemaError(`reference "${ref.name}" is a ${ref.schemaType} schema, not PROTOBUF`);
    }
    let dep: ProtobufSchema;
    try {
      dep = loadSchema(ref.schema, ref.references, options);
    } catch (e) {
      if (e instanceof InvalidSchemaError) {
        throw new InvalidSchemaError(`referenced schema "${ref.name}" (subject ${ref.subject}, version ${ref.version}) is invalid: ${e.message}`);
      }
      throw e;
    }
    byName.set(ref.name, dep);
  }

  let file: FileDef;
  let literals: Uint8Array[] = [];
  let bigIntegers: bigint[] = [];
  if (looksLikeBase64(text)) {
    try {
      file = decodeDescriptorBase64(text);
    } catch (descriptorError) {
      // Not a descriptor after all: report what the .proto parser says about it.
      try {
        ({ file, literals, bigIntegers } = parseProtoText(text));
      } catch {
        throw descriptorError;
      }
    }
  } else {
    ({ file, literals, bigIntegers } = parseProtoText(text));
  }
  const limits = validate ? options.limits : undefined;
  if (limits) checkFileLimits(file, limits);

  const imports = new Map<string, ProtobufSchema>();
  for (const imp of file.imports) {
    const dep = byName.get(imp.path) ?? (imp.path === builtinPath ? undefined : builtinSchema(imp.path));
    if (!dep) {
      if (validate) {
        throw new InvalidSchemaError(
          `import "${imp.path}" is neither a schema reference nor a built-in type (add a reference named "${imp.path}")`,
        );
      }
      continue;
    }
    imports.set(imp.path, dep);
  }
  const deps: FileDef[] = [];
  const seen = new Set<ProtobufSchema>();
  const collect = (direct: ReadonlyMap<string, ProtobufSchema>) => {
    for (const dep of direct.values()) {
      if (seen.has(dep)) continue;
      seen.add(dep);
      collect(dep.imports);
      deps.push(dep.file);
    }
  };
  collect(imports);
  if (limits) {
    const types = deps.reduce((sum, dep) => sum + namedTypeCount(dep), namedTypeCount(file));
    checkLimit(limits, 'maxTypes', types, 'the schema (with its imports)');
  }
  const descriptorProto = builtinPath === DESCRIPTOR_PROTO ? undefined : builtinSchema(DESCRIPTOR_PROTO)?.file;
  const symbols = linkFile({ file, literals, bigIntegers, dependencies: deps, descriptorProto, validate });
  return new ProtobufSchema(file, symbols, imports, references, mode, builtinPath, text);
}
