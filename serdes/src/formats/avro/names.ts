/**
 * Avro names as Avro-Java's `Schema.Name` handles them: a simple name plus an optional namespace, where a
 * dotted name carries its own namespace and an empty namespace means "none".
 */

export interface Name {
  /** The simple (unqualified) name. */
  readonly name: string;
  /** The namespace, `null` for none. */
  readonly space: string | null;
  /** `space.name`, or just `name` without a namespace. */
  readonly full: string;
}

/** Avro's schema type names; a named type called like one is always written fully qualified. */
const TYPE_NAMES: ReadonlySet<string> = new Set([
  'record', 'enum', 'array', 'map', 'union', 'fixed', 'string', 'bytes', 'int', 'long', 'float', 'double', 'boolean',
  'null',
]);

/**
 * Avro-Java's `NameValidator.STRICT_VALIDATOR` (the one Confluent uses for new schemas): ASCII letters,
 * digits and `_`, not starting with a digit. Returns what is wrong, or `undefined` for a valid name.
 */
export function strictNameProblem(name: string): string | undefined {
  if (name.length === 0) return 'Empty name';
  if (!/^[A-Za-z_]/.test(name)) return `Illegal initial character: ${name}`;
  if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) return `Illegal character in: ${name}`;
  return undefined;
}

/**
 * A name as written in a schema, resolved against the namespace in effect (Avro-Java `new Name(name,
 * space)`): `a.b.C` ignores `space`; an empty namespace becomes none.
 */
export function makeName(written: string, space: string | null): Name {
  const lastDot = written.lastIndexOf('.');
  let name = written;
  let ns = space;
  if (lastDot >= 0) {
    ns = written.slice(0, lastDot);
    name = written.slice(lastDot + 1);
  }
  if (ns === '') ns = null;
  return { name, space: ns, full: ns === null ? name : `${ns}.${name}` };
}

/**
 * How Avro-Java writes a reference to `n` where `defaultSpace` is in effect (`Name.getQualified`): the
 * simple name inside its own namespace, unless that simple name is also a type name.
 */
export function qualifiedName(n: Name, defaultSpace: string | null): string {
  if (n.space !== null && n.space === defaultSpace && !TYPE_NAMES.has(n.name)) return n.name;
  return n.full;
}

/**
 * The full names a named type answers to as Avro-Java's `getAliases()` returns them: aliases without a
 * namespace inside a namespaced type come out as `.Alias`, so they never match a writer's full name.
 */
export function aliasFullNames(name: Name, aliases: readonly Name[]): string[] {
  return aliases.map((a) => (a.space === null && name.space !== null ? `.${a.name}` : a.full));
}
