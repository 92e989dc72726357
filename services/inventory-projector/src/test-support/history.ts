import { type DeviceModel, deterministicId } from '@restock/events';

/** A small seeded PRNG (mulberry32): reproducible histories without a dependency. */
export function prng(seed: number) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return {
    next,
    int: (lo: number, hi: number) => lo + Math.floor(next() * (hi - lo + 1)),
    pick: <T>(xs: readonly T[]): T => xs[Math.floor(next() * xs.length)] as T,
    chance: (p: number) => next() < p,
  };
}
export type Prng = ReturnType<typeof prng>;

export interface TopicEvent {
  topic: 'catalog' | 'consumption' | 'orders' | 'subscriptions' | 'adjustments';
  event: { id: string; type: string; deviceId?: string; key?: string; [k: string]: unknown };
}

const T0 = Date.UTC(2026, 2, 1);
const iso = (ms: number) => new Date(ms).toISOString();
const HOUR = 3_600_000;

export const WASHER: DeviceModel = {
  modelId: 'washer-x200',
  name: 'Washer X200',
  kind: 'washing_machine',
  slots: [
    {
      slotId: 'detergent',
      unitType: 'volume',
      capacity: 2000,
      defaultDailyUse: 60,
      replenishmentId: 'drs-det',
      optional: false,
    },
    {
      slotId: 'softener',
      unitType: 'volume',
      capacity: 1500,
      defaultDailyUse: 40,
      replenishmentId: 'drs-soft',
      optional: false,
    },
  ],
  marketplaces: {},
  image: null,
  certifiedAt: null,
  revision: 1,
};
export const PRINTER: DeviceModel = {
  modelId: 'printer-p1',
  name: 'Printer P1',
  kind: 'printer',
  slots: [
    {
      slotId: 'black_ink',
      unitType: 'percentage',
      capacity: 100,
      defaultDailyUse: 2,
      replenishmentId: 'drs-ink',
      optional: false,
    },
  ],
  marketplaces: {},
  image: null,
  certifiedAt: null,
  revision: 1,
};

function envelope(
  type: string,
  deviceId: string,
  at: number,
  data: Record<string, unknown>,
  id: string = crypto.randomUUID(),
) {
  return { id, type, version: 1, deviceId, occurredAt: iso(at), recordedAt: iso(at), source: 'test', data };
}

/**
 * A random but realistic history of a few devices: catalogue first, then use, readings (some late),
 * adjustments, DRS orders through placed, shipped, arrived or cancelled, subscription changes and
 * the occasional deregistration and new registration. Duplicates are added by the caller.
 */
export function randomHistory(rng: Prng, devices = 5, steps = 60): TopicEvent[] {
  const out: TopicEvent[] = [];
  for (const model of [WASHER, PRINTER]) {
    out.push({
      topic: 'catalog',
      event: {
        id: crypto.randomUUID(),
        type: 'DeviceModelDefined',
        version: 1,
        key: `model:${model.modelId}`,
        occurredAt: iso(T0),
        recordedAt: iso(T0),
        source: 'test',
        data: model,
      },
    });
  }
  for (let d = 0; d < devices; d++) {
    const deviceId = `dev-${d}`;
    const model = d % 2 === 0 ? WASHER : PRINTER;
    out.push({
      topic: 'catalog',
      event: envelope('DeviceProvisioned', deviceId, T0, {
        deviceId,
        modelId: model.modelId,
        serialNumber: `SN${d}`,
        marketplace: 'US',
        customerId: `cust-${d}`,
        credentialHash: null,
        credentialRevision: 0,
        testDevice: false,
        provisionedAt: iso(T0),
      }),
    });
    let t = T0 + HOUR;
    let seq = 0;
    let order = 0;
    const slotIds = model.slots.map((s) => s.slotId);
    const unit = model.kind === 'printer' ? 'percent' : 'ml';
    out.push({
      topic: 'subscriptions',
      event: envelope('DeviceRegistered', deviceId, t, {
        notificationId: `n-${deviceId}-r0`,
        notificationTime: iso(t),
        directedCustomerId: 'amzn1.account.X',
        modelId: model.modelId,
        serialNumber: `SN${d}`,
      }),
    });
    for (let i = 0; i < steps; i++) {
      t += rng.int(1, 12) * HOUR;
      const slotId = rng.pick(slotIds);
      const roll = rng.next();
      if (roll < 0.45) {
        seq++;
        out.push({
          topic: 'consumption',
          event: envelope('ConsumptionReported', deviceId, t, {
            slotId,
            quantity: rng.int(1, 80) / (unit === 'percent' ? 4 : 1),
            unit,
            reported: { quantity: 1, unit },
            sequence: seq,
          }),
        });
      } else if (roll < 0.6) {
        seq++;
        // Now and then a reading with an old sequence: it must never win over a newer one.
        const s = rng.chance(0.2) ? Math.max(0, seq - rng.int(1, 3)) : seq;
        out.push({
          topic: 'consumption',
          event: envelope('LevelReported', deviceId, t, {
            slotId,
            quantity: rng.int(0, unit === 'percent' ? 100 : 2000),
            unit,
            reported: { quantity: 1, unit },
            sequence: s,
          }),
        });
      } else if (roll < 0.68) {
        out.push({
          topic: 'adjustments',
          event: envelope('InventoryAdjusted', deviceId, t, {
            slotId,
            mode: rng.pick(['setLevel', 'addSpare']),
            quantity: rng.int(0, 500) / 10,
            unit,
            reported: { quantity: 1, unit },
            customerId: `cust-${d}`,
          }),
        });
      } else if (roll < 0.82) {
        order++;
        const instanceId = `amzn1.dash.v2.o.${deviceId}-${order}`;
        const drsSlotId = `drs-${slotId}`;
        const eta = t + rng.int(24, 96) * HOUR;
        const products = [
          {
            asin: 'B00EXAMPLE',
            quantity: model.kind === 'printer' ? 1 : rng.pick([34, 68]),
            unit: model.kind === 'printer' ? 'count' : 'fl oz',
            estimatedDeliveryAt: iso(eta),
          },
        ];
        const common = { instanceId, slotId, drsSlotId };
        out.push({
          topic: 'orders',
          event: envelope('OrderPlaced', deviceId, t, {
            ...common,
            notificationId: `n-${instanceId}-p`,
            notificationTime: iso(t),
            products,
          }),
        });
        if (rng.chance(0.15)) {
          out.push({
            topic: 'orders',
            event: envelope('OrderCancelled', deviceId, t + HOUR, {
              ...common,
              notificationId: `n-${instanceId}-c`,
              notificationTime: iso(t + HOUR),
            }),
          });
        } else if (rng.chance(0.85)) {
          const shippedAt = t + rng.int(2, 20) * HOUR;
          out.push({
            topic: 'orders',
            event: envelope('ItemShipped', deviceId, shippedAt, {
              ...common,
              notificationId: `n-${instanceId}-s`,
              notificationTime: iso(shippedAt),
              products,
            }),
          });
          if (rng.chance(0.8)) {
            const quantity =
              model.kind === 'printer' ? 100 : Math.round(products[0]!.quantity * 29.5735295625 * 1e6) / 1e6;
            out.push({
              topic: 'orders',
              event: envelope(
                'ShipmentArrived',
                deviceId,
                eta,
                { instanceId, slotId, quantity, unit, scheduledFor: iso(eta) },
                deterministicId('shipment-arrived', deviceId, instanceId),
              ),
            });
          }
        }
      } else if (roll < 0.95) {
        const slots = Object.fromEntries(
          slotIds.map((s) => [
            s,
            {
              drsSlotId: `drs-${s}`,
              subscribed: rng.chance(0.7),
              asin: 'B00EXAMPLE',
              productQuantity: 1,
              productUnit: 'count',
            },
          ]),
        );
        out.push({
          topic: 'subscriptions',
          event: envelope('SubscriptionChanged', deviceId, t, {
            notificationId: `n-${deviceId}-sub-${i}`,
            notificationTime: iso(t),
            directedCustomerId: 'amzn1.account.X',
            slots,
          }),
        });
      } else if (roll < 0.975) {
        out.push({
          topic: 'subscriptions',
          event: envelope('DeviceDeregistered', deviceId, t, {
            notificationId: `n-${deviceId}-d-${i}`,
            notificationTime: iso(t),
            directedCustomerId: 'amzn1.account.X',
          }),
        });
      } else {
        out.push({
          topic: 'subscriptions',
          event: envelope('DeviceRegistered', deviceId, t, {
            notificationId: `n-${deviceId}-r-${i}`,
            notificationTime: iso(t),
            directedCustomerId: 'amzn1.account.Y',
            modelId: model.modelId,
            serialNumber: `SN${d}`,
          }),
        });
      }
    }
  }
  return out;
}

/**
 * Another arrival order of the same history, as a consumer of several topics may see it: each
 * topic's own order is kept (Kafka keeps it per partition), the topics interleave at random, and
 * some events are delivered twice. The catalogue usually comes first (it is bootstrapped first in a
 * deployment), but a rebuild may read it interleaved with the rest: `catalogFirst: false`.
 */
export function interleave(rng: Prng, history: TopicEvent[], duplicates = 0.1, catalogFirst = true): TopicEvent[] {
  const catalog = catalogFirst ? history.filter((e) => e.topic === 'catalog') : [];
  const queues = new Map<string, TopicEvent[]>();
  for (const e of history) {
    if (e.topic === 'catalog' && catalogFirst) continue;
    const q = queues.get(e.topic) ?? [];
    q.push(e);
    if (rng.chance(duplicates)) q.push(e);
    queues.set(e.topic, q);
  }
  const out = [...catalog];
  const live = [...queues.values()].filter((q) => q.length > 0);
  while (live.length > 0) {
    const i = rng.int(0, live.length - 1);
    const q = live[i]!;
    out.push(q.shift()!);
    if (q.length === 0) live.splice(i, 1);
  }
  return out;
}
