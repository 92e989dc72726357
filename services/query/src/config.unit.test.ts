import { ConfigError } from '@restock/config';
import { describe, expect, it } from 'vitest';
import { loadQueryEnv, queryConfigFrom } from './config.js';

const SECRET = 'x'.repeat(32);

describe('loadQueryEnv', () => {
  it('defaults everything but the token key, and gives each replica its own inventory.v1 group', () => {
    const env = loadQueryEnv({ AUTH_HMAC_SECRET: SECRET });
    expect(env).toMatchObject({
      QUERY_PORT: 8080,
      QUERY_SCHEMA: 'query',
      AUTH_ISSUER: 'restock-local',
      AUTH_AUDIENCE: 'restock',
      QUERY_INVENTORY_TOPIC: 'inventory.v1',
    });
    const a = queryConfigFrom(env, 'pod-a');
    const b = queryConfigFrom(env, 'pod-a');
    expect(a.liveGroup).toMatch(/^query-live-pod-a-[0-9a-f]{6}$/);
    expect(a.liveGroup).not.toBe(b.liveGroup);
    expect(a.catalogGroup).toBe(b.catalogGroup);
  });

  it('names every bad variable at once, and asks for exactly one token key', () => {
    const problems = (env: Record<string, string>) => {
      try {
        loadQueryEnv(env);
      } catch (error) {
        if (error instanceof ConfigError) return error.problems.map((p) => p.variable);
        throw error;
      }
      return [];
    };
    expect(problems({ QUERY_PORT: 'eighty', QUERY_SCHEMA: 'Bad-Name' })).toEqual([
      'QUERY_PORT',
      'QUERY_SCHEMA',
      'AUTH_HMAC_SECRET / AUTH_PUBLIC_KEY_PEM / AUTH_JWKS_URL',
    ]);
    expect(problems({ AUTH_HMAC_SECRET: SECRET, AUTH_JWKS_URL: 'https://idp.example.com/jwks' })).toEqual([
      'AUTH_HMAC_SECRET / AUTH_PUBLIC_KEY_PEM / AUTH_JWKS_URL',
    ]);
    expect(problems({ AUTH_HMAC_SECRET: 'short' })).toContain('AUTH_HMAC_SECRET');
  });
});
