import { Type } from '@sinclair/typebox';
import { describe, expect, it } from 'vitest';
import { CommonConfig, ConfigError, loadConfig, port } from './index.js';

const Schema = Type.Object({
  KAFKA_BROKERS: CommonConfig.KAFKA_BROKERS,
  DATABASE_URL: Type.String({ pattern: '^postgres(ql)?://' }),
  PORT: port(8081),
  RATE_PER_SECOND: Type.Number({ minimum: 1 }),
  DRS_CLIENT_SECRET: Type.String({ minLength: 8 }),
  DEBUG_ROUTES: Type.Boolean({ default: false }),
});

describe('loadConfig', () => {
  it('converts numbers and booleans, applies defaults and freezes the result', () => {
    const config = loadConfig(Schema, {
      DATABASE_URL: 'postgres://x@h/db',
      RATE_PER_SECOND: '12.5',
      DRS_CLIENT_SECRET: 'abcdefghij',
      DEBUG_ROUTES: 'true',
    });
    expect(config).toEqual({
      KAFKA_BROKERS: '127.0.0.1:9092',
      DATABASE_URL: 'postgres://x@h/db',
      PORT: 8081,
      RATE_PER_SECOND: 12.5,
      DRS_CLIENT_SECRET: 'abcdefghij',
      DEBUG_ROUTES: true,
    });
    expect(Object.isFrozen(config)).toBe(true);
  });

  it('fails start-up with one error naming every missing or invalid variable', () => {
    let error: unknown;
    try {
      loadConfig(Schema, { PORT: 'eighty', DATABASE_URL: 'mysql://nope', DRS_CLIENT_SECRET: 'short' });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const problems = (error as ConfigError).problems;
    expect(problems.map((p) => p.variable).sort()).toEqual([
      'DATABASE_URL',
      'DRS_CLIENT_SECRET',
      'PORT',
      'RATE_PER_SECOND',
    ]);
    const message = (error as ConfigError).message;
    expect(message).toContain('RATE_PER_SECOND is required but not set');
    expect(message).toContain('PORT is invalid');
    expect(message).toContain('"eighty"');
  });

  it('never prints the value of a secret variable in its error', () => {
    expect(() => loadConfig(Schema, { DRS_CLIENT_SECRET: 'short' })).toThrow(
      /DRS_CLIENT_SECRET is invalid.*\[redacted\]/,
    );
    expect(() => loadConfig(Schema, { DRS_CLIENT_SECRET: 'short' })).not.toThrow(/short/);
  });

  it('treats an empty variable as unset', () => {
    expect(() => loadConfig(Schema, { DATABASE_URL: '', RATE_PER_SECOND: '2', DRS_CLIENT_SECRET: '12345678' })).toThrow(
      /DATABASE_URL is required but not set/,
    );
  });

  it('names a group of which exactly one variable must be set when none or two are', () => {
    const Keys = Type.Object({ A: Type.Optional(Type.String()), B: Type.Optional(Type.String()) });
    expect(() => loadConfig(Keys, {}, { exactlyOne: [['A', 'B']] })).toThrow(/A \/ B none is set: set exactly one/);
    expect(() => loadConfig(Keys, { A: 'x', B: 'y' }, { exactlyOne: [['A', 'B']] })).toThrow(/A and B are set/);
    expect(loadConfig(Keys, { B: 'y' }, { exactlyOne: [['A', 'B']] })).toEqual({ B: 'y' });
  });
});
