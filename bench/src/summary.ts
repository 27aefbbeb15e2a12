import type { LoadResult } from './load.js';
import type { RoutePath } from './routes.js';
import { max, median, min, quantile } from './stats.js';
import { comparisonOf, type Variant } from './variants.js';

/** One measured run, with the server's CPU time per request. */
export interface Measurement extends LoadResult {
  readonly round: number;
  /** Server process CPU (user + system) per completed request, in microseconds. */
  readonly cpuUsPerRequest: number;
}

/** variant name -> route -> runs (one per round, in round order). */
export type Measurements = Map<string, Map<RoutePath, Measurement[]>>;

/** The figures of one table cell (a variant on a route). */
export interface CellSummary {
  readonly rps: number;
  readonly rpsMin: number;
  readonly rpsMax: number;
  readonly rpsQ1: number;
  readonly rpsQ3: number;
  readonly p99Ms: number;
  readonly cpuUsPerRequest: number;
  /** Median of the per-round req/s ratios to the matching anchor. */
  readonly vsAnchor: number | undefined;
  /** Median of the per-round ratios of the anchor's CPU per request to this variant's. */
  readonly vsAnchorCpu: number | undefined;
  /** Median of the per-round req/s ratios to the bare ceiling of the same framework. */
  readonly vsCeiling: number | undefined;
  readonly vsCeilingCpu: number | undefined;
  readonly errors: number;
  readonly non2xx: number;
}

/**
 * Per-round ratios of `variant` to `reference` on a route: req/s (higher is better for the variant)
 * or CPU per request inverted (so that above 1 also means the variant is cheaper). Rounds missing
 * on either side are skipped.
 */
export function perRoundRatios(
  measurements: Measurements,
  variant: string,
  reference: string,
  route: RoutePath,
  by: 'rps' | 'cpu',
): number[] {
  const mine = measurements.get(variant)?.get(route) ?? [];
  const theirs = measurements.get(reference)?.get(route) ?? [];
  const ratios: number[] = [];
  for (const run of mine) {
    const other = theirs.find((candidate) => candidate.round === run.round);
    if (!other) continue;
    const ratio = by === 'rps' ? run.rps / other.rps : other.cpuUsPerRequest / run.cpuUsPerRequest;
    if (Number.isFinite(ratio)) ratios.push(ratio);
  }
  return ratios;
}

export function summarizeCell(
  measurements: Measurements,
  variant: Variant,
  route: RoutePath,
): CellSummary | undefined {
  const runs = measurements.get(variant.name)?.get(route) ?? [];
  if (runs.length === 0) return undefined;
  const rps = runs.map((run) => run.rps);
  const { anchor, ceiling } = comparisonOf(variant);
  const ratio = (reference: Variant | undefined, by: 'rps' | 'cpu'): number | undefined => {
    if (!reference || reference.name === variant.name) return undefined;
    const ratios = perRoundRatios(measurements, variant.name, reference.name, route, by);
    return ratios.length === 0 ? undefined : median(ratios);
  };
  return {
    rps: median(rps),
    rpsMin: min(rps),
    rpsMax: max(rps),
    rpsQ1: quantile(rps, 0.25),
    rpsQ3: quantile(rps, 0.75),
    p99Ms: median(runs.map((run) => run.p99Ms)),
    cpuUsPerRequest: median(runs.map((run) => run.cpuUsPerRequest)),
    vsAnchor: ratio(anchor, 'rps'),
    vsAnchorCpu: ratio(anchor, 'cpu'),
    vsCeiling: ratio(ceiling, 'rps'),
    vsCeilingCpu: ratio(ceiling, 'cpu'),
    errors: runs.reduce((sum, run) => sum + run.errors, 0),
    non2xx: runs.reduce((sum, run) => sum + run.non2xx, 0),
  };
}
