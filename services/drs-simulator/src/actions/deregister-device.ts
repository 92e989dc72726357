import { type Tx, withTransaction } from '@restock/postgres';
import { SimulatorError, SimulatorErrorCode } from '../errors.js';
import { type SimulatorContext, stampNow, topicOfModel } from '../simulator-context.js';
import { deviceDeregistered } from '../sns/drs-notifications.js';
import { lockRegistration, markDeregistered, type Registration } from '../store/registrations-store.js';
import { revokeCredentials } from '../store/tokens-store.js';

/**
 * Ends a registration inside the caller's transaction (DRS-SNS-SPEC 1.3.6): every token and code of the
 * device stops working, and DeviceDeregistered is published. Open orders are left to finish: an Amazon
 * order does not depend on the device staying linked (UNVERIFIED; the notifications that follow let a
 * bridge see what happens to them).
 */
export async function deregisterWithin(context: SimulatorContext, tx: Tx, registration: Registration): Promise<Date> {
  const now = context.clock.now();
  await revokeCredentials(tx, registration.registrationId, context.clock.realNow());
  await markDeregistered(tx, registration.registrationId, now);
  await context.publisher.publish(tx, {
    registrationId: registration.registrationId,
    topicArn: await topicOfModel(context, tx, registration.modelId),
    notification: deviceDeregistered(registration, stampNow(context)),
  });
  context.log.info(
    { registrationId: registration.registrationId, modelId: registration.modelId, serial: registration.serialNumber },
    'device deregistered',
  );
  return now;
}

/** Deregisters a device from Amazon's side (the customer, or customer service, did it). */
export async function deregisterDevice(context: SimulatorContext, registrationId: string): Promise<Registration> {
  return withTransaction(context.pool, async (tx) => {
    const registration = await lockRegistration(tx, registrationId);
    if (registration === undefined) {
      throw new SimulatorError(SimulatorErrorCode.SIM_REGISTRATION_UNKNOWN, 404, `No registration ${registrationId}`);
    }
    if (registration.deregisteredAt !== null) {
      throw new SimulatorError(
        SimulatorErrorCode.SIM_REGISTRATION_INACTIVE,
        409,
        `Registration ${registrationId} was deregistered at ${registration.deregisteredAt.toISOString()}`,
      );
    }
    const deregisteredAt = await deregisterWithin(context, tx, registration);
    return { ...registration, deregisteredAt };
  });
}
