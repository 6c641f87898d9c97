/**
 * The symbol table of a file and everything it imports, with protoc's name-resolution rules.
 *
 * Relative names are resolved like protoc does: the first component is looked up from the innermost
 * scope outwards; the first scope where it names an aggregate (package, message, enum, service) is
 * the one the rest of the name must resolve in, even if it then fails.
 */
import { InvalidSchemaError } from '../format.js';
import { extensionFullName, setExtensionFullName, type TypeEnv } from './codec.js';
import { qualify, type EnumDef, type FieldDef, type FileDef, type MessageDef, type ServiceDef, type Syntax } from './model.js';

export type SymKind = 'package' | 'message' | 'enum' | 'service' | 'extension';

export interface Sym {
  kind: SymKind;
  /** Without leading dot. */
  fullName: string;
  file?: FileDef;
  message?: MessageDef;
  enumDef?: EnumDef;
  service?: ServiceDef;
  field?: FieldDef;
}

const AGGREGATES: ReadonlySet<SymKind> = new Set(['package', 'message', 'enum', 'service']);

/** The scope enclosing `scope` ('' for a top-level one), undefined for the root itself. */
function enclosing(scope: string): string | undefined {
  if (!scope) return undefined;
  const dot = scope.lastIndexOf('.');
  return dot < 0 ? '' : scope.slice(0, dot);
}

export class Symbols implements TypeEnv {
  private readonly syms = new Map<string, Sym>();
  private readonly extByExtendee = new Map<string, Map<number, FieldDef>>();
  private readonly syntaxOf = new WeakMap<FieldDef, Syntax>();
  private readonly files = new Set<FileDef>();

  get(fullName: string): Sym | undefined {
    return this.syms.get(fullName.startsWith('.') ? fullName.slice(1) : fullName);
  }

  /** Registers a file's packages, types, services and extensions. `strict` reports redefinitions. */
  addFile(file: FileDef, strict: boolean): void {
    if (this.files.has(file)) return;
    this.files.add(file);
    if (file.package) {
      const parts = file.package.split('.');
      for (let i = 1; i <= parts.length; i++) {
        const name = parts.slice(0, i).join('.');
        const existing = this.syms.get(name);
        if (!existing) this.syms.set(name, { kind: 'package', fullName: name });
        else if (existing.kind !== 'package' && strict) {
          throw new InvalidSchemaError(`package "${file.package}" conflicts with ${existing.kind} ${name}`);
        }
      }
    }
    const define = (sym: Sym) => {
      const existing = this.syms.get(sym.fullName);
      if (existing) {
        if (strict) {
          throw new InvalidSchemaError(`"${sym.fullName}" is already defined (as a ${existing.kind})`);
        }
        return;
      }
      this.syms.set(sym.fullName, sym);
    };
    const addMessages = (messages: readonly MessageDef[]) => {
      for (const m of messages) {
        define({ kind: 'message', fullName: m.fullName, file, message: m });
        for (const e of m.enums) define({ kind: 'enum', fullName: e.fullName, file, enumDef: e });
        for (const x of m.extensions) this.addExtensionSymbol(x, qualify(m.fullName, x.name), file, define);
        addMessages(m.messages);
        for (const f of m.fields) this.syntaxOf.set(f, file.syntax);
      }
    };
    addMessages(file.messages);
    for (const e of file.enums) define({ kind: 'enum', fullName: e.fullName, file, enumDef: e });
    for (const s of file.services) define({ kind: 'service', fullName: s.fullName, file, service: s });
    for (const x of file.extensions) this.addExtensionSymbol(x, qualify(file.package, x.name), file, define);
  }

  private addExtensionSymbol(x: FieldDef, fullName: string, file: FileDef, define: (s: Sym) => void): void {
    setExtensionFullName(x, fullName);
    this.syntaxOf.set(x, file.syntax);
    define({ kind: 'extension', fullName, file, field: x });
  }

  /** Indexes extensions by extendee once their extendee names are resolved (leading dot). */
  indexExtension(x: FieldDef, strict: boolean): void {
    if (!x.extendee?.startsWith('.')) return;
    const byNumber = this.extByExtendee.get(x.extendee) ?? new Map<number, FieldDef>();
    const existing = byNumber.get(x.number);
    if (existing && existing !== x) {
      if (strict) {
        throw new InvalidSchemaError(
          `extension number ${x.number} of ${x.extendee.slice(1)} is used by both ${extensionFullName(existing)} and ${extensionFullName(x)}`,
        );
      }
      return;
    }
    byNumber.set(x.number, x);
    this.extByExtendee.set(x.extendee, byNumber);
  }

  /**
   * protoc's relative lookup of `name` from `scope` (a fully-qualified scope without leading dot);
   * `accept` says which symbol kinds can be the result.
   */
  resolve(name: string, scope: string, accept: (s: Sym) => boolean): Sym | undefined {
    if (name.startsWith('.')) {
      const sym = this.syms.get(name.slice(1));
      return sym && accept(sym) ? sym : undefined;
    }
    const dot = name.indexOf('.');
    const first = dot < 0 ? name : name.slice(0, dot);
    // The scope and each enclosing one, innermost first, down to the root ('').
    for (let prefix: string | undefined = scope; prefix !== undefined; prefix = enclosing(prefix)) {
      const candidate = qualify(prefix, first);
      const sym = this.syms.get(candidate);
      if (!sym) continue;
      if (dot >= 0) {
        if (!AGGREGATES.has(sym.kind)) continue;
        const full = candidate + name.slice(first.length);
        const target = this.syms.get(full);
        return target && accept(target) ? target : undefined;
      }
      if (accept(sym)) return sym;
    }
    return undefined;
  }

  resolveType(name: string, scope: string): Sym | undefined {
    return this.resolve(name, scope, (s) => s.kind === 'message' || s.kind === 'enum');
  }

  // --- TypeEnv ---

  message(fqn: string): MessageDef | undefined {
    return this.get(fqn)?.message;
  }

  enumDef(fqn: string): EnumDef | undefined {
    return this.get(fqn)?.enumDef;
  }

  extensionByNumber(extendee: string, number: number): FieldDef | undefined {
    return this.extByExtendee.get(extendee)?.get(number);
  }

  extensionByName(fqn: string): FieldDef | undefined {
    return this.get(fqn)?.field;
  }

  isPacked(field: FieldDef): boolean {
    const packed = field.options.find((o) => !o.ext && o.name === 'packed');
    if (packed && packed.value.k === 'bool') return packed.value.v;
    return this.syntaxOf.get(field) === 'proto3';
  }

  syntaxOfField(field: FieldDef): Syntax | undefined {
    return this.syntaxOf.get(field);
  }
}
