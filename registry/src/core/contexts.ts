/**
 * Schema contexts (Confluent's ContextsResource): separate id sequences and subject namespaces, created
 * implicitly by the first registration of a `:.ctx:subject`. The default context `.` is always listed first.
 */
import { contextNotEmpty } from './errors.js';
import type { RegistryState } from './state.js';
import { DEFAULT_CONTEXT, normalizeContextName } from './subjects.js';
import { paginate, type Page } from './types.js';

export class ContextService {
  constructor(private readonly state: RegistryState) {}

  /** `GET /contexts`; `canRead` (when the caller may see only some contexts) leaves the others out. */
  async list(query: { contextPrefix?: string | undefined; page: Page; canRead?: ((context: string) => boolean) | undefined }): Promise<string[]> {
    const others = (await this.state.store.contexts()).filter((c) => c !== DEFAULT_CONTEXT).sort();
    const prefix = query.contextPrefix ?? '';
    const all = [DEFAULT_CONTEXT, ...others].filter((c) => c.startsWith(prefix) && (!query.canRead || query.canRead(c)));
    return paginate(all, query.page);
  }

  /** `DELETE /contexts/{context}`: only an empty context (no subject, soft-deleted ones included) goes. */
  async delete(raw: string): Promise<void> {
    const context = normalizeContextName(raw);
    await this.state.write(async (tx, fx) => {
      if ((await tx.listSubjects({ context })).length > 0) throw contextNotEmpty(raw);
      await tx.deleteContext(context);
      fx.scopes.add(`:${context}:`);
    });
  }
}
