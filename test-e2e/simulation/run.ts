/**
 * `npm run sim`: the replenishment simulation. Runs the reorder policy of @restock/policy (the same
 * function the reorder-policy service calls) over a seeded synthetic population for a simulated
 * year, under the adaptive rule and under the DRS guide's baseline rule, and prints their figures.
 *
 *     npm run sim                      # 10,000 devices, 365 days, seed 1
 *     npm run sim -- --seed 7 --devices 2000 --days 180
 *     npm run sim -- --exhaustive      # ask the policy every day (no threshold screen): slow
 *
 * Writes out/simulation.json (figures, settings, per-kind and per-consumer splits) and
 * out/device-chart.svg (one device's year under both policies) next to this file.
 */
import { fork } from 'node:child_process';
import { mkdir, writeFile } from 'node:fs/promises';
import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import cliProgress from 'cli-progress';
import { deviceChartSvg, mostEventfulSlot } from './chart.js';
import { formatFigures, simulationFigures } from './figures.js';
import type { SimCalendar } from './population.js';
import { CANCELLATION_PROBABILITY, MAX_LEAD_DAYS, MIN_LEAD_DAYS } from './simulate-device.js';
import {
  type DeviceChart,
  type DeviceRow,
  POLICY_RULES,
  type SimulationOptions,
  settingsFor,
  simulateRange,
} from './simulate-population.js';
import type { WorkerMessage, WorkerTask } from './worker.js';

const { values: args } = parseArgs({
  options: {
    seed: { type: 'string', default: '1' },
    devices: { type: 'string', default: '10000' },
    days: { type: 'string', default: '365' },
    'warmup-days': { type: 'string', default: '28' },
    'first-day': { type: 'string', default: '2026-01-01' },
    workers: { type: 'string', default: String(Math.min(2, availableParallelism())) },
    'audit-rate': { type: 'string', default: '0.002' },
    'chart-device': { type: 'string' },
    exhaustive: { type: 'boolean', default: false },
    out: { type: 'string', default: fileURLToPath(new URL('./out/', import.meta.url)) },
  },
});

function integer(name: string, value: string | undefined, min: number): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < min) throw new RangeError(`--${name} must be an integer >= ${min}, got ${value}`);
  return n;
}

const calendar: SimCalendar = {
  warmupDays: integer('warmup-days', args['warmup-days'], 0),
  days: integer('days', args.days, 1),
  firstDay: args['first-day'] ?? '2026-01-01',
};
const seed = integer('seed', args.seed, 0);
const devices = integer('devices', args.devices, 1);
const workers = Math.min(devices, integer('workers', args.workers, 1));
const auditRate = Number(args['audit-rate']);
if (!(auditRate >= 0 && auditRate <= 1)) throw new RangeError(`--audit-rate must be within 0..1, got ${auditRate}`);

const chosenChartDevice = args['chart-device'] === undefined ? null : integer('chart-device', args['chart-device'], 0);
if (chosenChartDevice !== null && chosenChartDevice >= devices) {
  throw new RangeError(`--chart-device must be below --devices (${devices}), got ${chosenChartDevice}`);
}

const options: SimulationOptions = {
  seed,
  devices,
  calendar,
  screen: !args.exhaustive,
  auditRate: args.exhaustive ? 0 : auditRate,
  // Traced afterwards, in this process, once the run shows which device is worth a picture.
  chartDevice: null,
};

process.stderr.write(
  `replenishment simulation: seed ${seed}, ${devices} devices x ${calendar.days} days from ${calendar.firstDay} ` +
    `(+${calendar.warmupDays} warm-up days), ${workers} worker process(es)` +
    `${options.screen ? '' : ', exhaustive (the policy asked every day)'}\n`,
);

const started = performance.now();
const bar = new cliProgress.SingleBar(
  {
    format:
      'simulating {bar} {percentage}% | {value}/{total} devices | {duration_formatted} elapsed, ETA {eta_formatted}',
    stream: process.stderr,
    hideCursor: true,
    // Outside a terminal (CI logs) the bar prints a line now and then instead of redrawing.
    noTTYOutput: !process.stderr.isTTY,
    notTTYSchedule: 5000,
  },
  cliProgress.Presets.shades_classic,
);
bar.start(devices, 0);

const doneByWorker = new Array<number>(workers).fill(0);
const results = await Promise.all(
  Array.from({ length: workers }, (_, w) => {
    const from = Math.floor((devices * w) / workers);
    const to = Math.floor((devices * (w + 1)) / workers);
    return new Promise<DeviceRow[]>((resolve, reject) => {
      // The child inherits this process's flags, tsx's loader among them.
      const child = fork(fileURLToPath(new URL('./worker.ts', import.meta.url)), [], { stdio: 'inherit' });
      let settled = false;
      child.on('message', (message: WorkerMessage) => {
        if (message.type === 'progress') {
          doneByWorker[w] = message.done;
          bar.update(doneByWorker.reduce((a, n) => a + n, 0));
        } else if (message.type === 'done') {
          settled = true;
          resolve(message.rows);
        } else {
          settled = true;
          reject(new Error(`worker ${w} failed: ${message.message}`));
        }
      });
      child.on('exit', (code) => {
        if (!settled) reject(new Error(`worker ${w} exited with code ${code} before finishing`));
      });
      child.send({ options, from, to } satisfies WorkerTask);
    });
  }),
);
bar.stop();
const seconds = (performance.now() - started) / 1000;

const rows = results.flat();
const figures = simulationFigures(rows, calendar.days);

/**
 * The charted device: the one asked for, else the first of the population on which the two policies
 * differ in stockout days and an order was cancelled, so that the picture shows every kind of event
 * (either policy may be the one that ran out).
 */
function chartDeviceOf(all: readonly DeviceRow[]): { index: number; why: string } {
  if (chosenChartDevice !== null) return { index: chosenChartDevice, why: 'device chosen with --chart-device' };
  const found = [...all]
    .sort((a, b) => a.index - b.index)
    .find((r) => r.byRule.guide.stockoutDays !== r.byRule.adaptive.stockoutDays && r.byRule.guide.cancelled > 0);
  return found
    ? { index: found.index, why: 'charted as the first device whose stockout days differ, with a cancellation' }
    : { index: 0, why: 'the first device' };
}
const chartChoice = chartDeviceOf(rows);
const chart: DeviceChart | null = simulateRange(
  { ...options, chartDevice: chartChoice.index },
  chartChoice.index,
  chartChoice.index + 1,
).chart;

const outDir = args.out ?? fileURLToPath(new URL('./out/', import.meta.url));
await mkdir(outDir, { recursive: true });
const jsonPath = `${outDir.replace(/\/$/, '')}/simulation.json`;
const chartPath = `${outDir.replace(/\/$/, '')}/device-chart.svg`;
await writeFile(
  jsonPath,
  `${JSON.stringify(
    {
      seed,
      devices,
      calendar,
      world: {
        leadDays: { min: MIN_LEAD_DAYS, max: MAX_LEAD_DAYS },
        cancellationProbability: CANCELLATION_PROBABILITY,
        marketplace: 'US',
      },
      settings: Object.fromEntries(POLICY_RULES.map((rule) => [rule, settingsFor(options, rule)])),
      figures,
      chartDevice: chart ? { index: chart.index, deviceId: chart.deviceId, file: 'device-chart.svg' } : null,
      run: { seconds: Math.round(seconds * 10) / 10, workers, screen: options.screen, auditRate: options.auditRate },
    },
    null,
    2,
  )}\n`,
);
if (chart) await writeFile(chartPath, deviceChartSvg(chart, calendar, mostEventfulSlot(chart), chartChoice.why));

const misses = POLICY_RULES.reduce((n, rule) => n + figures.byPolicy[rule].screenMisses, 0);
const audits = POLICY_RULES.reduce((n, rule) => n + figures.byPolicy[rule].audits, 0);
process.stdout.write(
  `\nseed ${seed}: ${devices} devices (printers, washing machines, dishwashers, coffee machines in equal shares) x ` +
    `${calendar.days} days; lead times ${MIN_LEAD_DAYS}-${MAX_LEAD_DAYS} days, ${CANCELLATION_PROBABILITY * 100} % of orders cancelled\n\n` +
    `${formatFigures(figures)}\n\n` +
    (options.screen
      ? `threshold screen audit: ${audits} skipped decisions asked anyway, ${misses} would have ordered\n`
      : 'exhaustive run: the policy was asked on every day of every slot\n') +
    `figures: ${jsonPath}\nchart:   ${chart ? `${chartPath} (${chart.deviceId})` : 'none'}\n` +
    `${seconds.toFixed(1)} s\n`,
);
if (misses > 0) process.exitCode = 1;
