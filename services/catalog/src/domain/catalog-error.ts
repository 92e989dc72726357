import { RestockError } from '@restock/errors';

/**
 * The closed list of codes the catalogue answers with. Each maps to one HTTP status, set where the
 * error is made, so the one problem+json handler of `@restock/http` needs no table of its own.
 */
export const CatalogErrorCode = {
  /** A request value breaks a catalogue rule the schema cannot express (duplicate slot, orphan slot name...). */
  CAT_INVALID: 'CAT_INVALID',
  CAT_MODEL_NOT_FOUND: 'CAT_MODEL_NOT_FOUND',
  CAT_MODEL_EXISTS: 'CAT_MODEL_EXISTS',
  /** The model is certified: only new marketplaces can be added. */
  CAT_CERTIFIED_LOCKED: 'CAT_CERTIFIED_LOCKED',
  CAT_ALREADY_CERTIFIED: 'CAT_ALREADY_CERTIFIED',
  /** Certification (or a marketplace added after it) needs every slot named and listed with real ASINs. */
  CAT_CERTIFICATION_INCOMPLETE: 'CAT_CERTIFICATION_INCOMPLETE',
  /** The If-Match revision is not the model's current one. */
  CAT_REVISION_MISMATCH: 'CAT_REVISION_MISMATCH',
  CAT_SLOT_NOT_FOUND: 'CAT_SLOT_NOT_FOUND',
  CAT_SLOT_EXISTS: 'CAT_SLOT_EXISTS',
  /** A model keeps at least one slot and at most the schema's maximum. */
  CAT_SLOT_COUNT: 'CAT_SLOT_COUNT',
  CAT_MARKETPLACE_NOT_FOUND: 'CAT_MARKETPLACE_NOT_FOUND',
  /** Devices were provisioned for this marketplace (or model), so it cannot go away under them. */
  CAT_MARKETPLACE_IN_USE: 'CAT_MARKETPLACE_IN_USE',
  CAT_MODEL_IN_USE: 'CAT_MODEL_IN_USE',
  CAT_IMAGE_EMPTY: 'CAT_IMAGE_EMPTY',
  CAT_IMAGE_TOO_LARGE: 'CAT_IMAGE_TOO_LARGE',
  CAT_IMAGE_UNSUPPORTED: 'CAT_IMAGE_UNSUPPORTED',
  CAT_IMAGE_NOT_FOUND: 'CAT_IMAGE_NOT_FOUND',
  CAT_DEVICE_NOT_FOUND: 'CAT_DEVICE_NOT_FOUND',
  CAT_DEVICE_EXISTS: 'CAT_DEVICE_EXISTS',
  /** A production (non-test) device needs a certified model: DRS serves uncertified models to test devices only. */
  CAT_MODEL_NOT_CERTIFIED: 'CAT_MODEL_NOT_CERTIFIED',
  CAT_CLAIM_CODE_UNKNOWN: 'CAT_CLAIM_CODE_UNKNOWN',
  CAT_DEVICE_CLAIMED: 'CAT_DEVICE_CLAIMED',
} as const;

export type CatalogErrorCode = (typeof CatalogErrorCode)[keyof typeof CatalogErrorCode];

/** An error of the catalogue, meant for the client: it always carries its HTTP status. */
export class CatalogError extends RestockError {
  constructor(code: CatalogErrorCode, status: number, message: string, details?: Record<string, unknown>) {
    super(code, message, { status, ...(details === undefined ? {} : { details }) });
    this.name = 'CatalogError';
  }
}

/** 400 for a value that breaks a rule, naming it by its JSON pointer into the request (`/body/slots/2/capacity`). */
export function invalidField(field: string, message: string): CatalogError {
  return new CatalogError(CatalogErrorCode.CAT_INVALID, 400, `${field}: ${message}`, { field });
}
