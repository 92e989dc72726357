import { describe, expect, it } from 'vitest';
import { loadCatalogConfig } from './config.js';

const secret = 'a-secret-of-at-least-thirty-two-bytes-000';

describe('catalog configuration', () => {
  it('defaults everything but the token key', () => {
    expect(loadCatalogConfig({ AUTH_HMAC_SECRET: secret })).toMatchObject({
      PORT: 8083,
      CATALOG_TOPIC: 'catalog.v1',
      AUTH_ISSUER: 'restock-local',
      AUTH_AUDIENCE: 'restock',
      AUTH_HMAC_SECRET: secret,
    });
  });

  it('refuses to start without a token key, naming the three variables', () => {
    expect(() => loadCatalogConfig({})).toThrow(
      /AUTH_HMAC_SECRET \/ AUTH_PUBLIC_KEY_PEM \/ AUTH_JWKS_URL none is set: set exactly one/,
    );
  });

  it('refuses two token keys at once', () => {
    expect(() => loadCatalogConfig({ AUTH_HMAC_SECRET: secret, AUTH_JWKS_URL: 'https://idp.example/jwks' })).toThrow(
      /AUTH_HMAC_SECRET and AUTH_JWKS_URL are set: set exactly one/,
    );
  });

  it('names every bad variable in one error', () => {
    let message = '';
    try {
      loadCatalogConfig({ PORT: 'eighty', AUTH_HMAC_SECRET: 'short' });
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message).toContain('PORT is invalid');
    expect(message).toContain('AUTH_HMAC_SECRET is invalid');
    expect(message).not.toContain('short');
  });
});
