import type { LoadResult } from './load.js';
import { max, median, min, quantile } from './stats.js';
import { comparisonOf, type Variant } from './variants.js';

/** One measured run, with the server's CPU time per request. */
export interface Measurement extends LoadResult {
  readonly round: number;
  /** Server process CPU (user + system) per completed request, in microseconds. */
  readonly cpuUsPerRequest: number;
}

/** variant name -> scenario id -> runs (one per round, in round order). */
export type Measurements = Map<string, Map<string, Measurement[]>>;

/** The figures of one table cell (a variant in a scenario). */
export interface CellSummary {
  readonly rps: number;
  readonly rpsMin: number;
  readonly rpsMax: number;
  readonly rpsQ1: number;
  readonly rpsQ3: number;
  readonly p99Ms: number;
  readonly cpuUsPerRequest: number;
  /**
   * The session layer's CPU per request: this variant's minus the bare framework's in the same round,
   * median over the rounds. Undefined for the ceilings.
   */
  readonly layerCpuUs: number | undefined;
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

/** Pairs each run of `variant` with the run of `reference` in the same round (rounds missing on either side are skipped). */
function pairedRuns(
  measurements: Measurements,
  variant: string,
  reference: string,
  scenario: string,
): [Measurement, Measurement][] {
  const mine = measurements.get(variant)?.get(scenario) ?? [];
  const theirs = measurements.get(reference)?.get(scenario) ?? [];
  const pairs: [Measurement, Measurement][] = [];
  for (const run of mine) {
    const other = theirs.find((candidate) => candidate.round === run.round);
    if (other) pairs.push([run, other]);
  }
  return pairs;
}

/**
 * Per-round ratios of `variant` to `reference` in a scenario: req/s (higher is better for the
 * variant) or CPU per request inverted (so that above 1 also means the variant is cheaper).
 */
export function perRoundRatios(
  measurements: Measurements,
  variant: string,
  reference: string,
  scenario: string,
  by: 'rps' | 'cpu',
): number[] {
  return pairedRuns(measurements, variant, reference, scenario)
    .map(([run, other]) => (by === 'rps' ? run.rps / other.rps : other.cpuUsPerRequest / run.cpuUsPerRequest))
    .filter((ratio) => Number.isFinite(ratio));
}

/** Per-round CPU per request of `variant` minus `reference`'s, in µs. */
export function perRoundCpuDifferences(
  measurements: Measurements,
  variant: string,
  reference: string,
  scenario: string,
): number[] {
  return pairedRuns(measurements, variant, reference, scenario).map(
    ([run, other]) => run.cpuUsPerRequest - other.cpuUsPerRequest,
  );
}

export function summarizeCell(
  measurements: Measurements,
  variant: Variant,
  scenario: string,
): CellSummary | undefined {
  const runs = measurements.get(variant.name)?.get(scenario) ?? [];
  if (runs.length === 0) return undefined;
  const rps = runs.map((run) => run.rps);
  const { anchor, ceiling } = comparisonOf(variant);
  const ratio = (reference: Variant | undefined, by: 'rps' | 'cpu'): number | undefined => {
    if (!reference || reference.name === variant.name) return undefined;
    const ratios = perRoundRatios(measurements, variant.name, reference.name, scenario, by);
    return ratios.length === 0 ? undefined : median(ratios);
  };
  const layer =
    ceiling.name === variant.name
      ? []
      : perRoundCpuDifferences(measurements, variant.name, ceiling.name, scenario);
  return {
    rps: median(rps),
    rpsMin: min(rps),
    rpsMax: max(rps),
    rpsQ1: quantile(rps, 0.25),
    rpsQ3: quantile(rps, 0.75),
    p99Ms: median(runs.map((run) => run.p99Ms)),
    cpuUsPerRequest: median(runs.map((run) => run.cpuUsPerRequest)),
    layerCpuUs: layer.length === 0 ? undefined : median(layer),
    vsAnchor: ratio(anchor, 'rps'),
    vsAnchorCpu: ratio(anchor, 'cpu'),
    vsCeiling: ratio(ceiling, 'rps'),
    vsCeilingCpu: ratio(ceiling, 'cpu'),
    errors: runs.reduce((sum, run) => sum + run.errors, 0),
    non2xx: runs.reduce((sum, run) => sum + run.non2xx, 0),
  };
}
