/**
 * test/fixtures/compat/invalid-{avro,protobuf,jsonschema}.json through the HTTP API: registering any of
 * them answers 422 with error_code 42201 and creates nothing (the subject is still unknown: 404/40401).
 */
import { expect, it } from 'vitest';
import { eachBackend, enc, expectStatus, request, useRegistry } from '../helpers/live-registry.js';
import { loadFixture, schemaBody, type Format } from './harness.js';

interface InvalidCase {
  id: string;
  schema: string;
  why: string;
}

const cases = (['avro', 'protobuf', 'jsonschema'] as Format[]).flatMap((format) =>
  loadFixture<InvalidCase>(`invalid-${format}.json`).map((c) => ({ name: `${c.id} (${c.why}) → 422/42201`, format, c })),
);

eachBackend('Invalid schemas over HTTP', (backend) => {
  const registry = useRegistry(backend, 'corpus_invalid');

  it.each(cases)('$name', async ({ format, c }) => {
    const base = registry().url;
    const subject = c.id;
    const res = await request(base, 'POST', `/subjects/${enc(subject)}/versions`, schemaBody(format, c.schema));
    expect({ status: res.status, error_code: res.body?.error_code }, `${c.id}: ${res.text}`).toEqual({ status: 422, error_code: 42201 });
    expect(res.body.message, 'the 422 explains itself').toBeTypeOf('string');
    expect(res.body.message.length).toBeGreaterThan(0);

    const versions = await request(base, 'GET', `/subjects/${enc(subject)}/versions`);
    expect({ status: versions.status, error_code: versions.body?.error_code }, `nothing created: ${versions.text}`).toEqual({ status: 404, error_code: 40401 });
    const subjects = await expectStatus(base, 'GET', '/subjects?deleted=true', 200);
    expect(subjects.body).not.toContain(subject);
  });
});
