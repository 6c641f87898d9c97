/** autocannon, awaited, reduced to the figures the benchmarks compare. */
import autocannon from 'autocannon';

export const DEFAULT_CONNECTIONS = 50;

/**
 * Runs one load test. `target` is { url, method?, path, body?, headers? }.
 * Returns { rps, p50, p99, total, errors, timeouts, non2xx, mismatches }.
 */
export function load(target, { connections = DEFAULT_CONNECTIONS, duration = 5, pipelining = 1, expectBody } = {}) {
  return new Promise((resolve, reject) => {
    autocannon(
      {
        url: `${target.url}${target.path}`,
        method: target.method ?? 'GET',
        headers: target.headers ?? {},
        body: target.body,
        connections,
        pipelining,
        duration,
        ...(expectBody !== undefined ? { expectBody } : {}),
      },
      (err, result) => {
        if (err) return reject(err);
        resolve({
          rps: result.requests.average,
          total: result.requests.total,
          p50: result.latency.p50,
          p99: result.latency.p99,
          errors: result.errors,
          timeouts: result.timeouts,
          non2xx: result.non2xx,
          mismatches: result.mismatches ?? 0,
        });
      },
    );
  });
}

/** A run with anything other than 2xx answers. */
export function failures(r) {
  return r.errors + r.timeouts + r.non2xx + r.mismatches;
}
