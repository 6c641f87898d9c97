/**
 * The state of one Protobuf diff (compatibility.ts), and how it stays polynomial.
 *
 * Confluent compares a referenced message type again wherever a field reaches it (when the reference
 * changed version, or the type is a built-in), with a guard against the messages being compared on the
 * current path. Done literally, a referenced file of n messages each holding two fields of the next one
 * costs 2^n comparisons (n = 30: hours) and lists each difference 2^n times.
 *
 * Here the comparison of a pair of referenced types is kept and shared wherever it is reached again with
 * the same outcome guaranteed: its differences depend only on the pair and on which messages of its own
 * cycle (strongly connected component of the old schema's type graph) are on the current path, since
 * only those can stop the guard inside it. A shared comparison is stored once and listed where Confluent
 * lists it, so the flattened list is Confluent's, repetitions included, up to MAX_DIFFERENCES entries
 * (beyond which it can only repeat). Dense cycles can still make many distinct comparisons; past a work
 * bound proportional to the schemas the diff stops with an error rather than run on.
 */
import { CheckTooComplexError } from '../format.js';
import type { EnumDef, MessageDef } from './model.js';

export const COMPATIBLE_CHANGES: ReadonlySet<string> = new Set([
  'MESSAGE_ADDED',
  'MESSAGE_MOVED',
  'ENUM_ADDED',
  'ENUM_REMOVED',
  'ENUM_CONST_ADDED',
  'ENUM_CONST_CHANGED',
  'ENUM_CONST_REMOVED',
  'FIELD_ADDED',
  'FIELD_REMOVED',
  'FIELD_NAME_CHANGED',
  'FIELD_STRING_OR_BYTES_LABEL_CHANGED',
  'ONEOF_ADDED',
  'ONEOF_REMOVED',
  'ONEOF_FIELD_ADDED',
  'ONEOF_FIELD_MOVED_TO_TOP_LEVEL',
]);

export interface Difference {
  type: string;
  path: string;
  message: string;
}

export interface TypeInfo {
  packageName: string;
  /** The reference the type came through: null for built-ins and indirect imports, ('', -1) for the schema itself. */
  ref: { subject: string; version: number } | null;
  message?: MessageDef;
  enumDef?: EnumDef;
}

export type TypeMap = Map<string, TypeInfo>;

/** The differences found by comparing one pair of referenced message types, nested comparisons shared. */
export interface Comparison {
  readonly items: ReadonlyArray<Difference | Comparison>;
  readonly compatible: boolean;
}

/** More entries than this in one list can only be repetitions of a shared comparison's differences. */
export const MAX_DIFFERENCES = 10_000;

/** Thrown when a diff would need more work than its bound (see the module comment). */
export class DiffTooComplexError extends CheckTooComplexError {
  override readonly name = 'DiffTooComplexError';
}

/** Work shared by all contexts of one diff. */
export class DiffSearch {
  /** Messages whose fields are being compared (Confluent's recursion guard), by identity. */
  readonly stack = new Set<MessageDef>();
  private readonly memo = new Map<MessageDef, Map<MessageDef, Map<string, Comparison>>>();
  private readonly cycles: Cycles;
  private work = 0;
  private readonly maxWork: number;

  constructor(
    readonly originalTypes: TypeMap,
    readonly updateTypes: TypeMap,
  ) {
    this.cycles = cyclesOf(originalTypes);
    this.maxWork = 250_000 + 16 * (fieldCount(originalTypes) + fieldCount(updateTypes));
  }

  /**
   * Counts `units` of work (fields compared), throwing past the bound: comparing every message of both
   * schemas once costs less than a quarter of it; only cycles of referenced types that reach each other
   * in many ways (dozens of distinct paths per message) get near it.
   */
  charge(units: number): void {
    this.work += units;
    if (this.work > this.maxWork) {
      throw new DiffTooComplexError('the schemas are too intricate to compare (their referenced types reach each other in too many ways)');
    }
  }

  /** The comparison of `original` with `update` under `name`, computed by `compute` unless already known. */
  compare(name: string, original: MessageDef, update: MessageDef, compute: () => Comparison): Comparison {
    const key = `${name}\u0000${this.guardKey(original)}`;
    let byUpdate = this.memo.get(original);
    if (!byUpdate) this.memo.set(original, (byUpdate = new Map()));
    let byKey = byUpdate.get(update);
    if (!byKey) byUpdate.set(update, (byKey = new Map()));
    let result = byKey.get(key);
    if (!result) {
      result = compute();
      byKey.set(key, result);
    }
    return result;
  }

  /** Which messages of `m`'s cycle are on the current path (all the guard can see from inside `m`). */
  private guardKey(m: MessageDef): string {
    const cycle = this.cycles.members.get(m);
    if (!cycle) return this.stack.has(m) ? '+' : '';
    const on: number[] = [];
    if (this.stack.size < cycle.length) {
      for (const s of this.stack) if (this.cycles.members.get(s) === cycle) on.push(this.cycles.index.get(s)!);
    } else {
      for (const c of cycle) if (this.stack.has(c)) on.push(this.cycles.index.get(c)!);
    }
    return on.sort((a, b) => a - b).join(',');
  }
}

/** The differences of a list in order, shared comparisons expanded, up to MAX_DIFFERENCES (no recursion: chains can be long). */
export function flatten(items: ReadonlyArray<Difference | Comparison>, onlyIncompatible: boolean): Difference[] {
  const out: Difference[] = [];
  const pending: Array<{ items: ReadonlyArray<Difference | Comparison>; next: number }> = [{ items, next: 0 }];
  while (pending.length && out.length < MAX_DIFFERENCES) {
    const top = pending[pending.length - 1]!;
    if (top.next >= top.items.length) {
      pending.pop();
      continue;
    }
    const item = top.items[top.next++]!;
    if ('items' in item) {
      if (!onlyIncompatible || !item.compatible) pending.push({ items: item.items, next: 0 });
    } else if (!onlyIncompatible || !COMPATIBLE_CHANGES.has(item.type)) {
      out.push(item);
    }
  }
  return out;
}

export function isCompatible(items: ReadonlyArray<Difference | Comparison>): boolean {
  return items.every((i) => ('items' in i ? i.compatible : COMPATIBLE_CHANGES.has(i.type)));
}

function fieldCount(types: TypeMap): number {
  let n = 0;
  for (const info of types.values()) if (info.message) n += info.message.fields.length + 1;
  return n;
}

/**
 * Non-trivial strongly connected components of the old schema's type graph (a message points at the
 * message types of its fields, map values included, and at its nested messages): the only messages a
 * comparison can meet again on its own path. Tarjan's algorithm, iterative (chains can be long).
 */
interface Cycles {
  /** For each message on a cycle, the members of its component (one shared array per component). */
  members: Map<MessageDef, MessageDef[]>;
  index: Map<MessageDef, number>;
}

const cyclesByTypes = new WeakMap<TypeMap, Cycles>();

function cyclesOf(types: TypeMap): Cycles {
  let cycles = cyclesByTypes.get(types);
  if (!cycles) cyclesByTypes.set(types, (cycles = findCycles(types)));
  return cycles;
}

function findCycles(types: TypeMap): Cycles {
  const messages: MessageDef[] = [];
  for (const info of types.values()) if (info.message) messages.push(info.message);
  const index = new Map(messages.map((m, i) => [m, i]));
  const edges = messages.map((m) => {
    const out: number[] = [];
    for (const f of m.fields) {
      if (f.kind === 'scalar') continue;
      const target = types.get(f.type.startsWith('.') ? f.type.slice(1) : f.type)?.message;
      const i = target && index.get(target);
      if (i !== undefined) out.push(i);
    }
    for (const n of m.messages) {
      const i = index.get(n);
      if (i !== undefined) out.push(i);
    }
    return out;
  });
  const order = new Array<number>(messages.length).fill(-1);
  const low = new Array<number>(messages.length).fill(0);
  const onStack = new Array<boolean>(messages.length).fill(false);
  const stack: number[] = [];
  const members = new Map<MessageDef, MessageDef[]>();
  let counter = 0;
  for (let root = 0; root < messages.length; root++) {
    if (order[root] !== -1) continue;
    const frames: Array<{ v: number; next: number }> = [{ v: root, next: 0 }];
    order[root] = low[root] = counter++;
    stack.push(root);
    onStack[root] = true;
    while (frames.length) {
      const frame = frames[frames.length - 1]!;
      const { v } = frame;
      if (frame.next < edges[v]!.length) {
        const w = edges[v]![frame.next++]!;
        if (order[w] === -1) {
          order[w] = low[w] = counter++;
          stack.push(w);
          onStack[w] = true;
          frames.push({ v: w, next: 0 });
        } else if (onStack[w]) {
          low[v] = Math.min(low[v]!, order[w]!);
        }
        continue;
      }
      frames.pop();
      const parent = frames[frames.length - 1];
      if (parent) low[parent.v] = Math.min(low[parent.v]!, low[v]!);
      if (low[v] !== order[v]) continue;
      const component: MessageDef[] = [];
      let w: number;
      do {
        w = stack.pop()!;
        onStack[w] = false;
        component.push(messages[w]!);
      } while (w !== v);
      const selfLoop = edges[v]!.includes(v);
      if (component.length > 1 || selfLoop) for (const m of component) members.set(m, component);
    }
  }
  return { members, index };
}
