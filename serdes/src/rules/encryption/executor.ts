/** Field-level (ENCRYPT) and payload (ENCRYPT_PAYLOAD) encryption executors. */
import type { FieldTransform, RuleContext } from '../context.js';
import { FieldRuleExecutor, RuleError, type RuleExecutor } from '../registry.js';

export class EncryptionExecutor implements RuleExecutor {
  type(): string {
    return 'ENCRYPT_PAYLOAD';
  }
  transform(ctx: RuleContext): unknown {
    throw new RuleError(`rule ${ctx.rule.name}: encryption is not available yet`);
  }
}

export class FieldEncryptionExecutor extends FieldRuleExecutor {
  type(): string {
    return 'ENCRYPT';
  }
  newTransform(ctx: RuleContext): FieldTransform {
    throw new RuleError(`rule ${ctx.rule.name}: encryption is not available yet`);
  }
}
