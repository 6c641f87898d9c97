/**
 * Rule executors (by rule `type`: CEL, CEL_FIELD, JSONATA, ENCRYPT, ENCRYPT_PAYLOAD…), rule actions (by
 * name, for onSuccess/onFailure beyond NONE and ERROR: DLQ is one a caller can register) and overrides
 * (per rule type: force `disabled`, `onSuccess`, `onFailure`), as in Confluent's RuleRegistry.
 */
import type { Rule } from '../api/types.js';
import { SerdeError } from '../serde/errors.js';
import type { FieldTransform, RuleContext } from './context.js';

export interface RuleExecutor {
  /** The rule `type` this executor runs. */
  type(): string;
  /**
   * Runs the rule on `msg`: a CONDITION answers a boolean (false fails the rule), a TRANSFORM answers the
   * new message (or a promise of either).
   */
  transform(ctx: RuleContext, msg: unknown): unknown;
}

/** An executor that transforms the fields of a message (through the format's field walker). */
export abstract class FieldRuleExecutor implements RuleExecutor {
  abstract type(): string;
  abstract newTransform(ctx: RuleContext): FieldTransform;

  transform(ctx: RuleContext, msg: unknown): unknown {
    // As Confluent: of two transforms of the same kind, mode, type and tags, only the one closest to the
    // plain data runs (the first on write/upgrade, the last on read/downgrade).
    const { rule, rules, index } = ctx;
    if (ctx.ruleMode === 'WRITE' || ctx.ruleMode === 'UPGRADE') {
      for (let i = 0; i < index; i++) if (sameTransform(rule, rules[i]!)) return msg;
    } else if (ctx.ruleMode === 'READ' || ctx.ruleMode === 'DOWNGRADE') {
      for (let i = index + 1; i < rules.length; i++) if (sameTransform(rule, rules[i]!)) return msg;
    }
    if (ctx.fieldTransformer === null) throw new RuleError(`rule ${rule.name}: this serde cannot visit fields`);
    return ctx.fieldTransformer(ctx, this.newTransform(ctx), msg);
  }
}

/** Confluent compares the tag arrays by identity, so two rules never match unless they are one object. */
function sameTransform(a: Rule, b: Rule): boolean {
  return a.tags != null && a.tags.length > 0 && a.kind === 'TRANSFORM' && a.kind === b.kind && a.mode === b.mode && a.type === b.type && a.tags === b.tags;
}

export interface RuleAction {
  type(): string;
  /** Runs after a rule: `error` is null on success. Throwing a SerdeError fails the (de)serialization. */
  run(ctx: RuleContext, msg: unknown, error: Error | null): void | Promise<void>;
}

export interface RuleOverride {
  type: string;
  onSuccess?: string;
  onFailure?: string;
  disabled?: boolean;
}

/** A rule failed (its executor threw, or it is misconfigured). */
export class RuleError extends SerdeError {
  override name = 'RuleError';
}

/** A CONDITION rule answered false. The message is the rule's `doc`, else the expression or the rule name. */
export class RuleConditionError extends RuleError {
  override name = 'RuleConditionError';
  constructor(readonly rule: Rule) {
    super(rule.doc ? rule.doc : rule.expr ? `Expr failed: '${rule.expr}'` : `Condition failed: '${rule.name}'`);
  }
}

export class RuleRegistry {
  private readonly executors = new Map<string, RuleExecutor>();
  private readonly actions = new Map<string, RuleAction>();
  private readonly overrides = new Map<string, RuleOverride>();

  registerExecutor(executor: RuleExecutor): this {
    this.executors.set(executor.type(), executor);
    return this;
  }
  getExecutor(type: string): RuleExecutor | undefined {
    return this.executors.get(type);
  }
  registerAction(action: RuleAction): this {
    this.actions.set(action.type(), action);
    return this;
  }
  getAction(name: string): RuleAction | undefined {
    return this.actions.get(name);
  }
  registerOverride(override: RuleOverride): this {
    this.overrides.set(override.type, override);
    return this;
  }
  getOverride(type: string): RuleOverride | undefined {
    return this.overrides.get(type);
  }
}
