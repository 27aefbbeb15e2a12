import { formatBytes } from './format.js';
import { type RouteOps, totalOperations, type VariantOps } from './ops/store-ops.js';
import type { RoutePath } from './routes.js';
import { findScenario, type SessionMode } from './scenarios.js';
import { median } from './stats.js';
import { type Measurements, perRoundCpuDifferences, perRoundRatios } from './summary.js';
import { comparisonOf, findVariant, VARIANTS } from './variants.js';

/** What the targets are judged from. */
export interface TargetInput {
  readonly measurements: Measurements;
  /** Store operations per request (a session per connection). */
  readonly ops: ReadonlyMap<string, VariantOps>;
  /** Variant name -> why it was not measured. */
  readonly unavailable: ReadonlyMap<string, string>;
}

/**
 * `inconclusive`: measured, but the figure is inside the machine's noise (a session layer that costs
 * less CPU than the bare framework in the median round), so neither met nor missed can be claimed.
 */
export type TargetStatus = 'met' | 'missed' | 'inconclusive' | 'not measured';

export interface TargetResult {
  /** The target's number in the performance issue. */
  readonly issue: number;
  readonly description: string;
  readonly status: TargetStatus;
  /** The measured figure and what was needed, or why nothing was measured. */
  readonly measured: string;
  /** Supporting figures (CPU ratio, per-cell figures). */
  readonly detail: string;
}

type Target = (input: TargetInput) => TargetResult;

const x = (value: number): string => `${value.toFixed(2)}x`;
const status = (measured: boolean, met: boolean): TargetStatus =>
  !measured ? 'not measured' : met ? 'met' : 'missed';

function notMeasured(issue: number, description: string, why: string): TargetResult {
  return { issue, description, status: 'not measured', measured: why, detail: '' };
}

/** Why a variant has no figures: its reason for being unavailable, or that it was not selected. */
function whyMissing(input: TargetInput, variants: readonly string[]): string {
  const reasons = variants
    .map((name) => input.unavailable.get(name))
    .filter((reason) => reason !== undefined);
  return reasons.length > 0
    ? `not measured: ${reasons[0]}`
    : `not measured (not selected: ${variants.join(', ')})`;
}

/** A req/s ratio of one Tina4 cell to its anchor or to the bare framework, at least `minimum`. */
function ratioTarget(
  issue: number,
  description: string,
  variant: string,
  path: RoutePath,
  mode: SessionMode | undefined,
  against: 'anchor' | 'ceiling',
  minimum: number,
): Target {
  return (input) => {
    const comparison = comparisonOf(findVariant(variant));
    const reference = (against === 'anchor' ? comparison.anchor : comparison.ceiling)!;
    const scenario = findScenario(path, mode).id;
    const ratios = perRoundRatios(input.measurements, variant, reference.name, scenario, 'rps');
    if (ratios.length === 0)
      return notMeasured(issue, description, whyMissing(input, [variant, reference.name]));
    const ratio = median(ratios);
    const cpu = perRoundRatios(input.measurements, variant, reference.name, scenario, 'cpu');
    return {
      issue,
      description,
      status: status(true, ratio >= minimum),
      measured: `${x(ratio)} (need ≥ ${minimum}x)`,
      detail: `CPU per request ${x(median(cpu))}`,
    };
  };
}

/** Requests without a cookie on every Tina4 store of a framework, pooled, within 5% of the bare framework. */
function noCookieTarget(framework: 'fastify' | 'express'): Target {
  const name = framework === 'fastify' ? 'Fastify' : 'Express';
  const description = `${name} /nocookie within 5% of bare ${name} (all Tina4 stores pooled)`;
  return (input) => {
    const scenario = findScenario('/nocookie', undefined).id;
    const ceiling = `${framework}-bare`;
    const cells = VARIANTS.filter(
      (variant) => variant.framework === framework && variant.library === 'tina4',
    ).map((variant) => ({
      name: variant.name,
      ratios: perRoundRatios(input.measurements, variant.name, ceiling, scenario, 'rps'),
    }));
    const pooled = cells.flatMap((cell) => cell.ratios);
    if (pooled.length === 0) return notMeasured(2, description, whyMissing(input, [ceiling]));
    const ratio = median(pooled);
    return {
      issue: 2,
      description,
      status: status(true, ratio >= 0.95),
      measured: `${x(ratio)} (need ≥ 0.95x)`,
      detail: cells
        .filter((cell) => cell.ratios.length > 0)
        .map((cell) => `${cell.name.replace(`${framework}-tina4-`, '')} ${median(cell.ratios).toFixed(2)}`)
        .join(', '),
    };
  };
}

/** The session layer's CPU on Express at most 1.5x Fastify's, same store and route. */
function layerTarget(store: 'memory' | 'redis', path: RoutePath): Target {
  const description = `Express session-layer CPU ≤ 1.5x Fastify's, ${store} ${path}`;
  return (input) => {
    const scenario = findScenario(path, 'per-connection').id;
    const layer = (framework: string): number[] =>
      perRoundCpuDifferences(
        input.measurements,
        `${framework}-tina4-${store}`,
        `${framework}-bare`,
        scenario,
      );
    const express = layer('express');
    const fastify = layer('fastify');
    if (express.length === 0 || fastify.length === 0) {
      return notMeasured(
        1,
        description,
        whyMissing(input, [`express-tina4-${store}`, `fastify-tina4-${store}`]),
      );
    }
    const [expressUs, fastifyUs] = [median(express), median(fastify)];
    const detail = `Express ${signedUs(expressUs)}, Fastify ${signedUs(fastifyUs)} per request`;
    // A layer at or below zero is the noise of two CPU figures, not a cost: no ratio can be judged.
    if (expressUs <= 0 || fastifyUs <= 0) {
      return { issue: 1, description, status: 'inconclusive', measured: 'a layer within noise', detail };
    }
    const ratio = expressUs / fastifyUs;
    return {
      issue: 1,
      description,
      status: status(true, ratio <= 1.5),
      measured: `${x(ratio)} (need ≤ 1.5x)`,
      detail,
    };
  };
}

/** File-system calls per write of the file store with a session per connection, at most 4. */
const fileCallsTarget: Target = (input) => {
  const description = 'File store: ≤ 4 file-system calls per /write, sessions per connection, one process';
  const counted = (['fastify', 'express'] as const)
    .map((framework) => ({ framework, ops: input.ops.get(`${framework}-tina4-file`)?.['/write'] }))
    .filter((cell): cell is { framework: 'fastify' | 'express'; ops: RouteOps } => cell.ops !== undefined);
  if (counted.length === 0) {
    return notMeasured(4, description, whyMissing(input, ['fastify-tina4-file', 'express-tina4-file']));
  }
  const calls = counted.map((cell) => totalOperations(cell.ops)!);
  const worst = Math.max(...calls);
  const syscalls = counted
    .filter((cell) => cell.ops.syscalls)
    .map((cell) => `${cell.framework} ${sum(cell.ops.syscalls!)} system calls on session files (strace)`);
  return {
    issue: 4,
    description,
    status: status(true, worst <= 4),
    measured: `${worst} (need ≤ 4)`,
    detail: [
      ...counted.map((cell, index) => `${cell.framework} ${calls[index]} node:fs calls`),
      ...syscalls,
    ].join(', '),
  };
};

const signedUs = (value: number): string => `${value >= 0 ? '+' : '−'}${Math.abs(value).toFixed(0)} µs`;

function sum(counts: Record<string, number>): number {
  return Math.round(Object.values(counts).reduce((total, count) => total + count, 0) * 100) / 100;
}

/** The Redis store's near cache (client-side caching with CLIENT TRACKING): reads close to the bare framework. */
const nearCacheTarget: Target = (input) =>
  ratioTarget(
    5,
    'Near cache on: Fastify + Redis /read ≥ 0.6x bare Fastify',
    'fastify-tina4-redis-nearcache',
    '/read',
    'per-connection',
    'ceiling',
    0.6,
  )(input);

/** Bytes sent to the store per large-session write: the anchor's at least 5x Tina4's. */
function bytesTarget(store: 'redis' | 'postgres', anchorLabel: string): Target {
  const description = `100 KB session, one key changed: bytes to ${store === 'redis' ? 'Redis' : 'PostgreSQL'} ≥ 5x fewer than ${anchorLabel}`;
  return (input) => {
    const tina4 = input.ops.get(`fastify-tina4-${store}`)?.['/large/write']?.bytesSent;
    const anchor = input.ops.get(`fastify-anchor-${store}`)?.['/large/write']?.bytesSent;
    if (tina4 === undefined || anchor === undefined) {
      return notMeasured(
        6,
        description,
        whyMissing(input, [`fastify-tina4-${store}`, `fastify-anchor-${store}`]),
      );
    }
    const ratio = anchor / tina4;
    return {
      issue: 6,
      description,
      status: status(true, ratio >= 5),
      measured: `${x(ratio)} (need ≥ 5x)`,
      detail: `Tina4 ${formatBytes(tina4)}, anchor ${formatBytes(anchor)} per request`,
    };
  };
}

/** A large session's read stays one round trip. */
function largeReadTarget(store: 'redis' | 'postgres'): Target {
  const description = `100 KB session: Fastify + ${store === 'redis' ? 'Redis' : 'PostgreSQL'} /large/read in one round trip`;
  return (input) => {
    const ops = input.ops.get(`fastify-tina4-${store}`)?.['/large/read'];
    if (ops?.roundTrips === undefined)
      return notMeasured(6, description, whyMissing(input, [`fastify-tina4-${store}`]));
    return {
      issue: 6,
      description,
      status: status(true, ops.roundTrips <= 1),
      measured: `${ops.roundTrips} round trips (need 1)`,
      detail: Object.keys(ops.operations).join(', '),
    };
  };
}

/** The targets of the performance issue, in its order (a session per connection unless stated). */
export const TARGETS: readonly Target[] = [
  layerTarget('memory', '/read'),
  layerTarget('memory', '/write'),
  layerTarget('redis', '/read'),
  layerTarget('redis', '/write'),
  ratioTarget(
    1,
    'Express + Redis /read ≥ 1.5x express-session + connect-redis',
    'express-tina4-redis',
    '/read',
    'per-connection',
    'anchor',
    1.5,
  ),
  noCookieTarget('fastify'),
  noCookieTarget('express'),
  ratioTarget(
    3,
    'Fastify + Redis /read ≥ 2x @fastify/session + connect-redis',
    'fastify-tina4-redis',
    '/read',
    'per-connection',
    'anchor',
    2,
  ),
  ratioTarget(
    3,
    'Fastify + Redis /write ≥ 1.3x @fastify/session + connect-redis',
    'fastify-tina4-redis',
    '/write',
    'per-connection',
    'anchor',
    1.3,
  ),
  fileCallsTarget,
  ...(['per-connection', 'shared'] as const).flatMap((mode) =>
    (['fastify', 'express'] as const).map((framework) =>
      ratioTarget(
        4,
        `File store /write ≥ 10x session-file-store (${framework}, ${mode === 'shared' ? 'shared session' : 'sessions per connection'})`,
        `${framework}-tina4-file`,
        '/write',
        mode,
        'anchor',
        10,
      ),
    ),
  ),
  nearCacheTarget,
  ratioTarget(
    6,
    '100 KB session, one key changed: Fastify + Redis /large/write ≥ 5x @fastify/session + connect-redis',
    'fastify-tina4-redis',
    '/large/write',
    'per-connection',
    'anchor',
    5,
  ),
  bytesTarget('redis', '@fastify/session + connect-redis'),
  ratioTarget(
    6,
    '100 KB session, one key changed: Fastify + PostgreSQL /large/write ≥ 5x connect-pg-simple',
    'fastify-tina4-postgres',
    '/large/write',
    'per-connection',
    'anchor',
    5,
  ),
  bytesTarget('postgres', 'connect-pg-simple'),
  largeReadTarget('redis'),
  largeReadTarget('postgres'),
];

export function evaluateTargets(input: TargetInput): TargetResult[] {
  return TARGETS.map((target) => target(input));
}
