import { avroFormat, type CompatibilityIssue } from '../../../serdes/src/formats/index.js';
import type { AvroSchema } from '../../../serdes/src/formats/avro/index.js';
import { loadCorpus, type InvalidCase, type PairCase as CorpusPairCase } from '../corpus.js';

export type { InvalidCase };

export interface PairCase extends CorpusPairCase {
  reference_incompatibilities?: string;
}

export interface ChainCase {
  id: string;
  description: string;
  level: string;
  history: string[];
  new: string;
  compatible: boolean;
}

export const pairCases = (): PairCase[] => loadCorpus<PairCase[]>('avro.json');
export const chainCases = (): ChainCase[] => loadCorpus<ChainCase[]>('avro-transitive.json');
export const invalidCases = (): InvalidCase[] => loadCorpus<InvalidCase[]>('invalid-avro.json');

export function parse(text: string): AvroSchema {
  return avroFormat.parse(text) as AvroSchema;
}

/** One expected incompatibility from a corpus case's `reference_incompatibilities`. */
export interface ExpectedIncompatibility {
  direction: 'B' | 'F';
  type: string;
  path: string;
  info: string;
}

/** Splits "B:TYPE /path info; F:TYPE /path info" into its entries. */
export function expectedIncompatibilities(text: string | undefined): ExpectedIncompatibility[] {
  if (text === undefined || text === '') return [];
  return text.split(/;\s(?=[BF]:)/).map((entry) => {
    const m = /^([BF]):([A-Z_]+) (\/\S*) ?(.*)$/.exec(entry);
    if (m === null) throw new Error(`unreadable reference incompatibility: ${entry}`);
    return { direction: m[1] as 'B' | 'F', type: m[2] as string, path: m[3] as string, info: m[4] as string };
  });
}

/**
 * Applies a compatibility level to a history (oldest first), the way Confluent's checker does:
 * non-transitive levels check only the latest version, *_TRANSITIVE ones all of them.
 * BACKWARD = backwardIssues(new, old), FORWARD = backwardIssues(old, new), FULL = both.
 */
export function checkLevel(level: string, history: readonly AvroSchema[], candidate: AvroSchema): CompatibilityIssue[] {
  if (level === 'NONE') return [];
  const transitive = level.endsWith('_TRANSITIVE');
  const base = transitive ? level.slice(0, -'_TRANSITIVE'.length) : level;
  const against = transitive ? [...history].reverse() : history.slice(-1);
  const issues: CompatibilityIssue[] = [];
  for (const old of against) {
    if (base === 'BACKWARD' || base === 'FULL') issues.push(...avroFormat.backwardIssues(candidate, old));
    if (base === 'FORWARD' || base === 'FULL') issues.push(...avroFormat.backwardIssues(old, candidate));
    if (base !== 'BACKWARD' && base !== 'FORWARD' && base !== 'FULL') throw new Error(`unknown level ${level}`);
  }
  return issues;
}
