/**
 * test/fixtures/compat/protobuf.json through the HTTP API: for every case, the OLD schema is registered in a
 * fresh subject and the NEW one is checked with POST /compatibility/subjects/{s}/versions/latest?verbose=true
 * under BACKWARD and FORWARD (references registered first, under subjects private to the case).
 */
import { eachBackend, useRegistry } from '../helpers/live-registry.js';
import { definePairwiseTests, loadFixture, reportNullVerdicts, type PairCase } from './harness.js';

const cases = loadFixture<PairCase>('protobuf.json');
reportNullVerdicts('protobuf.json', cases);

eachBackend('Protobuf compatibility corpus over HTTP', (backend) => {
  const registry = useRegistry(backend, 'corpus_protobuf');
  definePairwiseTests('protobuf', cases, registry);
});
