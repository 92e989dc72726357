import { context, ROOT_CONTEXT } from '@opentelemetry/api';
import { describeError, isRestockError, isRetriable } from '@restock/errors';
import { createCodec, type DrsCallCompleted, deterministicId, Topics } from '@restock/events';
import { type BusLog, enqueueEvents, enqueueMessages } from '@restock/kafka';
import { type Pool, type Tx, withTransaction } from '@restock/postgres';
import { extractTraceContext, type MessageHeaders } from '@restock/telemetry';
import { orderInfoAnswer, replenishAnswer, slotStatusBody, subscriptionInfoAnswer } from '../domain/drs-api.js';
import type { DrsClient } from '../drs/drs-client.js';
import { GatewayErrorCode, type HttpAnswer } from '../drs/http-client.js';
import type { TokenCipher } from '../drs/token-cipher.js';
import type { CallRow, GatewayStore } from '../store/gateway-store.js';
import { CALL_TRACE_KEY } from './gateway-handler.js';

const outcomesCodec = createCodec(Topics.outcomes);

export interface ExecutorOptions {
  pool: Pool;
  store: GatewayStore;
  drs: DrsClient;
  cipher: TokenCipher;
  log: BusLog;
  clock: () => Date;
  outcomesTopic: string;
  commandsDlqTopic: string;
  /** ms a claimed call may take (all its retries included) before it counts as lost. */
  leaseMs: number;
  concurrency: number;
  /** ms a call waits for the device's tokens or catalogue facts before it fails. */
  waitForDeviceMs: number;
  /** ms a call waits after the host's breaker opened. */
  breakerWaitMs: number;
  /** ms after which a replenish whose answer was lost is no longer repeated (see `reconcile`). */
  replenishReconcileMaxAgeMs: number;
  /** ms after a replenish answer by which OrderPlaced should have arrived. */
  orderPlacedOverdueMs: number;
  slotStatusRetryMs: number;
}

type Done = {
  kind: 'done';
  outcome: 'succeeded' | 'failed';
  httpStatus: number | null;
  detailCode: string | null;
  eventInstanceId: string | null;
  error: string | null;
  /** Stored with the call: DRS's answer body, never a token. */
  answer: unknown;
  orderInfo?: DrsCallCompleted['data']['orderInfo'];
  subscriptions?: DrsCallCompleted['data']['subscriptions'];
  /** DRS was unavailable through every retry: trying again later may succeed. */
  transient?: boolean;
};
type Deferred = { kind: 'defer'; until: Date; reason: string };
type Result = Done | Deferred;

const succeeded = (answer: HttpAnswer, extra: Partial<Done> = {}): Done => ({
  kind: 'done',
  outcome: 'succeeded',
  httpStatus: answer.status,
  detailCode: null,
  eventInstanceId: null,
  error: null,
  answer: answer.json,
  ...extra,
});

const failed = (error: string, httpStatus: number | null = null, answer: unknown = null): Done => ({
  kind: 'done',
  outcome: 'failed',
  httpStatus,
  detailCode: null,
  eventInstanceId: null,
  error: error.slice(0, 2000),
  answer,
});

/** DRS's own words for an error answer: `{"message": ...}`, else the status. */
function drsMessage(answer: HttpAnswer): string {
  const message = (answer.json as { message?: unknown } | null)?.message;
  return `DRS answered ${answer.status}${typeof message === 'string' ? `: ${message}` : ''}`;
}

const ok = (answer: HttpAnswer) => answer.status >= 200 && answer.status < 300;

/**
 * Makes the recorded DRS calls: claims pending ones (committing the claim before any request goes
 * out), makes each, and records its answer, its DrsCallCompleted and, for a command that failed for
 * good, a copy on commands.dlq with DRS's answer, all in one transaction through the outbox.
 */
export function createCallExecutor(options: ExecutorOptions) {
  const { store, drs, pool, log } = options;

  async function deviceOf(call: CallRow) {
    const device = await store.device(pool, call.device_id);
    if (!device?.slots) {
      throw Object.assign(new Error(`device ${call.device_id} or its model is not known yet`), {
        code: GatewayErrorCode.GW_NOT_READY,
      });
    }
    return { ...device, slots: device.slots };
  }

  function drsSlotOf(slots: { slotId: string; replenishmentId: string }[], slotId: string | null): string {
    const slot = slots.find((s) => s.slotId === slotId);
    if (!slot) {
      throw Object.assign(new Error(`slot ${slotId} is not a slot of the device's model`), {
        code: GatewayErrorCode.GW_NOT_READY,
      });
    }
    return slot.replenishmentId;
  }

  async function perform(call: CallRow): Promise<Result> {
    const now = options.clock();
    switch (call.operation) {
      case 'tokenExchange': {
        const code = options.cipher.decrypt(
          Buffer.from(String(call.payload['codeSealed']), 'base64'),
          `${call.device_id}:code`,
        );
        const answer = await drs.exchangeCode(call.device_id, code, String(call.payload['redirectUri']));
        return succeeded(answer);
      }
      case 'replenish': {
        const device = await deviceOf(call);
        const drsSlotId = drsSlotOf(device.slots, call.slot_id);
        const answer = await drs.call(
          call.device_id,
          'replenish',
          'POST',
          `/replenish/${encodeURIComponent(drsSlotId)}`,
        );
        if (!ok(answer)) return failed(drsMessage(answer), answer.status, answer.json);
        const parsed = replenishAnswer(answer.json);
        if (!parsed) return failed(`DRS answered ${answer.status} with an unknown body`, answer.status, answer.json);
        if (
          device.testDevice !== (parsed.detailCode === 'TEST_ORDER_PLACED') &&
          parsed.detailCode !== 'ORDER_INPROGRESS'
        ) {
          // The LWA grant, not the catalogue, decides test orders: worth a look, not a failure.
          log.warn(
            { deviceId: call.device_id, detailCode: parsed.detailCode, testDevice: device.testDevice },
            'replenish answer does not match the device being a test device',
          );
        }
        return succeeded(answer, { detailCode: parsed.detailCode, eventInstanceId: parsed.eventInstanceId });
      }
      case 'slotStatus': {
        const device = await deviceOf(call);
        const drsSlotId = drsSlotOf(device.slots, call.slot_id);
        const state = await store.inventory(pool, call.device_id, call.slot_id ?? '');
        if (!state) throw Object.assign(new Error('no inventory state yet'), { code: GatewayErrorCode.GW_NOT_READY });
        const expected = call.payload['expectedReplenishmentAt'];
        const { unit, body } = slotStatusBody(
          state,
          device.marketplace,
          typeof expected === 'string' ? new Date(expected) : null,
          now,
        );
        const answer = await drs.call(
          call.device_id,
          'slotStatus',
          'POST',
          `/slotStatus/${encodeURIComponent(drsSlotId)}`,
          body,
        );
        if (!ok(answer)) return failed(drsMessage(answer), answer.status, answer.json);
        return succeeded(answer, { answer: { sent: body, unit, revision: state.revision } });
      }
      case 'deviceStatus': {
        const body = { mostRecentlyActiveDate: String(call.payload['mostRecentlyActiveDate']) };
        const answer = await drs.call(call.device_id, 'deviceStatus', 'POST', '/deviceStatus', body);
        if (!ok(answer)) return failed(drsMessage(answer), answer.status, answer.json);
        return succeeded(answer, { answer: { sent: body } });
      }
      case 'subscriptionInfo': {
        const device = await deviceOf(call);
        const answer = await drs.call(call.device_id, 'subscriptionInfo', 'GET', '/subscriptionInfo');
        if (!ok(answer)) return failed(drsMessage(answer), answer.status, answer.json);
        const byDrsSlot = subscriptionInfoAnswer(answer.json);
        const subscriptions: NonNullable<Done['subscriptions']> = {};
        for (const slot of device.slots) {
          const sub = byDrsSlot.get(slot.replenishmentId);
          if (sub) subscriptions[slot.slotId] = { drsSlotId: slot.replenishmentId, ...sub };
        }
        return succeeded(answer, { subscriptions });
      }
      case 'getOrderInfo': {
        const instanceId = String(call.payload['instanceId']);
        const answer = await drs.call(
          call.device_id,
          'getOrderInfo',
          'GET',
          `/getOrderInfo/${encodeURIComponent(instanceId)}`,
        );
        if (!ok(answer)) return failed(drsMessage(answer), answer.status, answer.json);
        const info = orderInfoAnswer(answer.json);
        if (!info) return failed('getOrderInfo answered without an order item', answer.status, answer.json);
        return succeeded(answer, { eventInstanceId: instanceId, detailCode: info.status, orderInfo: info });
      }
      case 'deregister': {
        const answer = await drs.call(call.device_id, 'deregister', 'DELETE', '/registration');
        if (!ok(answer)) return failed(drsMessage(answer), answer.status, answer.json);
        return succeeded(answer);
      }
    }
  }

  /** Turns what went wrong into a failure or a wait; a wait is only chosen when no request reached DRS. */
  function onError(call: CallRow, error: unknown): Result {
    const now = options.clock();
    const code = (error as { code?: unknown })?.code;
    const waited = now.getTime() - call.created_at.getTime();
    if (code === GatewayErrorCode.GW_NOT_LINKED || code === GatewayErrorCode.GW_NOT_READY) {
      if (call.operation !== 'deregister' && waited < options.waitForDeviceMs) {
        return { kind: 'defer', until: new Date(now.getTime() + 1000), reason: describeError(error) };
      }
      return failed(describeError(error));
    }
    if (code === GatewayErrorCode.GW_CIRCUIT_OPEN) {
      return { kind: 'defer', until: new Date(now.getTime() + options.breakerWaitMs), reason: describeError(error) };
    }
    if (isRestockError(error) && code === GatewayErrorCode.GW_UNAVAILABLE) {
      const answer = (error.details?.['answer'] as HttpAnswer | null) ?? null;
      return {
        ...failed(
          answer ? `${drsMessage(answer)} (after retries)` : describeError(error),
          answer?.status ?? null,
          answer?.json ?? null,
        ),
        transient: true,
      };
    }
    if (isRestockError(error) && code === GatewayErrorCode.GW_REJECTED) {
      return failed(describeError(error), (error.details?.['httpStatus'] as number | undefined) ?? null);
    }
    if (isRetriable(error)) {
      return { kind: 'defer', until: new Date(now.getTime() + 1000), reason: describeError(error) };
    }
    return failed(describeError(error));
  }

  function outcomeOf(call: CallRow, result: Done, at: Date): DrsCallCompleted {
    return {
      id: deterministicId('DrsCallCompleted', call.call_id),
      type: 'DrsCallCompleted',
      version: 1,
      deviceId: call.device_id,
      occurredAt: at.toISOString(),
      recordedAt: at.toISOString(),
      source: 'drs-gateway',
      data: {
        commandId: call.call_id,
        commandType: call.command_type,
        operation: call.operation,
        outcome: result.outcome,
        httpStatus: result.httpStatus,
        detailCode: result.detailCode,
        eventInstanceId: result.eventInstanceId,
        slotId: call.slot_id,
        error: result.error,
        ...(result.orderInfo ? { orderInfo: result.orderInfo } : {}),
        ...(result.subscriptions ? { subscriptions: result.subscriptions } : {}),
      },
    };
  }

  /** Records a call's end, its outcome and its side effects in one transaction. */
  async function finish(tx: Tx, call: CallRow, result: Done): Promise<void> {
    const now = options.clock();
    if (
      !(await store.finishCall(tx, call.call_id, {
        state: result.outcome,
        at: now,
        httpStatus: result.httpStatus,
        answer: result.answer,
        error: result.error,
      }))
    ) {
      return; // finished already (a reconcile raced a slow answer): one outcome per call
    }
    await enqueueEvents(tx, store.schema, outcomesCodec, [outcomeOf(call, result, now)], options.outcomesTopic);
    if (result.outcome === 'succeeded') {
      if (call.operation === 'replenish' && result.eventInstanceId !== null && call.slot_id !== null) {
        await store.watchOrder(tx, {
          instanceId: result.eventInstanceId,
          deviceId: call.device_id,
          slotId: call.slot_id,
          answeredAt: now,
          nextCheckAt: new Date(now.getTime() + options.orderPlacedOverdueMs),
        });
      }
      if (
        call.operation === 'getOrderInfo' &&
        result.orderInfo &&
        /^(cancel+ed|shipped)$/i.test(result.orderInfo.status)
      ) {
        await store.finishWatchedOrder(tx, String(call.payload['instanceId']));
      }
      if (call.operation === 'deregister') await store.deleteTokens(tx, call.device_id);
      return;
    }
    if (call.operation === 'slotStatus' && call.slot_id !== null && result.transient === true) {
      // Never dropped: DRS was down, so the slot is due again and its newest state goes out next time.
      // (A refusal, or a device that is not linked, would only fail the same way again.)
      await store.slotStatusDue(tx, {
        deviceId: call.device_id,
        slotId: call.slot_id,
        revision: Number(call.payload['revision'] ?? 1),
        expectedAt:
          typeof call.payload['expectedReplenishmentAt'] === 'string'
            ? new Date(String(call.payload['expectedReplenishmentAt']))
            : null,
        now,
        windowMs: options.slotStatusRetryMs,
      });
    }
    const command = call.payload['command'];
    if (command !== undefined) {
      await enqueueMessages(tx, store.schema, [
        {
          topic: options.commandsDlqTopic,
          key: call.device_id,
          value: Buffer.from(JSON.stringify(command)),
          eventId: call.call_id,
          headers: {
            'event-id': call.call_id,
            'event-type': `${call.command_type}@1`,
            'dlq-code': 'GW_DRS_CALL_FAILED',
            'dlq-reason': result.error ?? 'failed',
            'dlq-drs-status': String(result.httpStatus ?? ''),
            'dlq-drs-answer': JSON.stringify(result.answer ?? null).slice(0, 2000),
            'dlq-failed-at': now.toISOString(),
          },
        },
      ]);
    }
    log.warn(
      { callId: call.call_id, operation: call.operation, deviceId: call.device_id, error: result.error },
      'DRS call failed',
    );
  }

  async function run(call: CallRow): Promise<void> {
    let result: Result;
    try {
      // In the trace of the command that asked for the call (a fresh one for scheduled calls).
      const headers = call.payload[CALL_TRACE_KEY];
      const parent =
        typeof headers === 'object' && headers !== null
          ? extractTraceContext(headers as MessageHeaders, ROOT_CONTEXT)
          : ROOT_CONTEXT;
      result = await context.with(parent, () => perform(call));
    } catch (error) {
      result = onError(call, error);
    }
    if (result.kind === 'defer') {
      await store.deferCall(pool, call.call_id, result.until);
      log.debug({ callId: call.call_id, reason: result.reason }, 'DRS call deferred');
      return;
    }
    const done = result;
    await withTransaction(pool, (tx) => finish(tx, call, done));
  }

  /**
   * Calls that were being made when a process died, found by their expired lease.
   *
   * A replenish is NOT simply repeated: the lost call may have placed an order. getOrderInfo cannot
   * tell, because it needs the eventInstanceId, which is exactly what was lost. Instead:
   * 1. an order notification of the slot at or after the call (orders.v1) proves DRS took it: the
   *    call is settled with that order, no request made;
   * 2. otherwise it is repeated once, relying on DRS's ORDER_INPROGRESS: while an order of the slot is
   *    in progress, replenish places nothing and answers with that order's id (DRS-SNS-SPEC 1.3.1), so
   *    the repeat either returns the order the lost call placed or, if the call never reached DRS,
   *    places it now. That holds while the possibly placed order is still in progress: it cannot have
   *    been delivered yet (DRS ships only after its 24 h cancellation window), and a cancellation
   *    would have shown in step 1;
   * 3. past `replenishReconcileMaxAgeMs` that no longer holds, so the call fails as "answer lost" and
   *    the policy's next cycle asks again (which DRS answers ORDER_INPROGRESS if the order exists).
   * Reads and status reports are repeated (repeating them changes nothing); a code exchange is not
   * (an LWA code works once): it fails, and the customer links again.
   */
  async function reconcile(): Promise<number> {
    const now = options.clock();
    return withTransaction(pool, async (tx) => {
      const lost = await store.expiredCalls(tx, now);
      for (const call of lost) {
        log.warn({ callId: call.call_id, operation: call.operation }, 'reconciling a DRS call whose answer was lost');
        if (call.operation === 'replenish' && call.slot_id !== null) {
          const since = new Date((call.started_at ?? call.created_at).getTime() - 60_000); // clock skew
          const order = await store.orderNotifiedSince(tx, call.device_id, call.slot_id, since);
          if (order) {
            await finish(tx, call, {
              kind: 'done',
              outcome: 'succeeded',
              httpStatus: null,
              detailCode: 'RECONCILED_BY_NOTIFICATION',
              eventInstanceId: order.instanceId,
              error: null,
              answer: { reconciledWith: order },
            });
          } else if (
            now.getTime() - (call.started_at ?? call.created_at).getTime() >
            options.replenishReconcileMaxAgeMs
          ) {
            await finish(tx, call, failed('the call was made but its answer was lost, too long ago to repeat safely'));
          } else {
            await store.deferCall(tx, call.call_id, now, { ...call.payload, reconciling: true });
          }
        } else if (call.operation === 'tokenExchange') {
          await finish(
            tx,
            call,
            failed('the code exchange was made but its answer was lost; a code works once: link again'),
          );
        } else {
          await store.deferCall(tx, call.call_id, now);
        }
      }
      return lost.length;
    });
  }

  let busy: Promise<void> | undefined;

  return {
    reconcile,
    /** One round: reconcile lost calls, then make the calls whose time has come. */
    async tick(): Promise<number> {
      await reconcile();
      const calls = await store.claimCalls(pool, options.clock(), options.leaseMs, options.concurrency);
      await Promise.all(
        calls.map((call) =>
          run(call).catch((error) => {
            // The call stays `calling`; its lease runs out and reconcile picks it up.
            log.error({ err: error, callId: call.call_id }, 'recording a DRS call failed');
          }),
        ),
      );
      return calls.length;
    },
    /** Runs `tick` unless one is running (interval timers do not stack rounds). */
    async tickOnce(tick: () => Promise<unknown>): Promise<void> {
      if (busy) return;
      busy = tick()
        .then(() => undefined)
        .catch((error) => log.warn({ err: error }, 'DRS call round failed'))
        .finally(() => {
          busy = undefined;
        });
      await busy;
    },
  };
}

export type CallExecutor = ReturnType<typeof createCallExecutor>;
