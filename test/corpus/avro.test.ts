/**
 * test/fixtures/compat/avro.json through the HTTP API: for every case, the OLD schema is registered in a
 * fresh subject and the NEW one is checked with POST /compatibility/subjects/{s}/versions/latest?verbose=true
 * under BACKWARD and FORWARD.
 */
import { eachBackend, useRegistry } from '../helpers/live-registry.js';
import { definePairwiseTests, loadFixture, reportNullVerdicts, type PairCase } from './harness.js';

const cases = loadFixture<PairCase>('avro.json');
reportNullVerdicts('avro.json', cases);

eachBackend('Avro compatibility corpus over HTTP', (backend) => {
  const registry = useRegistry(backend, 'corpus_avro');
  definePairwiseTests('avro', cases, registry);
});
