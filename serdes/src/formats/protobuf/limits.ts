/**
 * `SchemaLimits` for Protobuf (checked by `loadSchema` when validating with limits): fields per message
 * (oneof members and map fields included), members per oneof (branches), values per enum, messages and
 * enums of the file and everything it imports (named types; group bodies count as the messages they are
 * in descriptors), and how deeply messages nest (a top-level message is at depth 1). Checked on the
 * parsed file, before linking, printing or any comparison spends time on it. protobufjs' own nesting
 * limit (32 levels in .proto text) still applies first.
 */
import { checkLimit, type SchemaLimits } from '../format.js';
import { oneofMembers } from './indexes.js';
import type { EnumDef, FileDef, MessageDef } from './model.js';

/** Checks the bounds one file has on its own (everything but the named types of its imports). */
export function checkFileLimits(file: FileDef, limits: Readonly<SchemaLimits>): void {
  const checkEnum = (e: EnumDef) => checkLimit(limits, 'maxEnumValues', e.values.length, `enum ${e.fullName}`);
  const walk = (messages: readonly MessageDef[], depth: number) => {
    for (const m of messages) {
      const where = `message ${m.fullName}`;
      checkLimit(limits, 'maxDepth', depth, where);
      checkLimit(limits, 'maxFields', m.fields.length, where);
      m.oneofs.forEach((o, i) => checkLimit(limits, 'maxBranches', oneofMembers(m, i).length, `oneof ${m.fullName}.${o.name}`));
      m.enums.forEach(checkEnum);
      walk(m.messages, depth + 1);
    }
  };
  walk(file.messages, 1);
  file.enums.forEach(checkEnum);
}

/** Messages and enums a file declares, nested ones included. */
export function namedTypeCount(file: FileDef): number {
  let count = file.enums.length;
  const walk = (messages: readonly MessageDef[]) => {
    for (const m of messages) {
      count += 1 + m.enums.length;
      walk(m.messages);
    }
  };
  walk(file.messages);
  return count;
}
