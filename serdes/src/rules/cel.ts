/**
 * CEL rules with @bufbuild/cel, the evaluator Confluent's JavaScript client uses (same version range, so
 * an expression answers the same in both clients), with its strings extension:
 * - CEL (a CONDITION or TRANSFORM on the whole message, bound to `message`);
 * - CEL_FIELD (on each primitive field the rule's tags select, bound to `value`, `fullName`, `name`,
 *   `typeName`, `tags` and `message`, the record holding the field).
 * An expression `guard; expr` runs `expr` only when `guard` is true. Programs are compiled once per
 * expression.
 *
 * Two deliberate differences from Confluent's client 1.10.1 (see NOTES.md), both where it fails open:
 * - values are handed to CEL as plain data: decoded Avro records (avsc class instances) and protobufjs
 *   messages become plain objects, Long becomes bigint; @bufbuild/cel refuses class instances, so in
 *   Confluent's client a READ condition on a decoded Avro record never sees the record;
 * - an evaluation error fails the rule (onFailure runs); Confluent's client takes the error object as
 *   the answer, so a CONDITION whose expression errs passes.
 */
import { celEnv, isCelError, parse, plan } from '@bufbuild/cel';
import { STRINGS_EXT_FUNCS } from '@bufbuild/cel/ext/strings';
import type { FieldContext, FieldTransform, RuleContext } from './context.js';
import { FieldRuleExecutor, RuleError, type RuleExecutor } from './registry.js';

type Program = (args: Record<string, unknown>) => unknown;

const env = celEnv({ funcs: STRINGS_EXT_FUNCS });
const programs = new Map<string, Program>();
const MAX_PROGRAMS = 1000;

function program(expr: string): Program {
  let p = programs.get(expr);
  if (p === undefined) {
    p = plan(env, parse(expr)) as unknown as Program;
    if (programs.size >= MAX_PROGRAMS) programs.delete(programs.keys().next().value!);
    programs.set(expr, p);
  }
  return p;
}

function isLong(v: object): v is { low: number; high: number; unsigned: boolean } {
  return typeof (v as { low?: unknown }).low === 'number' && typeof (v as { high?: unknown }).high === 'number' && typeof (v as { unsigned?: unknown }).unsigned === 'boolean';
}

/** `v` as data @bufbuild/cel takes: plain objects, arrays, bigint for Long; the same object when it already is. */
export function celInput(v: unknown, depth = 0): unknown {
  if (v === null || typeof v !== 'object' || depth > 64) return v;
  if (v instanceof Uint8Array || v instanceof Map) return v;
  if (Array.isArray(v)) {
    let out: unknown[] | null = null;
    for (let i = 0; i < v.length; i++) {
      const c = celInput(v[i], depth + 1);
      if (c !== v[i]) (out ??= v.slice())[i] = c;
    }
    return out ?? v;
  }
  const proto = Object.getPrototypeOf(v) as object | null;
  if (proto !== Object.prototype && proto !== null && isLong(v)) {
    const big = (BigInt(v.high >>> 0) << 32n) | BigInt(v.low >>> 0);
    return v.unsigned ? big : BigInt.asIntN(64, big);
  }
  let out: Record<string, unknown> | null = proto === Object.prototype || proto === null ? null : {};
  for (const k of Object.keys(v)) {
    const value = (v as Record<string, unknown>)[k];
    const c = celInput(value, depth + 1);
    if (out === null && c !== value) out = { ...(v as Record<string, unknown>) };
    if (out !== null) out[k] = c;
  }
  return out ?? v;
}

function run(p: Program, args: Record<string, unknown>): unknown {
  const r = p(args);
  if (isCelError(r)) throw new RuleError(`CEL evaluation failed: ${r.message}`);
  return r;
}

/** Evaluates the rule's expression (with its optional `guard;`) on `args`; `msg` is what a skipped transform answers. */
export function evaluateCel(ctx: RuleContext, msg: unknown, args: Record<string, unknown>): unknown {
  let expr = ctx.rule.expr;
  if (expr == null) return msg;
  const semi = expr.indexOf(';');
  if (semi >= 0) {
    const guard = expr.slice(0, semi);
    if (guard.trim().length !== 0 && run(program(guard), args) === false) return ctx.rule.kind === 'CONDITION' ? true : msg;
    expr = expr.slice(semi + 1);
  }
  return run(program(expr), args);
}

export class CelExecutor implements RuleExecutor {
  type(): string {
    return 'CEL';
  }
  transform(ctx: RuleContext, msg: unknown): unknown {
    return evaluateCel(ctx, msg, { message: celInput(msg) });
  }
}

const fieldTransform: FieldTransform = {
  transform(ctx: RuleContext, field: FieldContext, value: unknown): unknown {
    if (value == null) return null;
    if (!field.isPrimitive()) return value;
    return evaluateCel(ctx, value, {
      value: celInput(value),
      fullName: field.fullName,
      name: field.name,
      typeName: field.typeName(),
      tags: Array.from(field.tags),
      message: celInput(field.containingMessage),
    });
  },
};

export class CelFieldExecutor extends FieldRuleExecutor {
  type(): string {
    return 'CEL_FIELD';
  }
  newTransform(): FieldTransform {
    return fieldTransform;
  }
}
