/**
 * Runs a schema's rule set on a message, with Confluent's semantics:
 * - which rules: domain rules (WRITE on serialize, READ on deserialize, in reverse order on read),
 *   encoding rules (on the payload bytes), migration rules (UPGRADE with the newer schema's rules,
 *   DOWNGRADE with the older one's, reversed); a rule runs when its mode is the one running, or WRITEREAD
 *   (for WRITE and READ) or UPDOWN (for UPGRADE and DOWNGRADE);
 * - `disabled` (or an override of the rule type, or a rule set `enableAt` other than ALL/CLIENT) skips it;
 * - a CONDITION that answers false, or an executor that throws, runs `onFailure` (default ERROR: the
 *   (de)serialization fails with `rule <name> failed: <why>`); otherwise `onSuccess` (default NONE);
 *   `onSuccess`/`onFailure` may name two actions, `WRITE,READ` (or `UPGRADE,DOWNGRADE`), for
 *   WRITEREAD/UPDOWN rules; any other action name must be registered in the RuleRegistry (Confluent's
 *   JavaScript client has no DLQ action either: a DLQ rule fails with "Could not find rule action of
 *   type DLQ" unless one is registered);
 * - a rule type with no executor runs onFailure and stops the rule set.
 */
import type { Rule, RuleMode, RuleSet } from '../api/types.js';
import type { RegistryClient } from '../client/client.js';
import { DeserializationError, SerializationError } from '../serde/errors.js';
import { builtinExecutor } from './builtin.js';
import { RuleContext, type FieldTransformer, type RulePhase, type RuleSchema } from './context.js';
import { RuleConditionError, RuleError, type RuleAction, type RuleExecutor, type RuleRegistry } from './registry.js';

export interface RuleRun {
  readonly subject: string;
  readonly topic: string;
  readonly phase: RulePhase;
  readonly mode: RuleMode;
  readonly source: RuleSchema | null;
  readonly target: RuleSchema;
  readonly inlineTags: ReadonlyMap<string, ReadonlySet<string>> | null;
  readonly fieldTransformer: FieldTransformer | null;
}

function rulesOf(ruleSet: RuleSet | undefined, phase: RulePhase): Rule[] | undefined {
  if (ruleSet == null) return undefined;
  return phase === 'MIGRATION' ? ruleSet.migrationRules : phase === 'ENCODING' ? ruleSet.encodingRules : ruleSet.domainRules;
}

/** Whether `ruleSet` has a rule of `phase` that runs in `mode` (WRITEREAD counts for WRITE and READ, UPDOWN for UPGRADE and DOWNGRADE). */
export function hasRules(ruleSet: RuleSet | undefined, phase: RulePhase, mode: RuleMode): boolean {
  const rules = rulesOf(ruleSet, phase);
  if (rules == null) return false;
  for (const r of rules) {
    const m = r.mode;
    if (!m) continue;
    if (m === mode) return true;
    if ((mode === 'WRITE' || mode === 'READ') && m === 'WRITEREAD') return true;
    if ((mode === 'UPGRADE' || mode === 'DOWNGRADE') && m === 'UPDOWN') return true;
  }
  return false;
}

class ErrorAction implements RuleAction {
  constructor(private readonly ErrorClass: typeof SerializationError | typeof DeserializationError) {}
  type(): string {
    return 'ERROR';
  }
  run(ctx: RuleContext, _msg: unknown, error: Error | null): void {
    throw new this.ErrorClass(`rule ${ctx.rule.name} failed: ${error?.message ?? 'unknown error'}`, { cause: error ?? undefined });
  }
}

const NONE: RuleAction = { type: () => 'NONE', run: () => undefined };

function isFinal(e: unknown): boolean {
  return e instanceof SerializationError || e instanceof DeserializationError;
}

export class RuleEngine {
  private readonly errorAction: ErrorAction;

  constructor(
    readonly registry: RuleRegistry,
    readonly client: RegistryClient,
    readonly config: Readonly<Record<string, string>>,
    readonly isKey: boolean,
    /** SerializationError for serializers, DeserializationError for deserializers. */
    readonly ErrorClass: typeof SerializationError | typeof DeserializationError,
  ) {
    this.errorAction = new ErrorAction(ErrorClass);
  }

  async execute(run: RuleRun, msg: unknown): Promise<unknown> {
    if (msg == null) return msg;
    const { mode, source, target } = run;
    let enableAt: string | undefined;
    let rules: readonly Rule[] | undefined;
    if (mode === 'UPGRADE') {
      enableAt = target.ruleSet?.enableAt;
      rules = target.ruleSet?.migrationRules;
    } else if (mode === 'DOWNGRADE') {
      enableAt = source?.ruleSet?.enableAt;
      rules = source?.ruleSet?.migrationRules?.slice().reverse();
    } else {
      enableAt = target.ruleSet?.enableAt;
      rules = rulesOf(target.ruleSet, run.phase === 'ENCODING' ? 'ENCODING' : 'DOMAIN');
      if (mode === 'READ' && rules) rules = rules.slice().reverse();
    }
    if (rules == null) return msg;
    for (let i = 0; i < rules.length; i++) {
      const rule = rules[i]!;
      if (this.isDisabled(rule, enableAt)) continue;
      const m = rule.mode;
      if (m === 'WRITEREAD') {
        if (mode !== 'WRITE' && mode !== 'READ') continue;
      } else if (m === 'UPDOWN') {
        if (mode !== 'UPGRADE' && mode !== 'DOWNGRADE') continue;
      } else if (m !== mode) continue;
      const ctx = new RuleContext(source, target, run.subject, run.topic, this.isKey, mode, rule, i, rules, run.inlineTags, run.fieldTransformer, this.client, this.config);
      const executor: RuleExecutor | undefined = this.registry.getExecutor(rule.type) ?? (await builtinExecutor(rule.type));
      if (executor === undefined) {
        await this.runAction(ctx, rule, this.onFailure(rule), msg, new Error(`could not find rule executor of type ${rule.type}`), 'ERROR');
        return msg;
      }
      try {
        let result = executor.transform(ctx, msg);
        if (result instanceof Promise) result = await result;
        if (rule.kind === 'CONDITION') {
          if (result === false) throw new RuleConditionError(rule);
        } else if (rule.kind === 'TRANSFORM') {
          msg = result;
        }
        await this.runAction(ctx, rule, msg != null ? this.onSuccess(rule) : this.onFailure(rule), msg, null, msg != null ? 'NONE' : 'ERROR');
      } catch (e) {
        if (isFinal(e)) throw e;
        await this.runAction(ctx, rule, this.onFailure(rule), msg, e instanceof Error ? e : new Error(String(e)), 'ERROR');
      }
    }
    return msg;
  }

  private isDisabled(rule: Rule, enableAt: string | undefined): boolean {
    const override = this.registry.getOverride(rule.type);
    if (override?.disabled != null) return override.disabled;
    const env = enableAt ?? 'ALL';
    if (env !== 'ALL' && env !== 'CLIENT') return true;
    return rule.disabled === true;
  }

  private onSuccess(rule: Rule): string | undefined {
    return this.registry.getOverride(rule.type)?.onSuccess ?? rule.onSuccess;
  }

  private onFailure(rule: Rule): string | undefined {
    return this.registry.getOverride(rule.type)?.onFailure ?? rule.onFailure;
  }

  private async runAction(ctx: RuleContext, rule: Rule, action: string | undefined, msg: unknown, error: Error | null, defaultAction: string): Promise<void> {
    const name = actionName(rule, ctx.ruleMode, action) ?? defaultAction;
    const ruleAction = name === 'ERROR' ? this.errorAction : name === 'NONE' ? NONE : this.registry.getAction(name);
    if (ruleAction === undefined) throw new RuleError(`Could not find rule action of type ${name}`);
    try {
      await ruleAction.run(ctx, msg, error);
    } catch (e) {
      if (isFinal(e)) throw e;
      process.emitWarning(`could not run post-rule action ${name}: ${e instanceof Error ? e.message : String(e)}`);
    }
  }
}

/** `WRITE,READ`-style action pairs of WRITEREAD and UPDOWN rules, picked by the mode running. */
function actionName(rule: Rule, mode: RuleMode, action: string | undefined): string | null {
  if (action == null || action === '') return null;
  if ((rule.mode === 'WRITEREAD' || rule.mode === 'UPDOWN') && action.includes(',')) {
    const parts = action.split(',');
    if (mode === 'WRITE' || mode === 'UPGRADE') return parts[0]!;
    if (mode === 'READ' || mode === 'DOWNGRADE') return parts[1]!;
  }
  return action;
}
