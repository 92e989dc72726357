import { describe, expect, it } from 'vitest';
import {
  CLIENT_ID,
  CLIENT_SECRET,
  call,
  DRS_HEADERS,
  drs,
  exchangeCode,
  REDIRECT_URI,
  registerWasher,
  type SimulatorHarness,
  startSimulator,
  WASHER_SLOTS,
} from '../test-support/simulator-harness.js';

const sim: SimulatorHarness = await startSimulator();

const FORM = { 'content-type': 'application/x-www-form-urlencoded' };

async function register(serialNumber: string, extra: Record<string, unknown> = {}) {
  const response = await call(sim, 'POST', '/control/v1/registrations', {
    body: { modelId: 'washer-x200', serialNumber, slots: WASHER_SLOTS, ...extra },
  });
  expect(response.status).toBe(201);
  return response.json<{ registration: { registrationId: string }; authorizationCode: string; redirectUri: string }>();
}

function tokenRequest(fields: Record<string, string>) {
  return call(sim, 'POST', '/auth/o2/token', { headers: FORM, payload: new URLSearchParams(fields).toString() });
}

function subscriptionInfo(token: string) {
  return drs(sim, 'GET', '/subscriptionInfo', DRS_HEADERS.subscriptionInfoV2, token);
}

describe('POST /auth/o2/token, authorization_code grant', () => {
  it('answers the documented token response: Atza| access token of at least 350 characters, Atzr| refresh token, bearer, 3600 s', async () => {
    const { authorizationCode } = await register('LWA-0001');
    const response = await exchangeCode(sim, authorizationCode);

    expect(response.status).toBe(200);
    expect(response.headers['content-type']).toMatch(/^application\/json/);
    expect(response.headers['cache-control']).toBe('no-store');
    const body = response.json();
    expect(Object.keys(body)).toEqual(['access_token', 'expires_in', 'refresh_token', 'token_type']);
    expect(body).toMatchObject({ expires_in: 3600, token_type: 'bearer' });
    const { access_token: access, refresh_token: refresh } = response.tokens();
    expect(access.startsWith('Atza|')).toBe(true);
    expect(access.length).toBeGreaterThanOrEqual(350);
    expect(Buffer.byteLength(access)).toBeLessThanOrEqual(2048);
    expect(refresh.startsWith('Atzr|')).toBe(true);
    expect((await subscriptionInfo(access)).status).toBe(200);
  });

  it('accepts a code only once: the second exchange is invalid_grant', async () => {
    const { authorizationCode } = await register('LWA-0002');
    expect((await exchangeCode(sim, authorizationCode)).status).toBe(200);
    const again = await exchangeCode(sim, authorizationCode);
    expect(again.status).toBe(400);
    expect(again.json()).toEqual({
      error: 'invalid_grant',
      error_description: expect.stringContaining('already been used'),
    });
  });

  it('refuses a code after its five minutes with invalid_grant', async () => {
    const { authorizationCode } = await register('LWA-0003');
    sim.clock.forward(301);
    const response = await exchangeCode(sim, authorizationCode);
    expect(response.status).toBe(400);
    expect(response.json()).toEqual({ error: 'invalid_grant', error_description: expect.stringContaining('expired') });
  });

  it('refuses an unknown code with invalid_grant', async () => {
    const response = await exchangeCode(sim, 'ANdNAVhyhqirUelHGEHA');
    expect(response.status).toBe(400);
    expect(response.json()).toMatchObject({ error: 'invalid_grant' });
  });

  it('refuses a redirect_uri other than the one the code was issued for', async () => {
    const { authorizationCode } = await register('LWA-0004');
    const response = await tokenRequest({
      grant_type: 'authorization_code',
      code: authorizationCode,
      client_id: CLIENT_ID,
      client_secret: CLIENT_SECRET,
      redirect_uri: 'https://other.restock.test/cb',
    });
    expect(response.status).toBe(400);
    expect(response.json()).toMatchObject({ error: 'invalid_grant' });
  });

  it('answers 401 invalid_client for a wrong client secret or client id', async () => {
    const { authorizationCode } = await register('LWA-0005');
    for (const [clientId, secret] of [
      [CLIENT_ID, 'wrong'],
      ['amzn1.application-oa2-client.ffffffffffffffffffffffffffffffff', CLIENT_SECRET],
    ] as const) {
      const response = await tokenRequest({
        grant_type: 'authorization_code',
        code: authorizationCode,
        client_id: clientId,
        client_secret: secret,
        redirect_uri: REDIRECT_URI,
      });
      expect(response.status).toBe(401);
      expect(response.json()).toEqual({ error: 'invalid_client', error_description: expect.any(String) });
    }
    // The code was not spent by the refused attempts.
    expect((await exchangeCode(sim, authorizationCode)).status).toBe(200);
  });

  it('answers invalid_request naming a missing parameter, and unsupported_grant_type for another grant', async () => {
    const missing = await tokenRequest({
      grant_type: 'authorization_code',
      client_id: CLIENT_ID,
      client_secret: CLIENT_SECRET,
    });
    expect(missing.status).toBe(400);
    expect(missing.json()).toEqual({ error: 'invalid_request', error_description: expect.stringContaining('code') });

    const noGrant = await tokenRequest({ client_id: CLIENT_ID });
    expect(noGrant.json()).toMatchObject({ error: 'invalid_request' });

    const implicit = await tokenRequest({
      grant_type: 'client_credentials',
      client_id: CLIENT_ID,
      client_secret: CLIENT_SECRET,
    });
    expect(implicit.status).toBe(400);
    expect(implicit.json()).toMatchObject({ error: 'unsupported_grant_type' });
  });

  it('answers invalid_request to a JSON body: the endpoint is form-encoded', async () => {
    const response = await call(sim, 'POST', '/auth/o2/token', {
      body: { grant_type: 'authorization_code', code: 'x', client_id: CLIENT_ID },
    });
    expect(response.status).toBe(400);
    expect(response.json()).toMatchObject({ error: 'invalid_request' });
  });
});

describe('POST /auth/o2/token, refresh_token grant', () => {
  it('gives a new working access token and keeps the refresh token', async () => {
    const device = await registerWasher(sim, { serialNumber: 'LWA-0101' });
    const response = await tokenRequest({
      grant_type: 'refresh_token',
      refresh_token: device.refreshToken,
      client_id: CLIENT_ID,
      client_secret: CLIENT_SECRET,
    });
    expect(response.status).toBe(200);
    const body = response.json<{
      access_token: string;
      refresh_token: string;
      expires_in: number;
      token_type: string;
    }>();
    expect(body).toMatchObject({ refresh_token: device.refreshToken, expires_in: 3600, token_type: 'bearer' });
    expect(body.access_token).not.toBe(device.accessToken);
    expect((await subscriptionInfo(body.access_token)).status).toBe(200);
  });

  it('refuses an unknown refresh token with invalid_grant', async () => {
    const response = await tokenRequest({
      grant_type: 'refresh_token',
      refresh_token: 'Atzr|not-a-token',
      client_id: CLIENT_ID,
      client_secret: CLIENT_SECRET,
    });
    expect(response.status).toBe(400);
    expect(response.json()).toMatchObject({ error: 'invalid_grant' });
  });
});

describe('access token expiry', () => {
  it('answers 400 {"message":"Invalid token"} once the access token is an hour old, and a refresh fixes it', async () => {
    const device = await registerWasher(sim, { serialNumber: 'LWA-0201' });
    sim.clock.forward(3599);
    expect((await subscriptionInfo(device.accessToken)).status).toBe(200);
    sim.clock.forward(2);
    const expired = await subscriptionInfo(device.accessToken);
    expect(expired.status).toBe(400);
    expect(expired.json()).toEqual({ message: 'Invalid token' });

    const refreshed = await tokenRequest({
      grant_type: 'refresh_token',
      refresh_token: device.refreshToken,
      client_id: CLIENT_ID,
      client_secret: CLIENT_SECRET,
    });
    expect((await subscriptionInfo(refreshed.json<{ access_token: string }>().access_token)).status).toBe(200);
  });

  it('expires access tokens early on demand (POST /control/v1/tokens/expire)', async () => {
    const device = await registerWasher(sim, { serialNumber: 'LWA-0202' });
    const expired = await call(sim, 'POST', '/control/v1/tokens/expire', {
      body: { registrationId: device.registrationId },
    });
    expect(expired.json()).toEqual({ expired: 1 });
    expect((await subscriptionInfo(device.accessToken)).json()).toEqual({ message: 'Invalid token' });
  });

  it('answers Invalid token to a missing, malformed or unknown Authorization header', async () => {
    const none = await call(sim, 'GET', '/subscriptionInfo', { headers: DRS_HEADERS.subscriptionInfoV2 });
    expect(none.status).toBe(400);
    expect(none.json()).toEqual({ message: 'Invalid token' });
    const basic = await call(sim, 'GET', '/subscriptionInfo', {
      headers: { ...DRS_HEADERS.subscriptionInfoV2, authorization: 'Basic dXNlcjpwYXNz' },
    });
    expect(basic.json()).toEqual({ message: 'Invalid token' });
    expect((await subscriptionInfo('Atza|IwEBIunknown')).json()).toEqual({ message: 'Invalid token' });
  });
});

describe('deregistration invalidates credentials', () => {
  it('makes the access token, the refresh token and unused codes invalid after DELETE /registration', async () => {
    const device = await registerWasher(sim, { serialNumber: 'LWA-0301' });
    const relinked = await call(sim, 'POST', `/control/v1/registrations/${device.registrationId}/authorization-codes`, {
      body: {},
    });
    expect(relinked.status).toBe(201);
    const unusedCode = relinked.json<{ authorizationCode: string }>().authorizationCode;

    const deregistered = await drs(sim, 'DELETE', '/registration', DRS_HEADERS.deregisterV2, device.accessToken);
    expect(deregistered.status).toBe(200);

    expect((await subscriptionInfo(device.accessToken)).json()).toEqual({ message: 'Invalid token' });
    const refresh = await tokenRequest({
      grant_type: 'refresh_token',
      refresh_token: device.refreshToken,
      client_id: CLIENT_ID,
      client_secret: CLIENT_SECRET,
    });
    expect(refresh.json()).toMatchObject({ error: 'invalid_grant' });
    expect((await exchangeCode(sim, unusedCode)).json()).toMatchObject({ error: 'invalid_grant' });
  });

  it('makes the token invalid after the customer deregisters on Amazon (control API)', async () => {
    const device = await registerWasher(sim, { serialNumber: 'LWA-0302' });
    const response = await call(sim, 'DELETE', `/control/v1/registrations/${device.registrationId}`);
    expect(response.status).toBe(200);
    expect((await subscriptionInfo(device.accessToken)).json()).toEqual({ message: 'Invalid token' });
  });

  it('makes the old tokens invalid when the device is registered again, and the new ones work', async () => {
    const first = await registerWasher(sim, { serialNumber: 'LWA-0303' });
    const second = await registerWasher(sim, { serialNumber: 'LWA-0303' });
    expect((await subscriptionInfo(first.accessToken)).json()).toEqual({ message: 'Invalid token' });
    expect((await subscriptionInfo(second.accessToken)).status).toBe(200);
  });
});
