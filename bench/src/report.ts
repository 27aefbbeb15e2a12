import { fixed, formatBytes, integer, shorten } from './format.js';
import type { MachineInfo } from './machine.js';
import type { PlannedScenario } from './measure-rounds.js';
import type { RouteOps, VariantOps } from './ops/store-ops.js';
import type { RoutePath } from './routes.js';
import type { Scenario } from './scenarios.js';
import { type CellSummary, type Measurements, summarizeCell } from './summary.js';
import type { TargetResult } from './targets.js';
import type { Variant } from './variants.js';

/** Everything a report shows. */
export interface ReportInput {
  readonly machine: MachineInfo;
  readonly settings: string;
  readonly load: string;
  readonly variants: readonly Variant[];
  /** Every selected scenario with every variant that runs it (measured or not). */
  readonly plan: readonly PlannedScenario[];
  /** Variant name -> why it was not measured. */
  readonly unavailable: ReadonlyMap<string, string>;
  readonly measurements: Measurements;
  readonly ops: ReadonlyMap<string, VariantOps>;
  readonly targets: readonly TargetResult[];
  /** Set when the MongoDB rows ran on a stand-in server: what to say under their tables. */
  readonly mongodbStandIn: string | undefined;
}

type Table = {
  /** A heading above this table and the ones after it, until the next. */
  section?: string;
  title: string;
  header: string[];
  rows: string[][];
  /** Text columns are left-aligned; figures (the default) right-aligned. The first column is always text. */
  textColumns?: boolean;
};

const FRAMEWORK_NAMES = { fastify: 'Fastify', express: 'Express' };

export function variantTitle(variant: Variant, mongodbStandIn?: string): string {
  const standIn = variant.store === 'mongodb' && mongodbStandIn !== undefined ? ' (on jongodb)' : '';
  return `${FRAMEWORK_NAMES[variant.framework]} · ${variant.label}${standIn}`;
}

const SECTIONS: Record<string, string> = {
  'per-connection':
    'A session per connection (default mode): 10 connections, each its own session (10 users)',
  shared: 'One shared session: all 10 connections carry the same session (one user’s burst)',
  none: 'Requests without a session cookie (the same in both modes)',
  large: 'Large session: 100 KB of 200 keys, a session per connection',
};

function sectionOf(scenario: Scenario): string {
  if (scenario.route.session === 'large') return SECTIONS.large!;
  return SECTIONS[scenario.mode ?? 'none']!;
}

function cellRow(
  input: ReportInput,
  variant: Variant,
  cell: CellSummary | undefined,
  extra: string[],
): string[] {
  const title = variantTitle(variant, input.mongodbStandIn);
  if (!cell) {
    const reason = input.unavailable.get(variant.name) ?? 'not measured';
    return [title, `not available: ${shorten(reason, 90)}`, '', '', '', '', '', '', ...extra.map(() => '')];
  }
  const failures = cell.errors + cell.non2xx;
  return [
    title,
    integer(cell.rps) + (failures > 0 ? ` (!${failures} failed)` : ''),
    `${integer(cell.rpsMin)}–${integer(cell.rpsMax)}`,
    fixed(cell.p99Ms, 1),
    fixed(cell.cpuUsPerRequest, 0),
    cell.layerCpuUs === undefined
      ? '–'
      : `${cell.layerCpuUs >= 0 ? '+' : '−'}${Math.abs(cell.layerCpuUs).toFixed(0)}`,
    cell.vsAnchor === undefined ? '–' : `${fixed(cell.vsAnchor, 2)} / ${fixed(cell.vsAnchorCpu, 2)}`,
    cell.vsCeiling === undefined ? '–' : `${fixed(cell.vsCeiling, 2)} / ${fixed(cell.vsCeilingCpu, 2)}`,
    ...extra,
  ];
}

/** "1 rt: EVALSHA (95 B sent)", "9 fs calls: 3× readFile, …; strace 14: …", "SQL: SELECT", "none". */
export function formatOps(ops: RouteOps | undefined): string {
  if (!ops) return '–';
  const names = (counts: Record<string, number>): string =>
    Object.entries(counts)
      .sort(([, a], [, b]) => b - a)
      .map(([name, count]) => (count === 1 ? name : `${count}× ${name}`))
      .join(', ');
  const total = (counts: Record<string, number>): number =>
    Math.round(Object.values(counts).reduce((sum, count) => sum + count, 0) * 100) / 100;
  if (ops.kind === 'commands') {
    if (ops.roundTrips === 0 && total(ops.operations) === 0) return 'none';
    const bytes =
      ops.bytesSent === undefined
        ? ''
        : ` (${formatBytes(ops.bytesSent)} sent, ${formatBytes(ops.bytesReceived ?? 0)} received)`;
    return `${ops.roundTrips} rt: ${names(ops.operations)}${bytes}`;
  }
  if (total(ops.operations) === 0) return 'none';
  if (ops.kind === 'sql statements') return `SQL: ${names(ops.operations)}`;
  const syscalls = ops.syscalls ? `; ${total(ops.syscalls)} system calls: ${names(ops.syscalls)}` : '';
  return `${total(ops.operations)} fs calls: ${names(ops.operations)}${syscalls}`;
}

const CELL_HEADER = [
  'variant',
  'req/s',
  'min–max',
  'p99 ms',
  'CPU µs/req',
  'layer µs/req',
  '× anchor req/s / CPU',
  '× bare req/s / CPU',
];

function scenarioTable(input: ReportInput, { scenario, variants }: PlannedScenario): Table {
  const large = scenario.route.session === 'large';
  const path = scenario.route.path;
  const rows = variants.map((variant) => {
    const ops = input.ops.get(variant.name)?.[path];
    const extra = large
      ? [
          ops?.roundTrips === undefined ? '–' : String(ops.roundTrips),
          ops?.bytesSent === undefined ? '–' : formatBytes(ops.bytesSent),
        ]
      : [];
    return cellRow(input, variant, summarizeCell(input.measurements, variant, scenario.id), extra);
  });
  return {
    section: sectionOf(scenario),
    title: `${scenario.mode === undefined ? '' : `${scenario.mode === 'shared' ? 'Shared session' : 'Per connection'} · `}${scenario.route.method} ${path} (${scenario.route.description})`,
    header: large ? [...CELL_HEADER, 'store rt', 'bytes to store/req'] : CELL_HEADER,
    rows,
  };
}

const OPS_ROUTES: readonly RoutePath[] = ['/read', '/write', '/nocookie', '/large/read', '/large/write'];

function tables(input: ReportInput): Table[] {
  const result = input.plan.map((planned) => scenarioTable(input, planned));
  const counted = input.variants.filter((variant) => input.ops.has(variant.name));
  if (counted.length > 0) {
    const routes = OPS_ROUTES.filter((path) =>
      counted.some((variant) => input.ops.get(variant.name)?.[path]),
    );
    result.push({
      section: 'Store operations and targets',
      title:
        'Store operations per request, a session per connection (rt = round trips to the store server; ' +
        'bytes sent to it; fs calls = node:fs calls, system calls = strace on the session files)',
      header: ['variant', ...routes],
      textColumns: true,
      rows: counted.map((variant) => [
        variantTitle(variant, input.mongodbStandIn),
        ...routes.map((path) => formatOps(input.ops.get(variant.name)?.[path])),
      ]),
    });
  }
  result.push({
    section: 'Store operations and targets',
    title: 'Targets (a session per connection unless stated; req/s ratios are medians of per-round ratios)',
    header: ['#', 'target', 'result', 'measured', 'detail'],
    textColumns: true,
    rows: input.targets.map((target) => [
      String(target.issue),
      target.description,
      target.status,
      target.measured,
      target.detail,
    ]),
  });
  return result;
}

function header(input: ReportInput): string[] {
  const { machine } = input;
  return [
    `Machine: ${machine.cpus} CPUs, ${machine.cpuModel}; Node ${machine.node} (${machine.platform}); ${machine.date}`,
    `Settings: ${input.settings}`,
    `Load: ${input.load}`,
    ...(input.mongodbStandIn === undefined ? [] : [`MongoDB: ${input.mongodbStandIn}`]),
    'Ratios are medians of per-round ratios (variants interleaved in every round); CPU ratio = reference CPU per request / ours; ' +
      'layer = CPU per request minus the bare framework’s in the same round.',
  ];
}

/** Plain-text tables for the terminal. */
export function renderText(input: ReportInput): string {
  const lines = [...header(input), ''];
  let section: string | undefined;
  for (const table of tables(input)) {
    if (table.section !== undefined && table.section !== section) {
      section = table.section;
      lines.push(`=== ${section} ===`, '');
    }
    // A "not available" row has its reason in the second cell and nothing after it: it is printed
    // past the column widths instead of widening the req/s column.
    const spans = (row: string[]): boolean => row.slice(2).every((cell) => cell === '');
    const widths = table.header.map((title, column) =>
      Math.max(
        title.length,
        ...table.rows.filter((row) => column === 0 || !spans(row)).map((row) => (row[column] ?? '').length),
      ),
    );
    const line = (cells: string[]): string =>
      cells
        .map((cell, column) =>
          column === 0 || table.textColumns ? cell.padEnd(widths[column]!) : cell.padStart(widths[column]!),
        )
        .join('  ')
        .trimEnd();
    lines.push(table.title, line(table.header), widths.map((width) => '-'.repeat(width)).join('  '));
    for (const row of table.rows)
      lines.push(spans(row) ? `${row[0]!.padEnd(widths[0]!)}  ${row[1]}` : line(row));
    lines.push('');
  }
  return lines.join('\n');
}

/** The same as Markdown, for bench/README.md. */
export function renderMarkdown(input: ReportInput): string {
  const lines = header(input).map((line) => `${line}  `);
  lines.push('');
  let section: string | undefined;
  for (const table of tables(input)) {
    if (table.section !== undefined && table.section !== section) {
      section = table.section;
      lines.push(`### ${section}`, '');
    }
    lines.push(`#### ${table.title}`, '', `| ${table.header.join(' | ')} |`);
    lines.push(
      `|${table.header.map((_, column) => (column === 0 || table.textColumns ? ' --- ' : ' ---: ')).join('|')}|`,
    );
    for (const row of table.rows) lines.push(`| ${row.map((cell) => cell || ' ').join(' | ')} |`);
    lines.push('');
  }
  return lines.join('\n');
}
