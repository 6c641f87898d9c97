/**
 * The Protobuf field walker of field rules (protobufjs messages), as Confluent's client walks message
 * descriptors: fields by their .proto name (`<message full name>.<field>`), tags from the
 * `(confluent.field_meta).tags` option, repeated fields item by item, oneofs only for the member that is
 * set, map fields left alone. Nested messages are walked with their own type (Confluent's client 1.10.1
 * passes the parent descriptor there, so it does not reach nested fields; see NOTES.md).
 */
import protobuf from 'protobufjs';
import type { FieldTransform, FieldType, RuleContext } from './context.js';
import { awaited, settle, transformLeaf } from './fields.js';

interface FieldPlan {
  readonly key: string;
  readonly fullName: string;
  readonly protoName: string;
  readonly type: FieldType;
  readonly tags: ReadonlySet<string>;
  readonly message: protobuf.Type | null;
  readonly repeated: boolean;
  readonly map: boolean;
  /** The oneof this field belongs to (protobufjs' virtual property name), if any. */
  readonly oneof: string | null;
}

const plans = new WeakMap<protobuf.Type, FieldPlan[]>();

const SCALARS: Record<string, FieldType> = {
  string: 'STRING',
  bytes: 'BYTES',
  int32: 'INT',
  sint32: 'INT',
  uint32: 'INT',
  fixed32: 'INT',
  sfixed32: 'INT',
  int64: 'LONG',
  sint64: 'LONG',
  uint64: 'LONG',
  fixed64: 'LONG',
  sfixed64: 'LONG',
  float: 'FLOAT',
  double: 'DOUBLE',
  bool: 'BOOLEAN',
};

function fieldTags(f: protobuf.Field): Set<string> {
  const out = new Set<string>();
  for (const o of (f.parsedOptions as unknown as Record<string, unknown>[] | null) ?? []) {
    for (const [k, v] of Object.entries(o)) {
      if (k === '(.confluent.field_meta)' || k === '(confluent.field_meta)') {
        const tags = (v as { tags?: unknown }).tags;
        for (const t of Array.isArray(tags) ? tags : tags === undefined ? [] : [tags]) out.add(String(t));
      } else if (k === '(.confluent.field_meta).tags' || k === '(confluent.field_meta).tags') {
        for (const t of Array.isArray(v) ? v : [v]) out.add(String(t));
      }
    }
  }
  return out;
}

/**
 * The fields of `type` as the walker visits them. `protoNames(type)` gives the .proto names of the fields
 * in declaration order (protobufjs renames them to camelCase unless keepCase).
 */
export function protobufPlan(type: protobuf.Type, protoNames: (type: protobuf.Type) => readonly string[]): FieldPlan[] {
  let plan = plans.get(type);
  if (plan !== undefined) return plan;
  type.resolveAll();
  const names = protoNames(type);
  const messageName = type.fullName.startsWith('.') ? type.fullName.slice(1) : type.fullName;
  plan = type.fieldsArray.map((f, i) => {
    const resolved = f.resolvedType;
    const fieldType: FieldType = f.map
      ? 'MAP'
      : resolved instanceof protobuf.Type
        ? 'RECORD'
        : resolved instanceof protobuf.Enum
          ? 'ENUM'
          : (SCALARS[f.type] ?? 'NULL');
    const protoName = names[i] ?? f.name;
    return {
      key: f.name,
      fullName: `${messageName}.${protoName}`,
      protoName,
      type: fieldType,
      tags: fieldTags(f),
      message: resolved instanceof protobuf.Type ? resolved : null,
      repeated: f.repeated,
      map: f.map,
      oneof: f.partOf && !f.partOf.name.startsWith('_') ? f.partOf.name : null,
    };
  });
  plans.set(type, plan);
  return plan;
}

export async function transformProtobuf(
  ctx: RuleContext,
  type: protobuf.Type,
  msg: Record<string, unknown>,
  transform: FieldTransform,
  protoNames: (type: protobuf.Type) => readonly string[],
): Promise<Record<string, unknown>> {
  const copy = { out: null as Record<string, unknown> | null };
  for (const p of protobufPlan(type, protoNames)) {
    if (p.oneof !== null && msg[p.oneof] !== p.key && msg[p.key] == null) continue;
    ctx.enterField(msg, p.fullName, p.protoName, p.type, p.tags);
    try {
      const before = msg[p.key];
      let after: unknown = before;
      if (before != null && !p.map) {
        if (p.repeated && Array.isArray(before)) {
          let out: unknown[] | null = null;
          for (let i = 0; i < before.length; i++) {
            const v = await visit(ctx, p, before[i], transform, protoNames);
            if (v !== before[i]) (out ??= before.slice())[i] = v;
          }
          after = out ?? before;
        } else {
          after = await visit(ctx, p, before, transform, protoNames);
        }
      }
      settle(ctx, msg, p.key, before, after, (v) => v === false, copy);
    } finally {
      ctx.leaveField();
    }
  }
  return copy.out ?? msg;
}

function visit(ctx: RuleContext, p: FieldPlan, value: unknown, transform: FieldTransform, protoNames: (type: protobuf.Type) => readonly string[]): unknown {
  if (value == null) return value;
  if (p.message !== null) return transformProtobuf(ctx, p.message, value as Record<string, unknown>, transform, protoNames);
  return awaited(transformLeaf(ctx, ctx.currentField(), transform, value));
}
