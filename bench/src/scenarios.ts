import { ROUTES, type Route, type RoutePath } from './routes.js';
import type { StoreKind, Variant } from './variants.js';

/**
 * How the load generator's connections map to sessions: `per-connection`, each connection a session
 * of its own (many users, the default), or `shared`, every connection the same session (one user's
 * burst: stores that queue or merge the writes of one session show it here).
 */
export type SessionMode = 'per-connection' | 'shared';

export const SESSION_MODES: readonly SessionMode[] = ['per-connection', 'shared'];

/** One measured thing: a route, and for routes with a cookie, the session mode. */
export interface Scenario {
  /** `per-connection GET /read`, `shared POST /write`, `GET /nocookie`: keys of the measurements. */
  readonly id: string;
  readonly route: Route;
  /** Undefined for requests without a cookie, which no mode changes. */
  readonly mode: SessionMode | undefined;
}

/** Stores whose large-session rows are measured: those the large-session target compares. */
export const LARGE_SESSION_STORES: readonly StoreKind[] = ['redis', 'postgres'];

function scenario(path: RoutePath, mode: SessionMode | undefined): Scenario {
  const route = ROUTES.find((candidate) => candidate.path === path)!;
  return { id: `${mode === undefined ? '' : `${mode} `}${route.method} ${route.path}`, route, mode };
}

/** Every scenario, in the order the rounds run them and the report lists them. */
export const SCENARIOS: readonly Scenario[] = [
  scenario('/read', 'per-connection'),
  scenario('/write', 'per-connection'),
  scenario('/read', 'shared'),
  scenario('/write', 'shared'),
  scenario('/nocookie', undefined),
  scenario('/large/read', 'per-connection'),
  scenario('/large/write', 'per-connection'),
];

export function findScenario(path: RoutePath, mode: SessionMode | undefined): Scenario {
  const found = SCENARIOS.find((candidate) => candidate.route.path === path && candidate.mode === mode);
  if (!found) throw new Error(`No scenario ${mode ?? ''} ${path}.`);
  return found;
}

/** What a run measures: the session modes, and whether the large-session routes are included. */
export interface ScenarioSelection {
  readonly modes: readonly SessionMode[];
  readonly large: boolean;
}

/** Whether a variant runs a scenario: large sessions only on their stores (and the ceilings, for the layer's cost). */
export function runsScenario(variant: Variant, scenario: Scenario, selection: ScenarioSelection): boolean {
  if (scenario.route.session === 'large') {
    if (!selection.large) return false;
    if (variant.library !== 'bare' && !LARGE_SESSION_STORES.includes(variant.store!)) return false;
  }
  return (
    scenario.mode === undefined ||
    scenario.route.session === 'large' ||
    selection.modes.includes(scenario.mode)
  );
}
