import type { BenchOptions } from './cli-options.js';
import { type ReportInput, variantTitle } from './report.js';
import { summarizeCell } from './summary.js';

/** Everything measured, for `results/latest.json`: every run, each cell's summary and store operations. */
export function resultsJson(input: ReportInput, options: BenchOptions): unknown {
  return {
    machine: input.machine,
    options,
    settings: input.settings,
    load: input.load,
    mongodbStandIn: input.mongodbStandIn,
    variants: input.variants.map((variant) => ({
      ...variant,
      title: variantTitle(variant, input.mongodbStandIn),
      available: !input.unavailable.has(variant.name),
      reason: input.unavailable.get(variant.name),
      scenarios: Object.fromEntries(
        input.plan
          .filter(({ variants }) => variants.includes(variant))
          .map(({ scenario }) => [
            scenario.id,
            {
              summary: summarizeCell(input.measurements, variant, scenario.id),
              runs: input.measurements.get(variant.name)?.get(scenario.id) ?? [],
            },
          ]),
      ),
      storeOps: input.ops.get(variant.name),
    })),
    targets: input.targets,
  };
}
