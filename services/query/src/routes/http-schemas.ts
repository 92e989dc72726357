import { Type } from '@sinclair/typebox';

/** An RFC 9457 problem document as `@restock/http` writes them (for the OpenAPI document). */
export const Problem = Type.Object(
  {
    type: Type.String(),
    title: Type.String(),
    status: Type.Integer(),
    detail: Type.String(),
    code: Type.String({ description: 'Stable error code' }),
    instance: Type.Optional(Type.String()),
    requestId: Type.Optional(Type.String()),
    field: Type.Optional(Type.String({ description: 'JSON pointer of the input at fault' })),
  },
  // Problems carry extension members (errors, checks, limits); the serializer must keep them.
  { additionalProperties: true, description: 'application/problem+json' },
);

const DESCRIPTIONS: Record<number, string> = {
  400: 'The request is invalid; `field` names the input at fault',
  401: 'No valid bearer token (missing, forged, expired, wrong issuer or audience)',
  404: "No such device for this customer (another customer's device answers the same)",
  422: 'The Idempotency-Key was used before for a different request',
  503: 'A dependency is unavailable; retry after Retry-After',
};

/** Problem responses of a route, for its schema. */
export function problemResponses(...statuses: number[]): Record<number, typeof Problem> {
  return Object.fromEntries(
    statuses.map((status) => [status, { ...Problem, description: DESCRIPTIONS[status] ?? 'Problem' }]),
  );
}

/** The optional Idempotency-Key header of the routes that publish. */
export const IdempotencyHeaders = Type.Object({
  'idempotency-key': Type.Optional(
    Type.String({
      minLength: 1,
      maxLength: 200,
      description: 'Makes a retry the same event: the first answer is repeated, nothing is published twice',
    }),
  ),
});
