import type { BenchOptions } from './cli-options.js';
import { type ReportInput, variantTitle } from './report.js';
import { ROUTES } from './routes.js';
import { summarizeCell } from './summary.js';

/** Everything measured, for `results/latest.json`: every run, each cell's summary and store operations. */
export function resultsJson(input: ReportInput, options: BenchOptions): unknown {
  return {
    machine: input.machine,
    options,
    settings: input.settings,
    load: input.load,
    variants: input.variants.map((variant) => ({
      ...variant,
      title: variantTitle(variant),
      available: !input.unavailable.has(variant.name),
      reason: input.unavailable.get(variant.name),
      routes: Object.fromEntries(
        ROUTES.map((route) => [
          route.path,
          {
            summary: summarizeCell(input.measurements, variant, route.path),
            runs: input.measurements.get(variant.name)?.get(route.path) ?? [],
            storeOps: input.ops.get(variant.name)?.[route.path],
          },
        ]),
      ),
    })),
    targets: input.targets,
  };
}
