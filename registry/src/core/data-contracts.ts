/**
 * Data-contract members of a schema: metadata and rule sets. Canonical ordering (Confluent keeps metadata
 * maps and sets sorted), merging with config defaults/overrides (Metadata.mergeMetadata,
 * RuleSet.mergeRuleSets) and rule-set validation (RuleSet.validate → 42210).
 *
 * Unlike Confluent's community build, which silently drops rule sets, we store and return them as
 * Confluent Enterprise/Cloud do.
 */
import type { Metadata, Rule, RuleSet } from '@schemata/serdes';
import { invalidRuleSet } from './errors.js';
import { requireStorable } from './storable.js';

/** The reserved metadata property holding the subject version a schema was registered as. */
export const CONFLUENT_VERSION = 'confluent:version';

// fromEntries (not assignment) so that a `__proto__` key stays an ordinary key.
function sortedRecord<V>(rec: Record<string, V>, map: (v: V) => V = (v) => v): Record<string, V> {
  return Object.fromEntries(
    Object.entries(rec)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([k, v]) => [k, map(v)]),
  );
}

const sortedSet = (values: readonly string[]) => [...new Set(values)].sort();

/** Metadata with maps and sets sorted, empty members dropped; undefined when nothing is left. */
export function canonicalMetadata(m: Metadata | null | undefined): Metadata | undefined {
  if (!m) return undefined;
  const out: Metadata = {};
  if (m.tags && Object.keys(m.tags).length > 0) out.tags = sortedRecord(m.tags, sortedSet);
  if (m.properties && Object.keys(m.properties).length > 0) out.properties = sortedRecord(m.properties);
  if (m.sensitive && m.sensitive.length > 0) out.sensitive = sortedSet(m.sensitive);
  return Object.keys(out).length > 0 ? out : undefined;
}

/** A rule set with empty lists dropped; undefined when nothing is left. */
export function canonicalRuleSet(r: RuleSet | null | undefined): RuleSet | undefined {
  if (!r) return undefined;
  const out: RuleSet = {};
  if (r.migrationRules && r.migrationRules.length > 0) out.migrationRules = r.migrationRules;
  if (r.domainRules && r.domainRules.length > 0) out.domainRules = r.domainRules;
  if (r.encodingRules && r.encodingRules.length > 0) out.encodingRules = r.encodingRules;
  if (r.enableAt !== undefined && r.enableAt !== null) out.enableAt = r.enableAt;
  return Object.keys(out).length > 0 ? out : undefined;
}

/** Unions tags and properties (right wins per key) and sensitive sets. */
export function mergeMetadata(left: Metadata | undefined, right: Metadata | undefined): Metadata | undefined {
  if (!left) return right;
  if (!right) return left;
  return canonicalMetadata({
    tags: { ...left.tags, ...right.tags },
    properties: { ...left.properties, ...right.properties },
    sensitive: [...(left.sensitive ?? []), ...(right.sensitive ?? [])],
  });
}

function mergeRules(left: Rule[] | undefined, right: Rule[] | undefined): Rule[] | undefined {
  if (!left) return right;
  if (!right) return left;
  const replaced = new Set(right.map((r) => r.name));
  return [...left.filter((r) => !replaced.has(r.name)), ...right];
}

/** Per list, right's rules replace same-named rules of left; `enableAt` from right when it has one. */
export function mergeRuleSets(left: RuleSet | undefined, right: RuleSet | undefined): RuleSet | undefined {
  if (!left) return right;
  if (!right) return left;
  return canonicalRuleSet({
    migrationRules: mergeRules(left.migrationRules, right.migrationRules),
    domainRules: mergeRules(left.domainRules, right.domainRules),
    encodingRules: mergeRules(left.encodingRules, right.encodingRules),
    enableAt: right.enableAt ?? left.enableAt,
  });
}

export function confluentVersionOf(m: Metadata | undefined): string | undefined {
  return m?.properties?.[CONFLUENT_VERSION];
}

export function withConfluentVersion(m: Metadata | undefined, version: number): Metadata {
  return canonicalMetadata({ ...m, properties: { ...m?.properties, [CONFLUENT_VERSION]: String(version) } })!;
}

export function withoutConfluentVersion(m: Metadata | undefined): Metadata | undefined {
  if (!m?.properties || !(CONFLUENT_VERSION in m.properties)) return m;
  const { [CONFLUENT_VERSION]: _dropped, ...properties } = m.properties;
  return canonicalMetadata({ ...m, properties });
}

// ---- validation ----------------------------------------------------------------------------------

const RULE_NAME = /^[A-Za-z_][A-Za-z0-9_-]*$/;
const KINDS = new Set(['TRANSFORM', 'CONDITION']);
const MIGRATION_MODES = new Set(['UPGRADE', 'DOWNGRADE', 'UPDOWN']);
const DOMAIN_MODES = new Set(['WRITE', 'READ', 'WRITEREAD']);
const BIDIRECTIONAL = new Set(['UPDOWN', 'WRITEREAD']);

function validateRule(rule: Rule, names: Set<string>, migration: boolean): void {
  if (typeof rule.name !== 'string' || rule.name === '') throw invalidRuleSet('Missing rule name');
  if (!RULE_NAME.test(rule.name)) throw invalidRuleSet(`Invalid rule name ${rule.name}`);
  if (names.has(rule.name)) throw invalidRuleSet(`Found rule with duplicate name '${rule.name}'`);
  names.add(rule.name);
  if (typeof rule.type !== 'string' || rule.type === '') throw invalidRuleSet(`Missing rule type for rule '${rule.name}'`);
  if (rule.kind !== undefined && !KINDS.has(rule.kind)) throw invalidRuleSet(`Invalid rule kind ${String(rule.kind)}`);
  if (rule.mode !== undefined) {
    const allowed = migration ? MIGRATION_MODES : DOMAIN_MODES;
    if (!allowed.has(rule.mode)) {
      throw invalidRuleSet(
        migration
          ? `Migration rule '${rule.name}' must have mode UPGRADE, DOWNGRADE or UPDOWN`
          : `Domain rule '${rule.name}' must have mode WRITE, READ or WRITEREAD`,
      );
    }
  }
  for (const action of [rule.onSuccess, rule.onFailure]) {
    if (typeof action === 'string' && action.includes(',') && !(rule.mode !== undefined && BIDIRECTIONAL.has(rule.mode))) {
      throw invalidRuleSet(`Multiple actions can only be specified for a rule with mode WRITEREAD or UPDOWN: '${rule.name}'`);
    }
  }
}

/**
 * RuleSet.validate: unique, well-formed names, a type, and modes that fit the list; and (ours) no string
 * a store cannot hold. 42210 otherwise.
 */
export function validateRuleSet(ruleSet: RuleSet | null | undefined): void {
  if (!ruleSet) return;
  requireStorable(ruleSet, (reason) => invalidRuleSet(`Invalid rule set: a string holds ${reason}`));
  const names = new Set<string>();
  for (const r of ruleSet.migrationRules ?? []) validateRule(r, names, true);
  for (const r of ruleSet.domainRules ?? []) validateRule(r, names, false);
  for (const r of ruleSet.encodingRules ?? []) validateRule(r, names, false);
}
