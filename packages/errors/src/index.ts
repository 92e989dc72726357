/**
 * The one error type of Restock. Every package defines a closed list of codes with a stable prefix
 * (`CFG_`, `EVT_`, `BUS_`, `PG_`, `ING_`...). `retriable` says whether doing the same thing again may
 * succeed (infrastructure hiccup) or never will (bad input): consumers act on it, HTTP maps codes to
 * statuses in one place.
 */
export interface RestockErrorOptions {
  cause?: unknown;
  retriable?: boolean;
  /** HTTP status for errors that can reach a client; the error handler reads it. */
  status?: number;
  /** Structured details safe to show to a client (field names, limits), never secrets. */
  details?: Record<string, unknown>;
}

export class RestockError extends Error {
  readonly code: string;
  readonly retriable: boolean;
  readonly status: number | undefined;
  readonly details: Record<string, unknown> | undefined;

  constructor(code: string, message: string, options: RestockErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'RestockError';
    this.code = code;
    this.retriable = options.retriable ?? false;
    this.status = options.status;
    this.details = options.details;
  }
}

export function isRestockError(error: unknown): error is RestockError {
  return error instanceof RestockError;
}

/** True when repeating the operation may succeed: a RestockError flagged so, or a known transient fault. */
export function isRetriable(error: unknown): boolean {
  if (isRestockError(error)) return error.retriable;
  if (typeof error === 'object' && error !== null) {
    const e = error as { retriable?: unknown; code?: unknown };
    if (e.retriable === true) return true;
    // Node socket errors and PostgreSQL's "connection" / "operator intervention" classes are transient.
    if (typeof e.code === 'string') {
      return (
        TRANSIENT_NODE_CODES.has(e.code) ||
        e.code.startsWith('08') ||
        e.code === '57P01' ||
        e.code === '57P03' ||
        e.code === '40001' ||
        e.code === '40P01'
      );
    }
  }
  return false;
}

const TRANSIENT_NODE_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'EPIPE',
  'ETIMEDOUT',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
]);

/** A short, log-safe description of any thrown value. */
export function describeError(error: unknown): string {
  if (error instanceof Error) {
    const code = (error as { code?: unknown }).code;
    return typeof code === 'string' ? `${code}: ${error.message}` : error.message;
  }
  return String(error);
}
