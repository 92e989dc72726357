import { STATUS_CODES } from 'node:http';
import type { FastifyReply } from 'fastify';

/** Media type of every error response (RFC 9457). */
export const PROBLEM_CONTENT_TYPE = 'application/problem+json';

/** One invalid input, named by a JSON pointer into the request (`/body/reports/0/unit`). */
export interface FieldError {
  field: string;
  message: string;
}

/**
 * An RFC 9457 problem document with Restock's extension members: the stable `code`, the
 * `requestId` to find the log lines, and, for bad input, the `field` or `errors` at fault.
 */
export interface ProblemDetails {
  type: string;
  title: string;
  status: number;
  detail: string;
  instance?: string;
  code: string;
  field?: string;
  errors?: FieldError[];
  [extension: string]: unknown;
}

/** Prefix of `type`: a URN per code, since no documentation site exists to dereference. */
export const PROBLEM_TYPE_PREFIX = 'urn:restock:problem:';

const RESERVED_MEMBERS = new Set(['type', 'title', 'status', 'detail', 'instance', 'code']);

/**
 * Builds a problem document. `extra` adds extension members (`field`, `errors`, `checks`...);
 * it cannot overwrite the standard members, so a careless `details` object cannot forge them.
 */
export function problem(
  status: number,
  code: string,
  detail: string,
  extra: Record<string, unknown> = {},
): ProblemDetails {
  const body: ProblemDetails = {
    type: `${PROBLEM_TYPE_PREFIX}${code}`,
    title: STATUS_CODES[status] ?? 'Error',
    status,
    detail,
    code,
  };
  for (const [key, value] of Object.entries(extra)) {
    if (key === 'instance' && typeof value === 'string') body.instance = value;
    else if (!RESERVED_MEMBERS.has(key) && value !== undefined) body[key] = value;
  }
  return body;
}

/** Sends a problem document with its status and `application/problem+json`. */
export function sendProblem(reply: FastifyReply, body: ProblemDetails): FastifyReply {
  return reply.code(body.status).type(PROBLEM_CONTENT_TYPE).send(body);
}
