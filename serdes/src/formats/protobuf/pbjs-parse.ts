/**
 * protobufjs' .proto parser, without its quadratic cost in the fields of one message.
 *
 * protobufjs' `Type.add` checks a new field's number against `fieldsById`, an index it rebuilds from all
 * fields whenever it has been cleared, and every `add` clears it: building a message of n fields costs
 * O(n²) (3,000 fields: about 2 s per parse, and a oneof's members are added the same way). While
 * `parseWithProtobufjs` runs, `Type.prototype.add` is wrapped so that the index is kept up to date one
 * field at a time and handed to the original `add` before each call: the same checks, the same errors,
 * the same result, in linear time. The wrapper lives only for one synchronous parse (protobufjs calls
 * back into nothing of ours meanwhile), so no other use of protobufjs ever sees it.
 */
import protobuf from 'protobufjs';

type FieldIndex = Record<number, protobuf.Field>;
/** `_fieldsById` is protobufjs' private cache behind the public `fieldsById` getter. */
type IndexedType = protobuf.Type & { _fieldsById: FieldIndex | null };

const TypeProto = protobuf.Type.prototype as IndexedType;

export function parseWithProtobufjs(source: string, root: protobuf.Root, options: protobuf.IParseOptions): protobuf.IParserResult {
  const originalAdd = TypeProto.add;
  const originalRemove = TypeProto.remove;
  // Indexes this parse keeps current; a type it has not seen (or whose fields were removed) starts
  // from protobufjs' own getter, once.
  const indexes = new WeakMap<protobuf.Type, FieldIndex>();
  TypeProto.add = function add(this: IndexedType, object: protobuf.ReflectionObject) {
    if (!(object instanceof protobuf.Field) || object.extend !== undefined) return originalAdd.call(this, object);
    let index = indexes.get(this);
    if (index === undefined) {
      index = { ...this.fieldsById };
      indexes.set(this, index);
    }
    this._fieldsById = index;
    const result = originalAdd.call(this, object);
    // `add` returns early without adding for some names (`__proto__`); index only what it added.
    if (this.fields[object.name] === object) index[object.id] = object;
    return result;
  };
  TypeProto.remove = function remove(this: IndexedType, object: protobuf.ReflectionObject) {
    indexes.delete(this);
    return originalRemove.call(this, object);
  };
  try {
    return protobuf.parse(source, root, options);
  } finally {
    TypeProto.add = originalAdd;
    TypeProto.remove = originalRemove;
  }
}
