import { randomUUID } from 'node:crypto';
import { type Tx, withTransaction } from '@restock/postgres';
import type { SlotSubscription } from '../domain/slot-subscription.js';
import { SimulatorError, SimulatorErrorCode } from '../errors.js';
import { newAuthorizationCode, newDirectedCustomerId, secretHash } from '../identifiers.js';
import { type SimulatorContext, stampNow, topicOfModel } from '../simulator-context.js';
import { deviceRegistered, subscriptionChanged } from '../sns/drs-notifications.js';
import { getModel, type SlotDefinition, upsertModel } from '../store/models-store.js';
import {
  getSlots,
  insertRegistration,
  insertSlots,
  lockActiveRegistration,
  lockRegistration,
  type Registration,
} from '../store/registrations-store.js';
import { insertAuthCode } from '../store/tokens-store.js';
import { deregisterWithin } from './deregister-device.js';

/** A customer completing Login with Amazon for a device, as the control API describes it. */
export interface RegisterDeviceInput {
  modelId: string;
  serialNumber: string;
  isTestDevice: boolean;
  /** Decides the units of notifications; default from configuration. */
  marketplace?: string | undefined;
  /** The customer (`amzn1.account.…`); a new one when absent. */
  directedCustomerId?: string | undefined;
  /** One of the configured LWA return URLs; the first when absent. */
  redirectUri?: string | undefined;
  /** The model's slots, defined (or redefined) here instead of beforehand. */
  slots?: SlotDefinition[] | undefined;
  /** Slots the customer leaves without auto-reorder; every other slot starts subscribed to its default ASIN. */
  unsubscribedSlots?: string[] | undefined;
}

/** The registration made, its slots and the code Restock's gateway exchanges for tokens. */
export interface RegisterDeviceResult {
  registration: Registration;
  slots: SlotSubscription[];
  authorizationCode: string;
  redirectUri: string;
  clientId: string;
  /** The registration of the same device this one replaced (and deregistered), if any. */
  replacedRegistrationId: string | null;
}

/**
 * Registers a device for a customer: issues an LWA authorization code and publishes DeviceRegistered,
 * then SubscriptionChanged with the initial choice of every slot (DRS-SNS-SPEC 2.2). A device already
 * registered (to this or another customer) is deregistered first, with its own DeviceDeregistered:
 * DRS's behaviour for a second registration is not documented (UNVERIFIED), and one active
 * registration per device is what Restock's device registry assumes.
 */
export async function registerDevice(
  context: SimulatorContext,
  input: RegisterDeviceInput,
): Promise<RegisterDeviceResult> {
  const redirectUri = checkRedirectUri(context, input.redirectUri);
  const registering = withTransaction(context.pool, async (tx) => {
    const now = context.clock.now();
    if (input.slots !== undefined) {
      const existing = await getModel(tx, input.modelId);
      await upsertModel(tx, { modelId: input.modelId, topicArn: existing?.topicArn ?? null, slots: input.slots }, now);
    }
    const model = await getModel(tx, input.modelId);
    if (model === undefined) {
      throw new SimulatorError(
        SimulatorErrorCode.SIM_MODEL_UNKNOWN,
        404,
        `Device model ${input.modelId} is not defined: PUT /control/v1/device-models/${input.modelId} first, or pass slots`,
      );
    }
    const slotIds = new Set(model.slots.map((slot) => slot.slotId));
    const unknown = (input.unsubscribedSlots ?? []).filter((slotId) => !slotIds.has(slotId));
    if (unknown.length > 0) {
      throw new SimulatorError(
        SimulatorErrorCode.SIM_SLOT_UNKNOWN,
        400,
        `Model ${input.modelId} has no slot ${unknown.join(', ')}`,
      );
    }

    const previous = await lockActiveRegistration(tx, input.modelId, input.serialNumber);
    if (previous !== undefined) await deregisterWithin(context, tx, previous);

    const registration: Registration = {
      registrationId: randomUUID(),
      modelId: input.modelId,
      serialNumber: input.serialNumber,
      directedCustomerId: input.directedCustomerId ?? newDirectedCustomerId(),
      marketplace: (input.marketplace ?? context.settings.defaultMarketplace).toUpperCase(),
      isTestDevice: input.isTestDevice,
      registeredAt: now,
      deregisteredAt: null,
    };
    const unsubscribed = new Set(input.unsubscribedSlots ?? []);
    const slots: SlotSubscription[] = model.slots.map((slot) => ({
      slotId: slot.slotId,
      subscribed: !unsubscribed.has(slot.slotId),
      asin: slot.asin,
      quantity: slot.quantity,
      unit: slot.unit,
      unitType: slot.unitType,
    }));
    await insertRegistration(tx, registration);
    await insertSlots(tx, registration.registrationId, slots);
    const authorizationCode = await issueCode(context, tx, registration.registrationId, redirectUri);

    const topicArn = model.topicArn ?? context.settings.defaultTopicArn;
    await context.publisher.publish(tx, {
      registrationId: registration.registrationId,
      topicArn,
      notification: deviceRegistered(registration, stampNow(context)),
    });
    await context.publisher.publish(tx, {
      registrationId: registration.registrationId,
      topicArn,
      notification: subscriptionChanged(registration, slots, stampNow(context)),
    });
    context.log.info(
      {
        registrationId: registration.registrationId,
        modelId: registration.modelId,
        serial: registration.serialNumber,
        isTestDevice: registration.isTestDevice,
      },
      'device registered',
    );
    return {
      registration,
      slots,
      authorizationCode,
      redirectUri,
      clientId: context.settings.lwaClientId,
      replacedRegistrationId: previous?.registrationId ?? null,
    };
  });
  try {
    return await registering;
  } catch (error) {
    // Two registrations of one device at the same moment: the unique index lets one through.
    if ((error as { constraint?: unknown }).constraint === 'registrations_one_active') {
      throw new SimulatorError(
        SimulatorErrorCode.SIM_REGISTRATION_CONFLICT,
        409,
        `Device ${input.modelId}/${input.serialNumber} was being registered at the same time; try again`,
        { cause: error },
      );
    }
    throw error;
  }
}

/**
 * The customer runs Login with Amazon again for a registered device: a new authorization code, and a
 * new DeviceRegistered (DRS sends one every time LWA completes).
 */
export async function relinkDevice(
  context: SimulatorContext,
  registrationId: string,
  requestedRedirectUri: string | undefined,
): Promise<{ authorizationCode: string; redirectUri: string; clientId: string; slots: SlotSubscription[] }> {
  const redirectUri = checkRedirectUri(context, requestedRedirectUri);
  return withTransaction(context.pool, async (tx) => {
    const registration = await lockRegistration(tx, registrationId);
    if (registration === undefined) {
      throw new SimulatorError(SimulatorErrorCode.SIM_REGISTRATION_UNKNOWN, 404, `No registration ${registrationId}`);
    }
    if (registration.deregisteredAt !== null) {
      throw new SimulatorError(
        SimulatorErrorCode.SIM_REGISTRATION_INACTIVE,
        409,
        `Registration ${registrationId} is deregistered; register the device again`,
      );
    }
    const authorizationCode = await issueCode(context, tx, registrationId, redirectUri);
    await context.publisher.publish(tx, {
      registrationId,
      topicArn: await topicOfModel(context, tx, registration.modelId),
      notification: deviceRegistered(registration, stampNow(context)),
    });
    return {
      authorizationCode,
      redirectUri,
      clientId: context.settings.lwaClientId,
      slots: await getSlots(tx, registrationId),
    };
  });
}

function checkRedirectUri(context: SimulatorContext, requested: string | undefined): string {
  const allowed = context.settings.redirectUris;
  const chosen = requested ?? allowed[0];
  if (chosen === undefined || !allowed.includes(chosen)) {
    throw new SimulatorError(
      SimulatorErrorCode.SIM_REDIRECT_URI_NOT_ALLOWED,
      400,
      `redirectUri ${JSON.stringify(requested)} is not an allowed return URL of the LWA security profile (${allowed.join(', ')})`,
    );
  }
  return chosen;
}

async function issueCode(
  context: SimulatorContext,
  tx: Tx,
  registrationId: string,
  redirectUri: string,
): Promise<string> {
  const code = newAuthorizationCode();
  const expiresAt = new Date(context.clock.realNow().getTime() + context.settings.authorizationCodeTtlSeconds * 1000);
  await insertAuthCode(tx, { codeHash: secretHash(code), registrationId, redirectUri, expiresAt });
  return code;
}
