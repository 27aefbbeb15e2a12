import { readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';

/** What the figures were measured on. */
export interface MachineInfo {
  readonly cpuModel: string;
  readonly cpus: number;
  readonly node: string;
  readonly platform: string;
  readonly date: string;
  /** `/proc/loadavg` (1, 5, 15 minutes) when the run started. */
  readonly loadAverageAtStart: readonly number[];
}

export function machineInfo(): MachineInfo {
  const cpuinfo = readFileSync('/proc/cpuinfo', 'utf8');
  return {
    cpuModel: /^model name\s*:\s*(.+)$/m.exec(cpuinfo)?.[1]?.trim() ?? 'unknown',
    cpus: availableParallelism(),
    node: process.version,
    platform: `${process.platform} ${process.arch}`,
    date: new Date().toISOString(),
    loadAverageAtStart: loadAverage(),
  };
}

export function loadAverage(): number[] {
  return readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).map(Number);
}

/** Busy and total CPU time of the whole machine so far (seconds, all cores), from `/proc/stat`. */
export function machineCpuSeconds(): { busy: number; total: number } {
  const line = readFileSync('/proc/stat', 'utf8').split('\n')[0] ?? '';
  // cpu  user nice system idle iowait irq softirq steal ...
  const ticks = line.trim().split(/\s+/).slice(1).map(Number);
  const total = ticks.slice(0, 8).reduce((sum, value) => sum + value, 0);
  const idle = (ticks[3] ?? 0) + (ticks[4] ?? 0);
  return { busy: (total - idle) / 100, total: total / 100 };
}

/** This process's CPU time so far (the load generator), in seconds. */
export function ownCpuSeconds(): number {
  const usage = process.cpuUsage();
  return (usage.user + usage.system) / 1e6;
}
