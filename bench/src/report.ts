import type { MachineInfo } from './machine.js';
import type { RouteOps, VariantOps } from './ops/store-ops.js';
import { ROUTES } from './routes.js';
import { type CellSummary, type Measurements, summarizeCell } from './summary.js';
import type { TargetResult } from './targets.js';
import type { Variant } from './variants.js';

/** Everything a report shows. */
export interface ReportInput {
  readonly machine: MachineInfo;
  readonly settings: string;
  readonly load: string;
  readonly variants: readonly Variant[];
  /** Variant name -> why it was not measured. */
  readonly unavailable: ReadonlyMap<string, string>;
  readonly measurements: Measurements;
  readonly ops: ReadonlyMap<string, VariantOps>;
  readonly targets: readonly TargetResult[];
}

type Table = {
  title: string;
  header: string[];
  rows: string[][];
  notes?: string[];
  /** Text columns are left-aligned; figures (the default) right-aligned. The first column is always text. */
  textColumns?: boolean;
};

const FRAMEWORK_NAMES = { fastify: 'Fastify', express: 'Express' };

export function variantTitle(variant: Variant): string {
  return `${FRAMEWORK_NAMES[variant.framework]} · ${variant.label}`;
}

const integer = (value: number): string => Math.round(value).toLocaleString('en-US');
const fixed = (value: number | undefined, digits: number): string =>
  value === undefined || !Number.isFinite(value) ? '–' : value.toFixed(digits);

function cellRow(variant: Variant, cell: CellSummary | undefined, unavailable: string | undefined): string[] {
  if (!cell)
    return [
      variantTitle(variant),
      `not available: ${shorten(unavailable ?? 'not measured', 90)}`,
      '',
      '',
      '',
      '',
      '',
    ];
  const failures = cell.errors + cell.non2xx;
  return [
    variantTitle(variant),
    integer(cell.rps) + (failures > 0 ? ` (!${failures} failed)` : ''),
    `${integer(cell.rpsMin)}–${integer(cell.rpsMax)}`,
    fixed(cell.p99Ms, 1),
    fixed(cell.cpuUsPerRequest, 0),
    cell.vsAnchor === undefined ? '–' : `${fixed(cell.vsAnchor, 2)} / ${fixed(cell.vsAnchorCpu, 2)}`,
    cell.vsCeiling === undefined ? '–' : `${fixed(cell.vsCeiling, 2)} / ${fixed(cell.vsCeilingCpu, 2)}`,
  ];
}

function shorten(text: string, length: number): string {
  return text.length <= length ? text : `${text.slice(0, length - 1)}…`;
}

/** "1 rt: EVALSHA", "2 rt: GET, SET", "fs: readFile", "none". */
export function formatOps(ops: RouteOps | undefined): string {
  if (!ops) return '–';
  const names = Object.entries(ops.operations)
    .sort(([, a], [, b]) => b - a)
    .map(([name, count]) => (count === 1 ? name : `${count}× ${name}`));
  const total = Object.values(ops.operations).reduce((sum, count) => sum + count, 0);
  if (ops.kind === 'commands') {
    return ops.roundTrips === 0 && total === 0 ? 'none' : `${ops.roundTrips} rt: ${names.join(', ')}`;
  }
  if (total === 0) return 'none';
  const prefix = ops.kind === 'fs calls' ? `${Math.round(total * 100) / 100} fs calls` : 'SQL';
  return `${prefix}: ${names.join(', ')}`;
}

function tables(input: ReportInput): Table[] {
  const result: Table[] = ROUTES.map((route) => ({
    title: `${route.method} ${route.path} (${route.description})`,
    header: [
      'variant',
      'req/s',
      'min–max',
      'p99 ms',
      'CPU µs/req',
      '× anchor req/s / CPU',
      '× bare req/s / CPU',
    ],
    rows: input.variants.map((variant) =>
      cellRow(
        variant,
        summarizeCell(input.measurements, variant, route.path),
        input.unavailable.get(variant.name),
      ),
    ),
  }));
  const counted = input.variants.filter((variant) => input.ops.has(variant.name));
  if (counted.length > 0) {
    result.push({
      title: 'Store operations per request (rt = round trips to the store server)',
      header: ['variant', 'GET /read', 'POST /write', 'GET /nocookie'],
      textColumns: true,
      rows: counted.map((variant) => {
        const ops = input.ops.get(variant.name);
        return [
          variantTitle(variant),
          formatOps(ops?.['/read']),
          formatOps(ops?.['/write']),
          formatOps(ops?.['/nocookie']),
        ];
      }),
    });
  }
  result.push({
    title: 'Targets (median of per-round req/s ratios; CPU-per-request ratio beside it)',
    header: ['target', 'result', 'req/s ratio', 'CPU ratio'],
    rows: input.targets.map((target) => [
      target.description,
      target.status,
      target.ratio === undefined ? '–' : `${fixed(target.ratio, 2)}x (need ${target.minimum}x)`,
      target.cpuRatio === undefined ? '–' : `${fixed(target.cpuRatio, 2)}x`,
    ]),
    notes: input.targets
      .filter((target) => target.cells.length > 1)
      .map(
        (target) =>
          `${target.description}: ${target.cells.map((cell) => `${cell.variant} ${fixed(cell.ratio, 2)}`).join(', ')}`,
      ),
  });
  return result;
}

function header(input: ReportInput): string[] {
  const { machine } = input;
  return [
    `Machine: ${machine.cpus} CPUs, ${machine.cpuModel}; Node ${machine.node} (${machine.platform}); ${machine.date}`,
    `Settings: ${input.settings}`,
    `Load: ${input.load}`,
    'Ratios are medians of per-round ratios (variants interleaved in every round); CPU ratio = reference CPU per request / ours.',
  ];
}

/** Plain-text tables for the terminal. */
export function renderText(input: ReportInput): string {
  const lines = [...header(input), ''];
  for (const table of tables(input)) {
    const widths = table.header.map((title, column) =>
      Math.max(title.length, ...table.rows.map((row) => (row[column] ?? '').length)),
    );
    const line = (cells: string[]): string =>
      cells
        .map((cell, column) =>
          column === 0 || table.textColumns ? cell.padEnd(widths[column]!) : cell.padStart(widths[column]!),
        )
        .join('  ')
        .trimEnd();
    lines.push(table.title, line(table.header), widths.map((width) => '-'.repeat(width)).join('  '));
    for (const row of table.rows) lines.push(line(row));
    for (const note of table.notes ?? []) lines.push(`  ${note}`);
    lines.push('');
  }
  return lines.join('\n');
}

/** The same as Markdown, for bench/README.md. */
export function renderMarkdown(input: ReportInput): string {
  const lines = header(input).map((line) => `${line}  `);
  lines.push('');
  for (const table of tables(input)) {
    lines.push(`#### ${table.title}`, '', `| ${table.header.join(' | ')} |`);
    lines.push(
      `|${table.header.map((_, column) => (column === 0 || table.textColumns ? ' --- ' : ' ---: ')).join('|')}|`,
    );
    for (const row of table.rows) lines.push(`| ${row.map((cell) => cell || ' ').join(' | ')} |`);
    if (table.notes?.length) lines.push('', ...table.notes.map((note) => `- ${note}`));
    lines.push('');
  }
  return lines.join('\n');
}
