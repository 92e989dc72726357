import type { TSchema } from '@sinclair/typebox';
import { TypeCompiler } from '@sinclair/typebox/compiler';
import type { ValueError } from '@sinclair/typebox/errors';
import { Value } from '@sinclair/typebox/value';
import type { FastifySchemaCompiler, FastifySchemaValidationError } from 'fastify';

// Enough to fix a request in one round trip, few enough that a hostile body cannot make the
// server enumerate thousands of errors.
const MAX_REPORTED_ERRORS = 20;

/**
 * Validates requests with TypeBox's compiled checker instead of Ajv, so HTTP routes accept exactly
 * what the Kafka codecs accept: the same schema values, the same formats (registered in
 * `FormatRegistry` by `@restock/events`), additional properties rejected rather than silently
 * removed, and every error reported, each with the path of the value at fault.
 *
 * Query strings, path parameters and headers arrive as strings, so they are converted to the
 * schema's types first; a JSON body is not, because a device that sends `"2"` for a quantity has a
 * bug we want it to hear about. Defaults are applied to every part. Schemas are compiled once,
 * when the route is registered.
 */
export const typeboxValidatorCompiler: FastifySchemaCompiler<TSchema> = ({ schema, httpPart }) => {
  const check = TypeCompiler.Compile(schema);
  const convert = httpPart !== 'body';
  return (input: unknown) => {
    const value = Value.Default(schema, convert ? Value.Convert(schema, input) : input);
    if (check.Check(value)) return { value };
    const error: FastifySchemaValidationError[] = [];
    for (const e of check.Errors(value)) {
      error.push({ keyword: 'typebox', instancePath: e.path, schemaPath: '', params: {}, message: messageOf(e) });
      if (error.length >= MAX_REPORTED_ERRORS) break;
    }
    return { error };
  };
};

// TypeBox says "Expected union value" for an enum of literals; the client needs the allowed values.
function messageOf(error: ValueError): string {
  const variants: unknown = error.schema['anyOf'];
  if (Array.isArray(variants) && variants.length > 0 && variants.every((v) => isLiteral(v))) {
    return `Expected one of ${variants.map((v) => JSON.stringify(v.const)).join(', ')}`;
  }
  return error.message;
}

function isLiteral(schema: unknown): schema is { const: unknown } {
  return typeof schema === 'object' && schema !== null && 'const' in schema;
}
