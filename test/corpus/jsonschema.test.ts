/**
 * test/fixtures/compat/jsonschema.json through the HTTP API: for every case, the OLD schema is registered in a
 * fresh subject and the NEW one is checked with POST /compatibility/subjects/{s}/versions/latest?verbose=true
 * under BACKWARD and FORWARD (and BACKWARD with compatibilityPolicy LENIENT
 * where the case has `backward_lenient`).
 */
import { eachBackend, useRegistry } from '../helpers/live-registry.js';
import { definePairwiseTests, loadFixture, reportNullVerdicts, type PairCase } from './harness.js';

const cases = loadFixture<PairCase>('jsonschema.json');
reportNullVerdicts('jsonschema.json', cases);

eachBackend('JSON Schema compatibility corpus over HTTP', (backend) => {
  const registry = useRegistry(backend, 'corpus_jsonschema');
  definePairwiseTests('jsonschema', cases, registry);
});
