/**
 * What a store may report beyond the Store interface, for the health and metrics endpoints. Both are
 * optional: a store that implements neither is ready once `open()` has resolved, and the metrics then
 * count subjects through `listSubjects` and leave the schema count out.
 */

export interface Readiness {
  ready: boolean;
  /** Why not (shown by `/health/ready`), e.g. "catching up with the _schemas topic". */
  reason?: string;
}

/** A store that is not ready as soon as `open()` resolves (a log to catch up with, say). */
export interface ReadinessReporter {
  readiness(): Readiness;
}

export interface StoreStatistics {
  /** Schemas (distinct ids over every context). */
  schemas: number;
  /** Subjects with at least one live version. */
  subjects: number;
  /** Live (not soft-deleted) versions. */
  versions: number;
}

/** A store that can count what it holds cheaply (read when metrics are scraped). */
export interface StatisticsReporter {
  statistics(): Promise<StoreStatistics>;
}

export function reportsReadiness(store: object): store is ReadinessReporter {
  return typeof (store as Partial<ReadinessReporter>).readiness === 'function';
}

export function reportsStatistics(store: object): store is StatisticsReporter {
  return typeof (store as Partial<StatisticsReporter>).statistics === 'function';
}
