import { RestockError } from '@restock/errors';
import { type Static, type TObject, type TSchema, Type } from '@sinclair/typebox';
import { Value } from '@sinclair/typebox/value';

export const ConfigErrorCode = { CFG_INVALID: 'CFG_INVALID' } as const;

export interface ConfigProblem {
  variable: string;
  problem: string;
}

/** Thrown once at start-up, naming every missing or invalid variable at the same time. */
export class ConfigError extends RestockError {
  readonly problems: ConfigProblem[];
  constructor(problems: ConfigProblem[]) {
    super(
      ConfigErrorCode.CFG_INVALID,
      `invalid configuration: ${problems.map((p) => `${p.variable} ${p.problem}`).join('; ')}`,
      { details: { problems } },
    );
    this.name = 'ConfigError';
    this.problems = problems;
  }
}

/**
 * Parses the environment against a TypeBox object schema whose keys are the variable names:
 * converts strings to numbers and booleans, applies defaults, checks, and freezes the result.
 * Empty strings count as unset. Nothing else in a service reads `process.env`.
 */
export interface LoadConfigOptions {
  /** Groups of variables of which exactly one must be set (e.g. the kinds of token-verification key). */
  exactlyOne?: readonly (readonly string[])[];
}

export function loadConfig<S extends TObject>(
  schema: S,
  env: Record<string, string | undefined> = process.env,
  options: LoadConfigOptions = {},
): Readonly<Static<S>> {
  const input: Record<string, unknown> = {};
  for (const key of Object.keys(schema.properties)) {
    const raw = env[key];
    if (raw !== undefined && raw !== '') input[key] = raw;
  }
  const withDefaults = Value.Default(schema, Value.Convert(schema, input)) as Record<string, unknown>;
  const problems: ConfigProblem[] = [];
  const seen = new Set<string>();
  for (const error of Value.Errors(schema, withDefaults)) {
    const variable = error.path.replace(/^\//, '').split('/')[0] || '(root)';
    if (seen.has(variable)) continue;
    seen.add(variable);
    const given = env[variable];
    problems.push({
      variable,
      problem:
        given === undefined || given === ''
          ? 'is required but not set'
          : `is invalid (${error.message}; got ${JSON.stringify(redactIfSecret(variable, given))})`,
    });
  }
  for (const group of options.exactlyOne ?? []) {
    // None would leave the service without the thing; two would make it ambiguous which one wins.
    const given = group.filter((key) => env[key] !== undefined && env[key] !== '');
    if (given.length !== 1) {
      problems.push({
        variable: group.join(' / '),
        problem:
          given.length === 0 ? 'none is set: set exactly one' : `${given.join(' and ')} are set: set exactly one`,
      });
    }
  }
  if (problems.length > 0) throw new ConfigError(problems);
  return Object.freeze(withDefaults) as Readonly<Static<S>>;
}

const SECRET_NAME = /(SECRET|PASSWORD|TOKEN|KEY|CREDENTIAL)/i;
function redactIfSecret(variable: string, value: string): string {
  return SECRET_NAME.test(variable) ? '[redacted]' : value;
}

/** Reusable pieces of service configuration. */
export const CommonConfig = {
  KAFKA_BROKERS: Type.String({ default: '127.0.0.1:9092', pattern: '^[^,\\s]+(,[^,\\s]+)*$' }),
  DATABASE_URL: Type.String({ default: 'postgres://postgres@127.0.0.1:5432/restock', pattern: '^postgres(ql)?://' }),
  REDIS_URL: Type.String({ default: 'redis://127.0.0.1:6379', pattern: '^rediss?://' }),
  LOG_LEVEL: Type.Union(
    ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'].map((l) => Type.Literal(l)),
    { default: 'info' },
  ),
  /** OTLP endpoint (http://host:4318); unset means no export. */
  OTEL_EXPORTER_OTLP_ENDPOINT: Type.Optional(Type.String({ pattern: '^https?://' })),
} satisfies Record<string, TSchema>;

export function port(defaultPort: number) {
  return Type.Integer({ minimum: 0, maximum: 65535, default: defaultPort });
}

export function brokerList(value: string): string[] {
  return value
    .split(',')
    .map((b) => b.trim())
    .filter(Boolean);
}
