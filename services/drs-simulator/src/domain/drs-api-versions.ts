/**
 * The versioned types of every DRS REST call (DRS-SNS-SPEC 1.2): the request type each call accepts in
 * `x-amzn-type-version` and the result types it can answer in `x-amzn-accept-type`.
 */

const PREFIX = 'com.amazon.dash.replenishment.';

export type DrsOperation =
  | 'replenish'
  | 'slotStatus'
  | 'deviceStatus'
  | 'subscriptionInfo'
  | 'orderInfo'
  | 'deregisterV2'
  | 'deregisterV1'
  | 'cancelTestOrders';

interface OperationTypes {
  input: string;
  results: readonly string[];
}

export const DRS_OPERATION_TYPES: Readonly<Record<DrsOperation, OperationTypes>> = {
  replenish: { input: `${PREFIX}DrsReplenishInput@1.0`, results: [`${PREFIX}DrsReplenishResult@1.0`] },
  slotStatus: { input: `${PREFIX}DrsSlotStatusInput@1.0`, results: [`${PREFIX}DrsSlotStatusResult@1.0`] },
  deviceStatus: { input: `${PREFIX}DrsDeviceStatusInput@1.0`, results: [`${PREFIX}DrsDeviceStatusResult@1.0`] },
  subscriptionInfo: {
    input: `${PREFIX}DrsSubscriptionInfoInput@1.0`,
    results: [`${PREFIX}DrsSubscriptionInfoResult@1.0`, `${PREFIX}DrsSubscriptionInfoResult@2.0`],
  },
  orderInfo: { input: `${PREFIX}DrsOrderInfoInput@1.0`, results: [`${PREFIX}DrsOrderInfoResult@1.0`] },
  deregisterV2: { input: `${PREFIX}DrsDeregisterInput@2.0`, results: [`${PREFIX}DrsDeregisterResult@1.0`] },
  deregisterV1: { input: `${PREFIX}DrsDeregisterInput@1.0`, results: [`${PREFIX}DrsDeregisterResult@1.0`] },
  cancelTestOrders: {
    input: `${PREFIX}DrsCancelTestOrdersInput@1.0`,
    results: [`${PREFIX}DrsCancelTestOrdersResult@1.0`],
  },
};

export const TYPE_VERSION_HEADER = 'x-amzn-type-version';
export const ACCEPT_TYPE_HEADER = 'x-amzn-accept-type';

/**
 * Checks both version headers of a call. The texts of DRS's own answers to a missing or wrong header
 * are not documented (UNVERIFIED): these name the header and the values accepted, so a client's log
 * says what to fix.
 */
export function checkVersionHeaders(
  operation: DrsOperation,
  typeVersion: string | undefined,
  acceptType: string | undefined,
): { ok: true; resultType: string } | { ok: false; message: string } {
  const types = DRS_OPERATION_TYPES[operation];
  if (typeVersion === undefined || typeVersion === '') {
    return { ok: false, message: `Missing header ${TYPE_VERSION_HEADER}: expected ${types.input}` };
  }
  if (typeVersion !== types.input) {
    return { ok: false, message: `Unsupported ${TYPE_VERSION_HEADER} ${typeVersion}: expected ${types.input}` };
  }
  if (acceptType === undefined || acceptType === '') {
    return { ok: false, message: `Missing header ${ACCEPT_TYPE_HEADER}: expected ${types.results.join(' or ')}` };
  }
  if (!types.results.includes(acceptType)) {
    return {
      ok: false,
      message: `Unsupported ${ACCEPT_TYPE_HEADER} ${acceptType}: expected ${types.results.join(' or ')}`,
    };
  }
  return { ok: true, resultType: acceptType };
}
