/**
 * How protobufjs resolves a type name, without building a protobufjs Root.
 *
 * The canonical text prints a type reference by the shortest name that protoc AND protobufjs both
 * resolve to the right type (see `ProtobufSchema.minimalNames`). Asking a real protobufjs Root means
 * parsing the whole file and its imports a second time and generating code for every message, which was
 * most of the cost of a canonical print; and protobufjs' lookup searches every namespace below the scope
 * before it looks outwards, once per distinct name, so a message with n nested messages and n references
 * to outer types cost O(n²).
 *
 * This is a model of the namespace tree protobufjs builds from the fully-qualified texts of the files
 * (imports first, as `ProtobufSchema.protobufRoot` parses them) with a port of `Namespace#lookup` on it
 * (protobufjs 7: the fully-qualified shortcut, the search below the scope in declaration order, then the
 * scope's parents; `Type#get` sees fields, oneofs and nested objects). The downward search uses an index
 * of which namespaces hold which names, in pre-order, instead of walking every namespace.
 *
 * Where the model could differ from protobufjs (groups in oneofs or extensions, two objects of one name in
 * a namespace, a package sharing a message's name, `__proto__`), `find` answers `undefined` and the
 * caller asks a real Root.
 */
import type { FieldDef, FileDef, MessageDef } from './model.js';

type Kind = 'namespace' | 'type' | 'enum' | 'service' | 'field' | 'oneof' | 'method';

interface PbNode {
  kind: Kind;
  fullName: string;
  parent?: PbNode;
  /** What protobufjs' `get(name)` finds here (fields, oneofs, methods and nested objects). */
  children?: Map<string, PbNode>;
  /** Nested namespaces (packages, messages, services) in the order protobufjs keeps them. */
  namespaces?: PbNode[];
  /** Pre-order position among namespaces, and the last position inside this one's subtree. */
  pre?: number;
  end?: number;
  cache?: Map<string, PbNode | null>;
}

class Unsupported extends Error {}

const isNamespace = (n: PbNode) => n.kind === 'namespace' || n.kind === 'type' || n.kind === 'service';

export class PbjsNames {
  private readonly root: PbNode = { kind: 'namespace', fullName: '', children: new Map(), namespaces: [], cache: new Map() };
  /** protobufjs' `_fullyQualifiedObjects`: types, enums and extension fields by `.full.name`. */
  private readonly qualified = new Map<string, PbNode>();
  /** For each name, the namespaces that hold an object of that name, in pre-order. */
  private readonly holders = new Map<string, PbNode[]>();
  private readonly supported: boolean;
  /** What each scope name looks up to (the same few scopes are asked about over and over). */
  private readonly scopes = new Map<string, PbNode | null>();

  constructor(files: readonly FileDef[]) {
    let supported = true;
    try {
      for (const file of files) this.addFile(file);
      this.number(this.root, 0);
    } catch (e) {
      if (!(e instanceof Unsupported)) throw e;
      supported = false;
    }
    this.supported = supported;
  }

  /**
   * The full name (leading dot) of what protobufjs finds looking `name` up from `scope` (without leading
   * dot; '' for the root), restricted to messages and enums when `typesOnly`; null when it finds nothing
   * (or `scope` is no namespace); undefined when the model cannot tell.
   */
  find(name: string, scope: string, typesOnly: boolean): string | null | undefined {
    if (!this.supported) return undefined;
    let ns = this.scopes.get(scope);
    if (ns === undefined) this.scopes.set(scope, (ns = scope ? this.lookup(this.root, scope, false) : this.root));
    if (!ns || !isNamespace(ns)) return null;
    return this.lookup(ns, name, typesOnly)?.fullName ?? null;
  }

  // --- the tree, as protobufjs' parser builds it from the printed text ---

  private addFile(file: FileDef): void {
    let ptr = this.root;
    if (file.package) {
      for (const part of file.package.split('.')) {
        const existing = ptr.children!.get(part);
        if (existing && existing.kind !== 'namespace') throw new Unsupported();
        ptr = existing ?? this.add(ptr, part, 'namespace');
      }
    }
    // The printer's order: messages, enums, extensions, services.
    for (const m of file.messages) this.addMessage(ptr, m, file.syntax === 'proto3');
    for (const e of file.enums) this.add(ptr, e.name, 'enum');
    for (const x of file.extensions) this.addExtension(ptr, x, file.syntax === 'proto3');
    for (const s of file.services) {
      const svc = this.add(ptr, s.name, 'service');
      for (const method of s.methods) this.member(svc, method.name, 'method');
    }
  }

  private addMessage(parent: PbNode, m: MessageDef, proto3: boolean): void {
    const type = this.add(parent, m.name, 'type');
    const groups = new Map<string, MessageDef>();
    for (const n of m.messages) if (n.isGroup && !groups.has(`.${n.fullName}`)) groups.set(`.${n.fullName}`, n);
    // The printed body: plain fields (a group's message where its field is), oneofs, nested messages.
    for (const f of m.fields) {
      if (f.group) {
        // protobufjs' parser rejects a group inside a oneof; its field is the group's name, first letter lowered.
        const body = groups.get(f.type);
        if (proto3 || f.oneof !== undefined || !body || !/^[A-Z]/.test(body.name)) throw new Unsupported();
        this.member(type, body.name[0]!.toLowerCase() + body.name.slice(1), 'field');
        this.addMessage(type, body, proto3);
        continue;
      }
      this.member(type, f.name, 'field');
      // protobufjs gives a proto3 `optional` field a synthetic oneof of its own.
      if (proto3 && f.label === 'optional') this.member(type, `_${f.name}`, 'oneof');
    }
    for (const o of m.oneofs) this.member(type, o.name, 'oneof');
    for (const nested of m.messages) if (!nested.isGroup) this.addMessage(type, nested, proto3);
    for (const e of m.enums) this.add(type, e.name, 'enum');
    for (const x of m.extensions) this.addExtension(type, x, proto3);
  }

  private addExtension(parent: PbNode, x: FieldDef, proto3: boolean): void {
    // protobufjs files an `optional` extension of a proto3 file under a synthetic oneof: not modelled.
    if (x.group || (proto3 && x.label === 'optional')) throw new Unsupported();
    this.add(parent, x.name, 'field');
  }

  /** A nested object (a `nested` entry in protobufjs), registered as protobufjs' root registers it. */
  private add(parent: PbNode, name: string, kind: Kind): PbNode {
    const node = this.member(parent, name, kind);
    if (isNamespace(node)) {
      node.children = new Map();
      node.namespaces = [];
      node.cache = new Map();
      parent.namespaces!.push(node);
    }
    if (kind === 'type' || kind === 'enum' || kind === 'field') this.qualified.set(node.fullName, node);
    return node;
  }

  /** Any object `get(name)` finds in `parent`; a second one of the same name is beyond the model. */
  private member(parent: PbNode, name: string, kind: Kind): PbNode {
    if (name === '__proto__' || parent.children!.has(name)) throw new Unsupported();
    const node: PbNode = { kind, fullName: `${parent.fullName}.${name}`, parent };
    parent.children!.set(name, node);
    return node;
  }

  private number(node: PbNode, next: number): number {
    node.pre = next++;
    for (const name of node.children!.keys()) {
      let list = this.holders.get(name);
      if (!list) this.holders.set(name, (list = []));
      list.push(node);
    }
    for (const child of node.namespaces!) next = this.number(child, next);
    node.end = next - 1;
    return next;
  }

  // --- protobufjs' Namespace#lookup and #_lookupImpl ---

  private lookup(ns: PbNode, name: string, typesOnly: boolean): PbNode | null {
    const accept = (n: PbNode | null | undefined): n is PbNode => !!n && (!typesOnly || n.kind === 'type' || n.kind === 'enum');
    const path = name.split('.');
    if (path[0] === '') return this.lookup(this.root, path.slice(1).join('.'), typesOnly);
    let found: PbNode | null | undefined = this.qualified.get(`.${name}`);
    if (accept(found)) return found;
    found = this.lookupBelow(ns, path, name);
    if (accept(found)) return found;
    for (let current = ns; current.parent; current = current.parent) {
      found = this.lookupBelow(current.parent, path, name);
      if (accept(found)) return found;
    }
    return null;
  }

  /** `path` in `ns`, or else in the first namespace below it (pre-order) that holds `path[0]`. */
  private lookupBelow(ns: PbNode, path: readonly string[], flatPath: string): PbNode | null {
    const cached = ns.cache!.get(flatPath);
    if (cached !== undefined) return cached;
    const found = ns.children!.get(path[0]!);
    let exact: PbNode | null = null;
    if (found) {
      if (path.length === 1) exact = found;
      else if (isNamespace(found)) exact = this.lookupBelow(found, path.slice(1), path.slice(1).join('.'));
    } else {
      // protobufjs walks the nested namespaces depth first and stops at the first one that resolves the
      // path; one that holds `path[0]` but cannot resolve the rest ends the walk of its subtree.
      const list = this.holders.get(path[0]!) ?? [];
      let i = firstAtOrAfter(list, ns.pre! + 1);
      while (i < list.length && list[i]!.pre! <= ns.end!) {
        const holder = list[i]!;
        exact = this.lookupBelow(holder, path, flatPath);
        if (exact) break;
        i = firstAtOrAfter(list, holder.end! + 1);
      }
    }
    ns.cache!.set(flatPath, exact);
    return exact;
  }
}

/** Index of the first node of `list` (ascending `pre`) whose `pre` is at least `pre`. */
function firstAtOrAfter(list: readonly PbNode[], pre: number): number {
  let lo = 0;
  let hi = list.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (list[mid]!.pre! < pre) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
