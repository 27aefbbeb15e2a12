import type { RoutePath } from './routes.js';
import { median } from './stats.js';
import { type Measurements, perRoundRatios } from './summary.js';
import { comparisonOf, findVariant, VARIANTS } from './variants.js';

/** A goal from the benchmark issue: a ratio of Tina4 cells to their anchor or ceiling. */
export interface Target {
  readonly description: string;
  /** The cells whose per-round ratios are pooled (one cell for most targets). */
  readonly cells: readonly { readonly variant: string; readonly route: RoutePath }[];
  readonly against: 'anchor' | 'ceiling';
  readonly minimum: number;
}

export interface TargetResult {
  readonly description: string;
  readonly status: 'PASS' | 'MISS' | 'not measured';
  readonly minimum: number;
  /** Median of the pooled per-round req/s ratios. */
  readonly ratio: number | undefined;
  /** The same with CPU per request (reference's / ours), which other load on the machine disturbs less. */
  readonly cpuRatio: number | undefined;
  /** Per-cell medians, for targets over several cells. */
  readonly cells: readonly { readonly variant: string; readonly ratio: number }[];
}

const tina4Variants = (framework: 'fastify' | 'express') =>
  VARIANTS.filter((variant) => variant.framework === framework && variant.library === 'tina4').map(
    (variant) => ({
      variant: variant.name,
      route: '/nocookie' as const,
    }),
  );

/** The targets of the issue (ratios from one run on the project's 2-core machines). */
export const TARGETS: readonly Target[] = [
  {
    description: 'Fastify + Redis /read ≥ 2.0x @fastify/session + connect-redis',
    cells: [{ variant: 'fastify-tina4-redis', route: '/read' }],
    against: 'anchor',
    minimum: 2.0,
  },
  {
    description: 'Fastify + Redis /write ≥ 1.3x @fastify/session + connect-redis',
    cells: [{ variant: 'fastify-tina4-redis', route: '/write' }],
    against: 'anchor',
    minimum: 1.3,
  },
  {
    description: 'Fastify + Redis /read ≥ 0.6x bare Fastify',
    cells: [{ variant: 'fastify-tina4-redis', route: '/read' }],
    against: 'ceiling',
    minimum: 0.6,
  },
  ...(['fastify', 'express'] as const).flatMap((framework) =>
    (['/read', '/write'] as const).map((route) => ({
      description: `File store ${route} ≥ 10x session-file-store (${framework})`,
      cells: [{ variant: `${framework}-tina4-file`, route }],
      against: 'anchor' as const,
      minimum: 10,
    })),
  ),
  ...(['/read', '/write'] as const).map((route) => ({
    description: `PostgreSQL ${route} ≥ 1.5x connect-pg-simple (Fastify)`,
    cells: [{ variant: 'fastify-tina4-postgres', route }],
    against: 'anchor' as const,
    minimum: 1.5,
  })),
  {
    description: 'Fastify /nocookie within 5% of bare Fastify (all Tina4 stores pooled)',
    cells: tina4Variants('fastify'),
    against: 'ceiling',
    minimum: 0.95,
  },
  {
    description: 'Express /nocookie within 5% of bare Express (all Tina4 stores pooled)',
    cells: tina4Variants('express'),
    against: 'ceiling',
    minimum: 0.95,
  },
];

export function evaluateTargets(measurements: Measurements): TargetResult[] {
  return TARGETS.map((target) => {
    const rpsRatios: number[] = [];
    const cpuRatios: number[] = [];
    const cells: { variant: string; ratio: number }[] = [];
    for (const cell of target.cells) {
      const comparison = comparisonOf(findVariant(cell.variant));
      const reference = target.against === 'anchor' ? comparison.anchor : comparison.ceiling;
      if (!reference) continue;
      const ratios = perRoundRatios(measurements, cell.variant, reference.name, cell.route, 'rps');
      if (ratios.length === 0) continue;
      rpsRatios.push(...ratios);
      cpuRatios.push(...perRoundRatios(measurements, cell.variant, reference.name, cell.route, 'cpu'));
      cells.push({ variant: cell.variant, ratio: median(ratios) });
    }
    const ratio = rpsRatios.length === 0 ? undefined : median(rpsRatios);
    return {
      description: target.description,
      status: ratio === undefined ? 'not measured' : ratio >= target.minimum ? 'PASS' : 'MISS',
      minimum: target.minimum,
      ratio,
      cpuRatio: cpuRatios.length === 0 ? undefined : median(cpuRatios),
      cells,
    };
  });
}
