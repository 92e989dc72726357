import { describe, expect, it } from 'vitest';
import { checkVersionHeaders } from './drs-api-versions.js';

const P = 'com.amazon.dash.replenishment.';

describe('checkVersionHeaders', () => {
  it('accepts the documented types and names the result type to answer with', () => {
    expect(checkVersionHeaders('replenish', `${P}DrsReplenishInput@1.0`, `${P}DrsReplenishResult@1.0`)).toEqual({
      ok: true,
      resultType: `${P}DrsReplenishResult@1.0`,
    });
    expect(
      checkVersionHeaders('subscriptionInfo', `${P}DrsSubscriptionInfoInput@1.0`, `${P}DrsSubscriptionInfoResult@2.0`),
    ).toMatchObject({ ok: true, resultType: `${P}DrsSubscriptionInfoResult@2.0` });
  });

  it('tells v2 deregistration (input @2.0) from v1 (input @1.0)', () => {
    expect(checkVersionHeaders('deregisterV2', `${P}DrsDeregisterInput@2.0`, `${P}DrsDeregisterResult@1.0`).ok).toBe(
      true,
    );
    expect(checkVersionHeaders('deregisterV2', `${P}DrsDeregisterInput@1.0`, `${P}DrsDeregisterResult@1.0`).ok).toBe(
      false,
    );
    expect(checkVersionHeaders('deregisterV1', `${P}DrsDeregisterInput@1.0`, `${P}DrsDeregisterResult@1.0`).ok).toBe(
      true,
    );
  });

  it('names the missing or wrong header and what it expects', () => {
    expect(checkVersionHeaders('slotStatus', undefined, undefined)).toEqual({
      ok: false,
      message: `Missing header x-amzn-type-version: expected ${P}DrsSlotStatusInput@1.0`,
    });
    expect(checkVersionHeaders('slotStatus', `${P}DrsSlotStatusInput@1.0`, `${P}DrsSlotStatusResult@2.0`)).toEqual({
      ok: false,
      message: `Unsupported x-amzn-accept-type ${P}DrsSlotStatusResult@2.0: expected ${P}DrsSlotStatusResult@1.0`,
    });
  });
});
