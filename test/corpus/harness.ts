/**
 * The shared compatibility corpus (test/fixtures/compat, vendored from shared/compat) replayed against a
 * real registry over HTTP. Each pairwise case registers the OLD schema (`writer`) in a fresh subject and
 * asks `POST /compatibility/subjects/{s}/versions/latest?verbose=true` about the NEW one (`reader`) under
 * BACKWARD and FORWARD (and LENIENT BACKWARD where the case has a verdict for it).
 */
import { expect, it } from 'vitest';
import { loadCorpus, type PairCase as CorpusPair } from '../formats/corpus.js';
import { enc, expectStatus, type LiveRegistry } from '../helpers/live-registry.js';

export function loadFixture<T>(file: string): T[] {
  return loadCorpus<T[]>(file);
}

export type Format = 'avro' | 'protobuf' | 'jsonschema';

/** `schemaType` as sent on the wire; Avro omits it, as kafkajs does (Confluent also sends "AVRO"). */
export const SCHEMA_TYPE: Record<Format, string | undefined> = { avro: undefined, protobuf: 'PROTOBUF', jsonschema: 'JSON' };

export interface CaseReference {
  name: string;
  subject: string;
  version: number;
  schema: string;
}

export interface PairCase extends CorpusPair {
  backward_lenient?: boolean | null;
  writer_references?: CaseReference[];
  reader_references?: CaseReference[];
}

export interface Reference {
  name: string;
  subject: string;
  version: number;
}

/** The register / compatibility request body for one schema of a case. */
export function schemaBody(format: Format, schema: string, references: Reference[] = []): Record<string, unknown> {
  const body: Record<string, unknown> = { schema };
  const type = SCHEMA_TYPE[format];
  if (type) body.schemaType = type;
  if (references.length > 0) body.references = references;
  return body;
}

/**
 * Registers a case's referenced schemas under subjects private to the case (`<case id>.<subject>`), keeping
 * the reference `name` (the import path) and using the version the registry actually assigned. A subject
 * that gets a second, different schema (protobuf-043: v1 for the writer, a later version for the reader)
 * is set to NONE first, because the corpus does not say how the reference subject evolved.
 */
export async function registerReferences(base: string, caseId: string, refs: CaseReference[] | undefined): Promise<Reference[]> {
  const out: Reference[] = [];
  for (const ref of refs ?? []) {
    const subject = `${caseId}.${ref.subject}`;
    await expectStatus(base, 'PUT', `/config/${enc(subject)}`, 200, { compatibility: 'NONE' });
    await expectStatus(base, 'POST', `/subjects/${enc(subject)}/versions`, 200, schemaBody('protobuf', ref.schema));
    const found = await expectStatus(base, 'POST', `/subjects/${enc(subject)}`, 200, schemaBody('protobuf', ref.schema));
    expect(found.body.version, `version of reference ${subject}`).toBeTypeOf('number');
    out.push({ name: ref.name, subject, version: found.body.version });
  }
  return out;
}

export interface Verdict {
  is_compatible: unknown;
  messages: unknown;
}

/** Sets the subject config, then asks the registry about `body` against `versions/latest` or all `versions`. */
export async function checkCompatibility(
  base: string,
  subject: string,
  config: Record<string, unknown>,
  body: Record<string, unknown>,
  against: 'latest' | 'all' = 'latest',
): Promise<Verdict> {
  await expectStatus(base, 'PUT', `/config/${enc(subject)}`, 200, config);
  const path = against === 'latest' ? `/compatibility/subjects/${enc(subject)}/versions/latest?verbose=true` : `/compatibility/subjects/${enc(subject)}/versions?verbose=true`;
  const res = await expectStatus(base, 'POST', path, 200, body);
  return { is_compatible: res.body?.is_compatible, messages: res.body?.messages };
}

/** The verdict must match; an incompatible verdict must explain itself with at least one message. */
export function expectVerdict(verdict: Verdict, expected: boolean, context: string): void {
  expect(verdict.is_compatible, `${context}: messages ${JSON.stringify(verdict.messages)}`).toBe(expected);
  if (expected === false) {
    expect(Array.isArray(verdict.messages) && verdict.messages.length > 0, `${context}: an incompatible verdict needs messages, got ${JSON.stringify(verdict.messages)}`).toBe(true);
    for (const m of verdict.messages as unknown[]) expect(typeof m, `${context}: messages are strings`).toBe('string');
  }
}

type Direction = 'backward' | 'forward' | 'backward_lenient';

interface PairTest {
  name: string;
  c: PairCase;
  direction: Direction;
  expected: boolean;
}

/** The tests a pairwise fixture yields, and the null verdicts it skips. */
export function pairTests(cases: PairCase[]): { runnable: PairTest[]; nullVerdicts: string[] } {
  const runnable: PairTest[] = [];
  const nullVerdicts: string[] = [];
  for (const c of cases) {
    for (const direction of ['backward', 'forward', 'backward_lenient'] as const) {
      if (direction === 'backward_lenient' && !('backward_lenient' in c)) continue;
      const expected = c[direction];
      const name = `${c.id} ${direction === 'backward_lenient' ? 'backward (LENIENT)' : direction}`;
      if (expected === null || expected === undefined) nullVerdicts.push(name);
      else runnable.push({ name, c, direction, expected });
    }
  }
  return { runnable, nullVerdicts };
}

/**
 * Declares one named test per (case, direction) with a verdict. The writer of each case is registered once
 * (lazily, shared by its tests) in subject `<case id>`; the LENIENT check uses its own subject
 * `<case id>.lenient` so the policy never leaks into the STRICT checks.
 */
export function definePairwiseTests(format: Format, cases: PairCase[], registry: () => LiveRegistry): void {
  const { runnable, nullVerdicts } = pairTests(cases);
  const setups = new Map<string, Promise<void>>();

  const registerWriter = (c: PairCase, subject: string): Promise<void> => {
    let setup = setups.get(subject);
    if (!setup) {
      setup = (async () => {
        const base = registry().url;
        const refs = await registerReferences(base, subject, c.writer_references);
        await expectStatus(base, 'POST', `/subjects/${enc(subject)}/versions`, 200, schemaBody(format, c.writer, refs));
      })();
      setups.set(subject, setup);
    }
    return setup;
  };

  it.each(runnable)('$name', async ({ c, direction, expected }) => {
    const base = registry().url;
    const subject = direction === 'backward_lenient' ? `${c.id}.lenient` : c.id;
    await registerWriter(c, subject);
    const readerRefs = await registerReferences(base, subject, c.reader_references);
    const config: Record<string, unknown> =
      direction === 'forward' ? { compatibility: 'FORWARD' } : direction === 'backward' ? { compatibility: 'BACKWARD' } : { compatibility: 'BACKWARD', compatibilityPolicy: 'LENIENT' };
    const verdict = await checkCompatibility(base, subject, config, schemaBody(format, c.reader, readerRefs));
    expectVerdict(verdict, expected, `${c.id} (${c.description}) ${direction}`);
  });

  // Null verdicts are listed as skipped tests, so the report shows exactly which ones were not checked.
  it.skip.each(nullVerdicts.map((name) => ({ name })))('$name (null verdict in the corpus)', () => {});
}

/** Printed once per file: how many verdicts of the fixture were null and so not checked. */
export function reportNullVerdicts(file: string, cases: PairCase[]): void {
  const { runnable, nullVerdicts } = pairTests(cases);
  console.log(`${file}: ${cases.length} cases, ${runnable.length} verdicts checked, ${nullVerdicts.length} null verdicts skipped${nullVerdicts.length ? `: ${nullVerdicts.join(', ')}` : ''}`);
}
