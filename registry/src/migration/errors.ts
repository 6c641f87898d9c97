/**
 * What export and import refuse with. Each carries a message meant for the operator as it stands; the
 * command prints it and exits 1. Anything else escaping a migration is a bug or a store failure.
 */
export class MigrationError extends Error {
  override readonly name: string = 'MigrationError';
}

/** The file is not a complete, well-formed export (bad JSON, wrong shape, missing pieces, truncated). */
export class InvalidExportFile extends MigrationError {
  override readonly name = 'InvalidExportFile';
}

/** The target holds different data under ids, versions or scopes the file also names. Nothing was written. */
export class ImportConflict extends MigrationError {
  override readonly name = 'ImportConflict';

  constructor(readonly conflicts: readonly string[]) {
    const shown = conflicts.slice(0, MAX_SHOWN).map((c) => `  - ${c}`);
    if (conflicts.length > MAX_SHOWN) shown.push(`  … and ${conflicts.length - MAX_SHOWN} more`);
    super(`refusing to import: ${conflicts.length} conflict${conflicts.length === 1 ? '' : 's'} with the target (nothing was written):\n${shown.join('\n')}`);
  }
}

const MAX_SHOWN = 20;
