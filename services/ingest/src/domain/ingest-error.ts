/**
 * The closed list of ingest's error codes. Statuses are attached where the error is raised and
 * mapped to problem+json by the one error handler of `@restock/http`.
 */
export const IngestErrorCode = {
  /** The bearer credential is unknown or revoked, or the device is unknown (401). */
  ING_CREDENTIAL_INVALID: 'ING_CREDENTIAL_INVALID',
  /** The credential is valid but belongs to another device (403). */
  ING_DEVICE_MISMATCH: 'ING_DEVICE_MISMATCH',
  /** A report names a slot its device's model does not have (404). */
  ING_SLOT_UNKNOWN: 'ING_SLOT_UNKNOWN',
  /** A unit spelling Restock does not know (400). */
  ING_UNIT_UNKNOWN: 'ING_UNIT_UNKNOWN',
  /** A known unit of another unit type than the slot's (400). */
  ING_UNIT_WRONG_TYPE: 'ING_UNIT_WRONG_TYPE',
  /** A quantity or percent that cannot be converted (a percent level above 100...) (400). */
  ING_QUANTITY_INVALID: 'ING_QUANTITY_INVALID',
  /** A report lacks what its type needs, or mixes percent with quantity and unit (400). */
  ING_REPORT_INCOMPLETE: 'ING_REPORT_INCOMPLETE',
  /** occurredAt lies further in the future than the allowed clock skew (400). */
  ING_OCCURRED_IN_FUTURE: 'ING_OCCURRED_IN_FUTURE',
  /** Two reports of one request carry the same eventId (400). */
  ING_EVENT_ID_REPEATED: 'ING_EVENT_ID_REPEATED',
  /** Several reports of one request are invalid; `errors` lists each (400 or 404). */
  ING_REPORTS_INVALID: 'ING_REPORTS_INVALID',
  /** The device's model has not reached ingest yet through catalog.v1 (503, retry). */
  ING_MODEL_UNKNOWN: 'ING_MODEL_UNKNOWN',
  /** Kafka did not acknowledge the events; nothing was recorded (503, retry with the same ids). */
  ING_BUS_UNAVAILABLE: 'ING_BUS_UNAVAILABLE',
  /** PostgreSQL (ingest's device registry and accepted ids) is unreachable (503, retry). */
  ING_STORE_UNAVAILABLE: 'ING_STORE_UNAVAILABLE',
} as const;

export type IngestErrorCode = (typeof IngestErrorCode)[keyof typeof IngestErrorCode];
