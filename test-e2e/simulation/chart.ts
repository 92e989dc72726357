import type { PolicyRule } from '@restock/policy';
import type { SimCalendar } from './population.js';
import type { SlotTrace } from './simulate-device.js';
import { type DeviceChart, POLICY_RULES } from './simulate-population.js';

/**
 * One device's slot over the measured year, one panel per policy, as a hand-written SVG (a chart
 * library would be a dependency for a few dozen elements): the level in the device, the stock on the
 * shelf above it, orders, deliveries, cancellations and stockout days.
 */

const WIDTH = 1200;
const PANEL_HEIGHT = 250;
const MARGIN = { left: 64, right: 24, top: 96, gap: 70, bottom: 56 };
const COLORS = {
  level: '#2563eb',
  shelf: '#93c5fd',
  order: '#ea580c',
  delivery: '#16a34a',
  cancel: '#dc2626',
  stockout: '#dc2626',
  grid: '#e5e7eb',
  axis: '#374151',
  text: '#111827',
  warmup: '#f3f4f6',
};
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

const POLICY_TITLE: Record<PolicyRule, string> = {
  guide: 'DRS guide rule (fixed 7 days of cover)',
  adaptive: 'adaptive rule (lead time, weekday pattern, safety stock)',
};

function escapeXml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

function niceStep(max: number): number {
  const rough = max / 5;
  const magnitude = 10 ** Math.floor(Math.log10(rough));
  const residual = rough / magnitude;
  return (residual > 5 ? 10 : residual > 2 ? 5 : residual > 1 ? 2 : 1) * magnitude;
}

const UNIT_LABEL: Record<string, string> = { percentage: '%', volume: 'ml', count: 'count', weight: 'g' };

/** The slot with the most stockout days under either policy (the first slot if none ran out). */
export function mostEventfulSlot(chart: DeviceChart): number {
  const stockouts = (slot: number) =>
    POLICY_RULES.reduce(
      (n, rule) => n + (chart.traces[rule][slot]?.events.filter((e) => e.type === 'stockout').length ?? 0),
      0,
    );
  let best = 0;
  const slots = chart.traces[POLICY_RULES[0]!].length;
  for (let slot = 1; slot < slots; slot++) if (stockouts(slot) > stockouts(best)) best = slot;
  return best;
}

/**
 * The SVG of slot `slotIndex` of the chart device; `why` says in the footer how the device was
 * chosen, so nobody mistakes an illustration for the aggregate.
 */
export function deviceChartSvg(chart: DeviceChart, calendar: SimCalendar, slotIndex: number, why: string): string {
  const first = calendar.warmupDays;
  const last = calendar.warmupDays + calendar.days - 1;
  const traces = POLICY_RULES.map((rule) => {
    const trace = chart.traces[rule][slotIndex];
    if (!trace) throw new RangeError(`the chart device has no slot ${slotIndex}`);
    return [rule, trace] as const;
  });
  const sample = traces[0]![1];
  let yMax = sample.capacity;
  for (const [, t] of traces) {
    for (let d = first; d <= last; d++) yMax = Math.max(yMax, (t.level[d] ?? 0) + (t.spare[d] ?? 0));
  }
  yMax *= 1.08;
  const plotWidth = WIDTH - MARGIN.left - MARGIN.right;
  const height = MARGIN.top + POLICY_RULES.length * (PANEL_HEIGHT + MARGIN.gap) - MARGIN.gap + MARGIN.bottom;
  const x = (day: number) => MARGIN.left + ((day - first + 0.5) / calendar.days) * plotWidth;
  const firstMs = Date.parse(`${calendar.firstDay}T00:00:00Z`);

  const parts: string[] = [];
  parts.push(
    `<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${height}" viewBox="0 0 ${WIDTH} ${height}" font-family="DejaVu Sans, Helvetica, Arial, sans-serif">`,
    `<rect width="100%" height="100%" fill="white"/>`,
    `<text x="${MARGIN.left}" y="24" font-size="17" font-weight="bold" fill="${COLORS.text}">${escapeXml(
      `${chart.deviceId}: ${sample.slotId} in ${UNIT_LABEL[sample.unitType] ?? sample.unitType}`,
    )}</text>`,
    `<text x="${MARGIN.left}" y="44" font-size="13" fill="${COLORS.axis}">${escapeXml(
      `${chart.kind.replace('_', ' ')}, ${chart.pattern} consumer, parcels usually ${chart.baseLeadDays} day${chart.baseLeadDays === 1 ? '' : 's'} to the door; ${why}`,
    )}</text>`,
  );
  legend(parts, MARGIN.left, 70);

  traces.forEach(([rule, trace], panel) => {
    const top = MARGIN.top + panel * (PANEL_HEIGHT + MARGIN.gap);
    const y = (value: number) => top + PANEL_HEIGHT - (value / yMax) * PANEL_HEIGHT;
    const count = (type: string) =>
      trace.events.filter((e) => e.type === type && e.day >= first && e.day <= last).length;
    const stockouts = count('stockout');
    parts.push(
      `<text x="${MARGIN.left}" y="${top - 10}" font-size="14" fill="${COLORS.text}">${escapeXml(
        `${POLICY_TITLE[rule]}: ${count('order')} orders, ${count('cancel')} cancelled, ${count('delivery')} deliveries, ${stockouts} stockout day${stockouts === 1 ? '' : 's'}`,
      )}</text>`,
    );
    // Grid and axes.
    const step = niceStep(yMax);
    for (let v = 0; v <= yMax; v += step) {
      parts.push(
        `<line x1="${MARGIN.left}" x2="${WIDTH - MARGIN.right}" y1="${y(v).toFixed(1)}" y2="${y(v).toFixed(1)}" stroke="${COLORS.grid}"/>`,
        `<text x="${MARGIN.left - 8}" y="${(y(v) + 4).toFixed(1)}" font-size="11" text-anchor="end" fill="${COLORS.axis}">${v}</text>`,
      );
    }
    for (let month = 0; month < 12; month++) {
      const monthStart = Date.UTC(new Date(firstMs).getUTCFullYear(), month, 1);
      const day = first + Math.round((monthStart - firstMs) / 86_400_000);
      if (day < first || day > last) continue;
      const mx = x(day) - (0.5 / calendar.days) * plotWidth;
      parts.push(
        `<line x1="${mx.toFixed(1)}" x2="${mx.toFixed(1)}" y1="${top}" y2="${top + PANEL_HEIGHT}" stroke="${COLORS.grid}"/>`,
        `<text x="${(mx + 4).toFixed(1)}" y="${top + PANEL_HEIGHT + 16}" font-size="11" fill="${COLORS.axis}">${MONTHS[month]}</text>`,
      );
    }
    parts.push(
      `<line x1="${MARGIN.left}" x2="${WIDTH - MARGIN.right}" y1="${top + PANEL_HEIGHT}" y2="${top + PANEL_HEIGHT}" stroke="${COLORS.axis}"/>`,
      `<line x1="${MARGIN.left}" x2="${MARGIN.left}" y1="${top}" y2="${top + PANEL_HEIGHT}" stroke="${COLORS.axis}"/>`,
    );
    // Stock: the shelf stacked on the level, then the level.
    parts.push(area(trace, first, last, x, y, (d) => (trace.level[d] ?? 0) + (trace.spare[d] ?? 0), COLORS.shelf));
    parts.push(area(trace, first, last, x, y, (d) => trace.level[d] ?? 0, COLORS.level));
    // Events.
    for (const event of trace.events) {
      if (event.day < first || event.day > last) continue;
      const ex = x(event.day).toFixed(1);
      const total = (trace.level[event.day] ?? 0) + (trace.spare[event.day] ?? 0);
      if (event.type === 'stockout') {
        const w = Math.max(2, plotWidth / calendar.days);
        parts.push(
          `<rect x="${(x(event.day) - w / 2).toFixed(1)}" y="${top + PANEL_HEIGHT - 7}" width="${w.toFixed(1)}" height="7" fill="${COLORS.stockout}"/>`,
        );
      } else if (event.type === 'order' || event.type === 'duplicate') {
        parts.push(
          `<line x1="${ex}" x2="${ex}" y1="${top + 10}" y2="${y(total).toFixed(1)}" stroke="${COLORS.order}" stroke-dasharray="3 3" stroke-width="1"/>`,
          `<path d="M ${Number(ex) - 5} ${top} L ${Number(ex) + 5} ${top} L ${ex} ${top + 9} Z" fill="${COLORS.order}"/>`,
        );
      } else if (event.type === 'cancel') {
        const cy = top + 16;
        parts.push(
          `<path d="M ${Number(ex) - 4} ${cy - 4} L ${Number(ex) + 4} ${cy + 4} M ${Number(ex) - 4} ${cy + 4} L ${Number(ex) + 4} ${cy - 4}" stroke="${COLORS.cancel}" stroke-width="2"/>`,
        );
      } else if (event.type === 'delivery') {
        parts.push(
          `<circle cx="${ex}" cy="${y(total).toFixed(1)}" r="4.5" fill="${COLORS.delivery}" stroke="white" stroke-width="1"/>`,
        );
      }
    }
  });
  parts.push(
    `<text x="${MARGIN.left}" y="${height - 12}" font-size="11" fill="${COLORS.axis}">${escapeXml(
      `Stock at the end of each day from ${calendar.firstDay} (the ${calendar.warmupDays}-day warm-up before it is not shown); orders are placed at 22:00 UTC, deliveries arrive in the morning and go on the shelf.`,
    )}</text>`,
    '</svg>',
  );
  return `${parts.join('\n')}\n`;
}

function area(
  trace: SlotTrace,
  first: number,
  last: number,
  x: (day: number) => number,
  y: (value: number) => number,
  value: (day: number) => number,
  color: string,
): string {
  const points: string[] = [`${x(first).toFixed(1)},${y(0).toFixed(1)}`];
  for (let d = first; d <= last && d < trace.level.length; d++)
    points.push(`${x(d).toFixed(1)},${y(value(d)).toFixed(1)}`);
  points.push(`${x(Math.min(last, trace.level.length - 1)).toFixed(1)},${y(0).toFixed(1)}`);
  return `<polygon points="${points.join(' ')}" fill="${color}" fill-opacity="0.85" stroke="${color}" stroke-width="1"/>`;
}

function legend(parts: string[], left: number, baseline: number): void {
  let cursor = left;
  const item = (symbol: string, label: string) => {
    parts.push(symbol.replaceAll('X0', String(cursor)));
    parts.push(
      `<text x="${cursor + 18}" y="${baseline}" font-size="12" fill="${COLORS.text}">${escapeXml(label)}</text>`,
    );
    cursor += 26 + label.length * 7;
  };
  item(`<rect x="X0" y="${baseline - 10}" width="12" height="12" fill="${COLORS.level}"/>`, 'level in the device');
  item(`<rect x="X0" y="${baseline - 10}" width="12" height="12" fill="${COLORS.shelf}"/>`, 'spare stock on the shelf');
  item(
    `<path d="M X0 ${baseline - 9} l 12 0 l -6 10 Z" fill="${COLORS.order}"/>`,
    'order placed (dashed: stock at that moment)',
  );
  item(`<circle cx="X0" cy="${baseline - 4}" r="5" fill="${COLORS.delivery}" transform="translate(6 0)"/>`, 'delivery');
  item(
    `<path d="M X0 ${baseline - 9} l 10 10 m -10 0 l 10 -10" stroke="${COLORS.cancel}" stroke-width="2"/>`,
    'cancelled',
  );
  item(`<rect x="X0" y="${baseline - 7}" width="12" height="7" fill="${COLORS.stockout}"/>`, 'stockout day');
}
