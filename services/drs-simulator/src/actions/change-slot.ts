import { withTransaction } from '@restock/postgres';
import { productUnitType } from '../domain/product-quantity.js';
import { changeSlot, type SlotChange, type SlotSubscription } from '../domain/slot-subscription.js';
import { SimulatorError, SimulatorErrorCode } from '../errors.js';
import { type SimulatorContext, stampNow, topicOfModel } from '../simulator-context.js';
import { subscriptionChanged } from '../sns/drs-notifications.js';
import { getSlots, lockRegistration, lockSlot, updateSlot } from '../store/registrations-store.js';

/**
 * The customer changes a slot on Amazon's side: turns auto-reorder on or off (pause), or picks another
 * product. Publishes SubscriptionChanged with every slot of the device, only when something changed.
 */
export async function changeSlotSubscription(
  context: SimulatorContext,
  registrationId: string,
  slotId: string,
  change: SlotChange,
): Promise<{ slots: SlotSubscription[]; changed: boolean }> {
  return withTransaction(context.pool, async (tx) => {
    const registration = await lockRegistration(tx, registrationId);
    if (registration === undefined) {
      throw new SimulatorError(SimulatorErrorCode.SIM_REGISTRATION_UNKNOWN, 404, `No registration ${registrationId}`);
    }
    if (registration.deregisteredAt !== null) {
      throw new SimulatorError(
        SimulatorErrorCode.SIM_REGISTRATION_INACTIVE,
        409,
        `Registration ${registrationId} is deregistered`,
      );
    }
    const slot = await lockSlot(tx, registrationId, slotId);
    if (slot === undefined) {
      throw new SimulatorError(
        SimulatorErrorCode.SIM_SLOT_UNKNOWN,
        404,
        `Registration ${registrationId} has no slot ${slotId}`,
      );
    }
    // A new unit without a unit type takes the one its spelling implies; throws UnitError (400) if none fits.
    const unitType = productUnitType(
      change.unit ?? slot.unit,
      change.unitType ?? (change.unit !== undefined ? undefined : slot.unitType),
    );
    const next = changeSlot(slot, { ...change, unitType });
    if (!next.changed) return { slots: await getSlots(tx, registrationId), changed: false };
    await updateSlot(tx, registrationId, next.slot);
    const slots = await getSlots(tx, registrationId);
    await context.publisher.publish(tx, {
      registrationId,
      topicArn: await topicOfModel(context, tx, registration.modelId),
      notification: subscriptionChanged(registration, slots, stampNow(context)),
    });
    context.log.info({ registrationId, slotId, change }, 'slot subscription changed');
    return { slots, changed: true };
  });
}
