/**
 * The string Confluent stores for an Avro schema: Avro-Java `Schema.toString(referencedSchemas, false)`
 * (`AvroSchema.canonicalString`). Restated from Avro-Java's `toJson` methods (apache/avro, Schema.java):
 *
 * - compact JSON; a primitive without properties is just `"int"`, with properties
 *   `{"type":"int", <props>}`;
 * - record: `type` ("record" or "error"), `name`, `namespace` (only when it differs from the enclosing
 *   namespace; `""` for no namespace inside a namespaced one), `doc`, `fields`, `<props>`, `aliases`;
 * - field: `name`, `type`, `doc`, `default`, `order` (only when not ascending), `aliases`, `<props>`;
 * - enum: `type`, `name`, `namespace`, `doc`, `symbols`, `default`, `<props>`, `aliases`;
 * - fixed: `type`, `name`, `namespace`, `doc`, `size`, `<props>`, `aliases`;
 * - array: `type`, `items`, `<props>`; map: `type`, `values`, `<props>`; union: a JSON array;
 * - a named type already written (or one named by a reference) is written as its name, qualified only
 *   when its namespace differs from the enclosing one (or the simple name is a type name);
 * - properties (custom keys and `logicalType` with its attributes) keep the order they were written in;
 *   the enclosing namespace of a record's fields is the record's own namespace.
 *
 * Confluent passes the referenced schemas as "already known" names, but Avro-Java only registers the
 * full name of each referenced schema's top-level type: a type nested inside a referenced schema is
 * written out in full where the referrer first uses it. We do the same.
 */
import { quote, writeJson } from './json.js';
import type { FieldNode, NamedNode, PrimitiveType, Props, SchemaNode } from './model.js';
import { qualifiedName } from './names.js';

export interface CanonicalOptions {
  /** Full names written by name only from the start (Confluent: the referenced schemas' top-level types). */
  knownNames?: Iterable<string>;
  /** Write every named type by name (for short descriptions in error messages). */
  namesOnly?: boolean;
}

/** Avro-Java `Schema.toString()` of `root`, with `knownNames` written by name. */
export function toCanonical(root: SchemaNode, options: CanonicalOptions = {}): string {
  const writer = new CanonicalWriter(new Set(options.knownNames ?? []), options.namesOnly === true);
  writer.schema(root, null);
  return writer.out.join('');
}

/** The primitive type names as JSON strings (written once per field of most schemas). */
export const QUOTED_TYPE: Readonly<Record<PrimitiveType, string>> = {
  null: '"null"',
  boolean: '"boolean"',
  int: '"int"',
  long: '"long"',
  float: '"float"',
  double: '"double"',
  bytes: '"bytes"',
  string: '"string"',
};

class CanonicalWriter {
  readonly out: string[] = [];

  constructor(
    private readonly known: Set<string>,
    private readonly namesOnly: boolean,
  ) {}

  private props(props: Props): void {
    if (props.size === 0) return;
    for (const [k, v] of props) this.out.push(',', quote(k), ':', writeJson(v));
  }

  /** Writes the name reference and returns true when `n` was written before (Avro-Java `writeNameRef`). */
  private nameRef(n: NamedNode, ns: string | null): boolean {
    if (this.namesOnly || this.known.has(n.name.full)) {
      this.out.push(quote(qualifiedName(n.name, ns)));
      return true;
    }
    this.known.add(n.name.full);
    return false;
  }

  /** `"name"` and, when needed, `"namespace"` (Avro-Java `Name.writeName`). */
  private nameAndSpace(n: NamedNode, ns: string | null): void {
    this.out.push(',"name":', quote(n.name.name));
    if (n.name.space !== null) {
      if (n.name.space !== ns) this.out.push(',"namespace":', quote(n.name.space));
    } else if (ns !== null) {
      this.out.push(',"namespace":""');
    }
  }

  private doc(doc: string | undefined): void {
    if (doc !== undefined) this.out.push(',"doc":', quote(doc));
  }

  private aliases(n: NamedNode): void {
    if (n.aliases.length === 0) return;
    this.out.push(',"aliases":[', n.aliases.map((a) => quote(qualifiedName(a, n.name.space))).join(','), ']');
  }

  schema(node: SchemaNode, ns: string | null): void {
    const out = this.out;
    switch (node.type) {
      case 'record':
        if (this.nameRef(node, ns)) return;
        out.push(node.isError ? '{"type":"error"' : '{"type":"record"');
        this.nameAndSpace(node, ns);
        this.doc(node.doc);
        out.push(',"fields":[');
        node.fields.forEach((f, i) => {
          if (i > 0) out.push(',');
          this.field(f, node.name.space);
        });
        out.push(']');
        this.props(node.props);
        this.aliases(node);
        out.push('}');
        return;
      case 'enum':
        if (this.nameRef(node, ns)) return;
        out.push('{"type":"enum"');
        this.nameAndSpace(node, ns);
        this.doc(node.doc);
        out.push(',"symbols":[', node.symbols.map(quote).join(','), ']');
        if (node.default !== undefined) out.push(',"default":', quote(node.default));
        this.props(node.props);
        this.aliases(node);
        out.push('}');
        return;
      case 'fixed':
        if (this.nameRef(node, ns)) return;
        out.push('{"type":"fixed"');
        this.nameAndSpace(node, ns);
        this.doc(node.doc);
        out.push(',"size":', String(node.size));
        this.props(node.props);
        this.aliases(node);
        out.push('}');
        return;
      case 'array':
        out.push('{"type":"array","items":');
        this.schema(node.items, ns);
        this.props(node.props);
        out.push('}');
        return;
      case 'map':
        out.push('{"type":"map","values":');
        this.schema(node.values, ns);
        this.props(node.props);
        out.push('}');
        return;
      case 'union':
        out.push('[');
        node.types.forEach((t, i) => {
          if (i > 0) out.push(',');
          this.schema(t, ns);
        });
        out.push(']');
        return;
      default:
        if (node.props.size === 0) {
          out.push(QUOTED_TYPE[node.type]);
        } else {
          out.push('{"type":', quote(node.type));
          this.props(node.props);
          out.push('}');
        }
    }
  }

  private field(f: FieldNode, ns: string | null): void {
    const out = this.out;
    out.push('{"name":', quote(f.name), ',"type":');
    this.schema(f.type, ns);
    this.doc(f.doc);
    if (f.default !== undefined) out.push(',"default":', writeJson(f.default));
    if (f.order !== 'ascending') out.push(',"order":', quote(f.order));
    if (f.aliases.length > 0) out.push(',"aliases":[', f.aliases.map(quote).join(','), ']');
    this.props(f.props);
    out.push('}');
  }
}

/** A short description of a type for messages: named types by name, at most `max` characters. */
export function describeType(node: SchemaNode, max = 200): string {
  const text = toCanonical(node, { namesOnly: true });
  return text.length > max ? `${text.slice(0, max)}...` : text;
}
