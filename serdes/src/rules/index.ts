/** Data-contract rules: the engine's public parts (registry, actions, executors, contexts, errors). */
export { RuleRegistry, RuleError, RuleConditionError, FieldRuleExecutor, type RuleExecutor, type RuleAction, type RuleOverride } from './registry.js';
export { RuleContext, FieldContext, type FieldType, type FieldTransform, type RuleSchema, type RulePhase } from './context.js';
export type { RuleOptions } from './support.js';
export { wildcardMatch } from './wildcard.js';
export { registerKmsDriver, LocalKmsClient, type KmsClient, type KmsDriver } from './encryption/kms.js';
export type { DekAlgorithm } from './encryption/aead.js';
