/**
 * Counters the core keeps for the metrics endpoint: plain numbers, read when metrics are scraped (the core
 * knows nothing of Prometheus). Counting costs an increment, so it is always on.
 */
export class RegistryStats {
  /** Compatibility checks that compared a schema with at least one earlier version. */
  compatibilityChecks = 0;
  /** Those that found the schema incompatible. */
  compatibilityFailures = 0;

  compatibilityChecked(compatible: boolean): void {
    this.compatibilityChecks++;
    if (!compatible) this.compatibilityFailures++;
  }
}
