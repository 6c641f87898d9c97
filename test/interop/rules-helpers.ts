/** What the data-contract suites share: a live registry with our client, and catching an expected failure. */
import { RegistryClient } from '../../serdes/src/index.js';
import { withRegistry } from '../serdes/helpers.js';

/** A registry for the calling file; `url()` and `client()` once it is started. */
export function rulesRegistry(): { url: () => string; client: () => RegistryClient } {
  let url = '';
  let client: RegistryClient | undefined;
  withRegistry((r) => {
    url = r.url;
    client = new RegistryClient({ baseUrls: [r.url] });
  });
  return { url: () => url, client: () => client! };
}

/** The error `p` rejects with (fails the test when it resolves). */
export async function failure(p: Promise<unknown>): Promise<Error> {
  try {
    await p;
  } catch (e) {
    return e as Error;
  }
  throw new Error('expected a failure');
}
