import { type Static, Type } from '@sinclair/typebox';

/** What the customer did: set the level they see, or add supplies bought outside DRS to the shelf. */
export const AdjustmentRequest = Type.Object(
  {
    mode: Type.Union([Type.Literal('setLevel'), Type.Literal('addSpare')], {
      description: 'setLevel: the slot now holds this much; addSpare: this much more is on the shelf',
    }),
    quantity: Type.Number({ minimum: 0, description: 'In `unit`; a level in % is a share of a full refill' }),
    unit: Type.String({
      minLength: 1,
      maxLength: 32,
      description: 'Any spelling of a unit of the slot\'s type: ml, l, "fl oz", g, kg, oz, lbs, pods, %...',
    }),
  },
  { additionalProperties: false },
);
export type AdjustmentRequest = Static<typeof AdjustmentRequest>;

export const PreferencesRequest = Type.Object(
  {
    daysOfCover: Type.Integer({
      minimum: 1,
      maximum: 60,
      description: 'Days of supplies to keep on hand: the reorder threshold is burn rate x days of cover',
    }),
  },
  { additionalProperties: false },
);
export type PreferencesRequest = Static<typeof PreferencesRequest>;

export const DrsLinkRequest = Type.Object(
  {
    authorizationCode: Type.String({
      minLength: 1,
      maxLength: 2048,
      description: 'The Login with Amazon authorization code (scope dash:replenish); single use, never logged',
    }),
    redirectUri: Type.String({
      minLength: 1,
      maxLength: 2048,
      pattern: '^[A-Za-z][A-Za-z0-9+.-]*:',
      description: "The redirect URI the code was issued for (an absolute URI: https or the app's own scheme)",
    }),
  },
  { additionalProperties: false },
);
export type DrsLinkRequest = Static<typeof DrsLinkRequest>;
