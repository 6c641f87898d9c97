/**
 * `ProtobufSchema`: a parsed, linked and validated .proto file with its imports, and everything the
 * registry and the client SDK need from it (canonical text, descriptor, protobufjs Root, message
 * indexes).
 */
import protobuf from 'protobufjs';
import {
  InvalidSchemaError,
  type ParsedSchema,
  type ResolvedReference,
  type SchemaReference,
} from '../format.js';
import { decodeDescriptorBase64, encodeDescriptor, looksLikeBase64 } from './descriptor.js';
import { linkFile } from './link.js';
import type { FileDef, MessageDef } from './model.js';
import { normalizeFile } from './normalize.js';
import { parseProtoText } from './parse.js';
import { printFile, type NamePrinter, type PrintSettings } from './print.js';
import type { Symbols } from './symbols.js';
import { BUILTIN_PROTOS } from './wellknown.js';

/** The file name Confluent gives the main file of a served descriptor (`ProtobufSchema.DEFAULT_NAME`). */
export const DEFAULT_FILE_NAME = 'default';

export interface LoadOptions {
  validate?: boolean;
}

type PrintMode = 'canonical' | 'normalized';

export class ProtobufSchema implements ParsedSchema {
  readonly schemaType = 'PROTOBUF' as const;
  readonly references: readonly SchemaReference[];
  private _canonical?: string;
  private _fqnText?: string;
  private _root?: protobuf.Root | null;
  private _rootError?: unknown;

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
   * A protobufjs Root holding this file and all its imports (field names as declared), resolved.
   * Types are looked up by full name: `root.lookupType('pkg.Msg')`.
   */
  get root(): protobuf.Root {
    const root = this.tryRoot();
    if (!root) {
      throw new InvalidSchemaError(`protobufjs could not load this schema: ${errorText(this._rootError)}`);
    }
    return root;
  }

  private tryRoot(): protobuf.Root | null {
    if (this._root !== undefined) return this._root;
    try {
      const root = new protobuf.Root();
      for (const dep of this.allDependencies().values()) {
        protobuf.parse(dep.qualifiedText, root, { keepCase: true });
      }
      protobuf.parse(this.qualifiedText, root, { keepCase: true });
      root.resolveAll();
      this._root = root;
    } catch (e) {
      this._rootError = e;
      this._root = null;
    }
    return this._root;
  }

  /** Full names (no leading dot) of the top-level messages, in declaration order. */
  messageTypes(): string[] {
    return this.file.messages.map((m) => m.fullName);
  }

  /**
   * Confluent's message-index path of a message type (full name, with or without leading dot):
   * `[1]` for the second top-level message, `[0, 0]` for the first nested message of the first one.
   * Map entries are not counted; enums never are.
   */
  messageIndexes(fullName: string): number[] {
    const name = fullName.replace(/^\./, '');
    const path: number[] = [];
    const search = (list: readonly MessageDef[]): boolean => {
      for (let i = 0; i < list.length; i++) {
        const m = list[i]!;
        if (m.fullName === name) {
          path.push(i);
          return true;
        }
        if (name.startsWith(`${m.fullName}.`)) {
          path.push(i);
          if (search(m.messages)) return true;
          path.pop();
        }
      }
      return false;
    };
    if (!search(this.file.messages)) throw new Error(`message type ${name} is not defined in this schema`);
    return path;
  }

  /** The full name (no leading dot) of the message at a message-index path; `[]` means `[0]`. */
  messageNameAt(indexes: readonly number[]): string {
    const path = indexes.length ? indexes : [0];
    let list: readonly MessageDef[] = this.file.messages;
    let msg: MessageDef | undefined;
    for (const i of path) {
      msg = list[i];
      if (!msg) throw new Error(`invalid message indexes [${path.join(', ')}]`);
      list = msg.messages;
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

  /** Shortest names that protoc and protobufjs both resolve to the intended definition. */
  private minimalNames(): NamePrinter {
    const symbols = this.symbols;
    const root = this.tryRoot();
    const candidates = (fqn: string) => {
      const parts = fqn.slice(1).split('.');
      return parts.map((_, i) => parts.slice(parts.length - 1 - i).join('.'));
    };
    const pbjsAgrees = (cand: string, scope: string, fqn: string, types: boolean) => {
      if (!root) return true;
      const ns = scope ? root.lookup(scope) : root;
      if (!(ns instanceof protobuf.Namespace)) return false;
      const found = types ? ns.lookup(cand, [protobuf.Type, protobuf.Enum]) : ns.lookup(cand);
      return found?.fullName === fqn;
    };
    return {
      type(fqn, scope) {
        for (const cand of candidates(fqn)) {
          if (symbols.resolveType(cand, scope)?.fullName !== fqn.slice(1)) continue;
          if (!pbjsAgrees(cand, scope, fqn, true) || !pbjsAgrees(cand, scope, fqn, false)) continue;
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
  const descriptorProto = builtinPath === DESCRIPTOR_PROTO ? undefined : builtinSchema(DESCRIPTOR_PROTO)?.file;
  const symbols = linkFile({ file, literals, bigIntegers, dependencies: deps, descriptorProto, validate });
  return new ProtobufSchema(file, symbols, imports, references, mode, builtinPath);
}
