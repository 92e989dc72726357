import { RestockError } from '@restock/errors';
import type { Static, TSchema } from '@sinclair/typebox';
import { type TypeCheck, TypeCompiler } from '@sinclair/typebox/compiler';
import { EnvelopeHeader } from './envelope.js';
import type { TopicDefinition } from './topics.js';

export const EventErrorCode = {
  EVT_MALFORMED: 'EVT_MALFORMED',
  EVT_UNKNOWN_TYPE: 'EVT_UNKNOWN_TYPE',
  EVT_INVALID: 'EVT_INVALID',
} as const;

export class EventDecodeError extends RestockError {
  /** JSON pointer of the field at fault, when there is one. */
  readonly field: string | undefined;
  constructor(code: keyof typeof EventErrorCode, message: string, field?: string, cause?: unknown) {
    super(code, message, { cause, details: field === undefined ? {} : { field } });
    this.name = 'EventDecodeError';
    this.field = field;
  }
}

/** Converts a message of an older version into the current one; registered per `Type@version`. */
export type Upcaster = (envelope: Record<string, unknown>) => Record<string, unknown>;

export interface TopicCodec<E extends readonly TSchema[]> {
  topic: TopicDefinition<E>;
  encode(event: Static<E[number]>): Buffer;
  /** Parses, upcasts and validates; throws EventDecodeError naming the field at fault. */
  decode(value: Buffer | string | null): Static<E[number]>;
  /** Validates an event before it is written, so nothing invalid ever reaches a topic. */
  assertValid(event: unknown): asserts event is Static<E[number]>;
}

const headerCheck = TypeCompiler.Compile(EnvelopeHeader);

/** Compiles the validators of one topic once; call at module load, never per message. */
export function createCodec<E extends readonly TSchema[]>(
  topic: TopicDefinition<E>,
  upcasters: Record<string, Upcaster> = {},
): TopicCodec<E> {
  const checks = new Map<string, TypeCheck<TSchema>>();
  for (const schema of topic.events) {
    const id = schema.$id;
    if (id === undefined) throw new Error(`event schema on ${topic.name} has no $id`);
    checks.set(id, TypeCompiler.Compile(schema));
  }

  function validate(candidate: unknown): Static<E[number]> {
    const head = firstError(headerCheck, candidate);
    if (head) throw new EventDecodeError('EVT_INVALID', `${head.path || '/'}: ${head.message}`, head.path);
    let envelope = candidate as Record<string, unknown>;
    const key = `${envelope.type}@${envelope.version}`;
    const upcast = upcasters[key];
    if (upcast) envelope = upcast(envelope);
    const check = checks.get(`${envelope.type}@${envelope.version}`);
    if (!check) {
      throw new EventDecodeError('EVT_UNKNOWN_TYPE', `/type: ${key} is not an event of ${topic.name}`, '/type');
    }
    const error = firstError(check, envelope);
    if (error) throw new EventDecodeError('EVT_INVALID', `${error.path || '/'}: ${error.message}`, error.path);
    return envelope as Static<E[number]>;
  }

  return {
    topic,
    encode(event) {
      return Buffer.from(JSON.stringify(validate(event)));
    },
    decode(value) {
      if (value === null) throw new EventDecodeError('EVT_MALFORMED', 'message has no value (tombstone)');
      let parsed: unknown;
      try {
        parsed = JSON.parse(typeof value === 'string' ? value : value.toString('utf8'));
      } catch (cause) {
        throw new EventDecodeError('EVT_MALFORMED', 'message value is not JSON', undefined, cause);
      }
      return validate(parsed);
    },
    assertValid(event) {
      validate(event);
    },
  };
}

function firstError(check: TypeCheck<TSchema>, value: unknown): { path: string; message: string } | undefined {
  if (check.Check(value)) return undefined;
  // Prefer the deepest error: a union reports its own failure first, the precise field after it.
  let best: { path: string; message: string } | undefined;
  for (const e of check.Errors(value)) {
    if (!best || e.path.length > best.path.length) best = { path: e.path, message: e.message };
  }
  return best ?? { path: '', message: 'invalid' };
}
