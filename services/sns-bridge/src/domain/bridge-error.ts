/**
 * The closed list of the bridge's own codes. Verification refusals keep the codes of `@restock/sns`
 * (`SNS_BAD_SIGNATURE`, `SNS_TOPIC_NOT_ALLOWED`...) and DRS payload problems those of its parser
 * (`DRS_NOT_JSON`, `DRS_UNKNOWN_TYPE`, `DRS_INVALID`); these name what only the bridge can tell.
 */
export const BridgeErrorCode = {
  /** The request has no `x-amz-sns-message-type` header: not an SNS delivery (400). */
  BRG_TYPE_HEADER_MISSING: 'BRG_TYPE_HEADER_MISSING',
  /** No device of the catalog copy has the notification's model id and serial number (dead letter). */
  BRG_UNKNOWN_DEVICE: 'BRG_UNKNOWN_DEVICE',
  /** The device's model has no slot whose replenishment id is the notification's DRS slot id (dead letter). */
  BRG_UNKNOWN_SLOT: 'BRG_UNKNOWN_SLOT',
  /** The notification holds something Restock's event cannot carry, e.g. two products for one slot (dead letter). */
  BRG_UNSUPPORTED: 'BRG_UNSUPPORTED',
  /** The event built from the notification does not pass its schema (an ASIN or unit too long...) (dead letter). */
  BRG_EVENT_INVALID: 'BRG_EVENT_INVALID',
  /** GET of the SubscribeURL failed or was refused; SNS sends the confirmation again (502/503). */
  BRG_CONFIRMATION_FAILED: 'BRG_CONFIRMATION_FAILED',
  /** Kafka did not acknowledge in time; nothing was recorded, SNS retries (503). */
  BRG_BUS_UNAVAILABLE: 'BRG_BUS_UNAVAILABLE',
} as const;
export type BridgeErrorCode = (typeof BridgeErrorCode)[keyof typeof BridgeErrorCode];
