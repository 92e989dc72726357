import {
  type DeregisterRequested,
  type DeviceModelDefined,
  type DeviceState,
  deterministicId,
  type InventoryChanged,
  type ItemShipped,
  type LinkDrsAccount,
  type OrderCancelled,
  type OrderPlaced,
  type ReplenishRequested,
  type ShipmentArrived,
  type SlotStatusDue,
} from '@restock/events';
import type { MessageMeta } from '@restock/kafka';
import type { Tx } from '@restock/postgres';
import { injectTraceHeaders } from '@restock/telemetry';
import type { TokenCipher } from '../drs/token-cipher.js';
import type { GatewayStore } from '../store/gateway-store.js';

type Handled =
  | ReplenishRequested
  | SlotStatusDue
  | LinkDrsAccount
  | DeregisterRequested
  | InventoryChanged
  | OrderPlaced
  | ItemShipped
  | OrderCancelled
  | ShipmentArrived
  | { type: 'SubscriptionChanged'; id: string }
  | { type: 'DeviceRegistered' | 'DeviceDeregistered'; id: string; deviceId: string; occurredAt: string }
  | DeviceModelDefined
  | { type: 'DeviceModelDeleted'; id: string; data: { modelId: string } }
  | {
      type: 'DeviceProvisioned' | 'DeviceClaimed' | 'DeviceCredentialRotated' | 'DeviceCredentialRevoked';
      id: string;
      data: DeviceState;
    };

/** Where a recorded call keeps the W3C trace headers of the command that asked for it. */
export const CALL_TRACE_KEY = 'traceHeaders';

export interface GatewayHandlerOptions {
  store: GatewayStore;
  cipher: TokenCipher;
  clock: () => Date;
  /** ms a slot's status waits for more changes before it is sent. */
  slotStatusCoalesceMs: number;
  /** ms after a registration before subscriptionInfo is asked (the code exchange usually comes first). */
  subscriptionInfoDelayMs: number;
}

/**
 * Applies the gateway's topics in the consumer's transaction: commands become recorded calls (one per
 * command id: a re-delivered or repeated command is the same call), slot-status requests are
 * coalesced per slot, and the facts the calls need are kept.
 */
export function createGatewayHandler(options: GatewayHandlerOptions) {
  const { store } = options;

  async function record(
    tx: Tx,
    event: { id: string; type: string; deviceId: string },
    operation: 'replenish' | 'tokenExchange' | 'deregister',
    slotId: string | null,
    payload: Record<string, unknown>,
  ): Promise<void> {
    const now = options.clock();
    await store.recordCall(tx, {
      callId: event.id,
      operation,
      commandType: event.type,
      deviceId: event.deviceId,
      slotId,
      // The call is made later by the executor, outside the consumer's span: the command's trace
      // (the consumer's process span is active here) goes with it, so the DRS call continues it.
      payload: { ...payload, [CALL_TRACE_KEY]: injectTraceHeaders({}) },
      notBefore: now,
      createdAt: now,
    });
  }

  return {
    async handle(tx: Tx, raw: unknown, _meta: MessageMeta): Promise<void> {
      const event = raw as Handled;
      if (!(await store.markApplied(tx, event.id))) return;
      switch (event.type) {
        case 'ReplenishRequested':
          return record(tx, event, 'replenish', event.data.slotId, { command: event });
        case 'LinkDrsAccount': {
          // The code is a credential for minutes: sealed like the tokens, and kept out of the DLQ copy.
          const { authorizationCode, ...rest } = event.data;
          return record(tx, event, 'tokenExchange', null, {
            codeSealed: options.cipher.encrypt(authorizationCode, `${event.deviceId}:code`).toString('base64'),
            redirectUri: event.data.redirectUri,
            command: { ...event, data: rest },
          });
        }
        case 'DeregisterRequested':
          return record(tx, event, 'deregister', null, { command: event });
        case 'SlotStatusDue':
          return store.slotStatusDue(tx, {
            deviceId: event.deviceId,
            slotId: event.data.slotId,
            revision: event.data.revision ?? 1,
            expectedAt:
              event.data.expectedReplenishmentAt === null ? null : new Date(event.data.expectedReplenishmentAt),
            now: options.clock(),
            windowMs: options.slotStatusCoalesceMs,
          });
        case 'InventoryChanged':
          return store.saveInventory(tx, event.deviceId, event.data);
        case 'OrderPlaced':
        case 'ItemShipped':
        case 'OrderCancelled':
        case 'ShipmentArrived': {
          const state = {
            OrderPlaced: 'placed',
            ItemShipped: 'shipped',
            OrderCancelled: 'cancelled',
            ShipmentArrived: 'arrived',
          }[event.type];
          return store.orderSeen(
            tx,
            event.deviceId,
            event.data.instanceId,
            event.data.slotId,
            state,
            new Date(event.occurredAt),
          );
        }
        case 'DeviceRegistered': {
          await store.registrationEvent(tx, event.deviceId, 'registered', new Date(event.occurredAt));
          const now = options.clock();
          await store.recordCall(tx, {
            callId: deterministicId('subscriptionInfo', event.id),
            operation: 'subscriptionInfo',
            commandType: 'DeviceRegistered',
            deviceId: event.deviceId,
            slotId: null,
            notBefore: new Date(now.getTime() + options.subscriptionInfoDelayMs),
            createdAt: now,
          });
          return;
        }
        case 'DeviceDeregistered':
          // DRS revoked every token of the device (DRS-SNS-SPEC 1.3.6).
          await store.registrationEvent(tx, event.deviceId, 'deregistered', new Date(event.occurredAt));
          return store.deleteTokensBefore(tx, event.deviceId, new Date(event.occurredAt));
        case 'SubscriptionChanged':
          return;
        case 'DeviceModelDefined':
          return store.upsertModel(tx, event.data);
        case 'DeviceModelDeleted':
          return store.deleteModel(tx, event.data.modelId);
        case 'DeviceProvisioned':
        case 'DeviceClaimed':
        case 'DeviceCredentialRotated':
        case 'DeviceCredentialRevoked':
          return store.upsertDevice(tx, event.data);
      }
    },
  };
}
