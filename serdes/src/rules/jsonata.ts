/**
 * JSONATA rules (migration rules between major versions, UPGRADE/DOWNGRADE): the expression maps the
 * record (as plain JSON-like data) to the other version's shape, with the `jsonata` package, as
 * Confluent's clients do. Expressions are compiled once.
 */
import jsonata from 'jsonata';
import type { RuleContext } from './context.js';
import type { RuleExecutor } from './registry.js';

const compiled = new Map<string, jsonata.Expression>();

export class JsonataExecutor implements RuleExecutor {
  type(): string {
    return 'JSONATA';
  }
  transform(ctx: RuleContext, msg: unknown): Promise<unknown> | unknown {
    const expr = ctx.rule.expr;
    if (expr == null) return msg;
    let e = compiled.get(expr);
    if (e === undefined) {
      e = jsonata(expr);
      if (compiled.size >= 1000) compiled.delete(compiled.keys().next().value!);
      compiled.set(expr, e);
    }
    return e.evaluate(msg);
  }
}
