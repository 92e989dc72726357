import { createHash } from 'node:crypto';
import type { DeviceModel, DeviceState } from '@restock/events';
import { beforeAll, describe, expect, it } from 'vitest';
import { CATALOG_SCHEMA } from '../config.js';
import type { CatalogEvent } from '../domain/catalog-events.js';
import { type CatalogHarness, startCatalogHarness, token } from '../test-support/catalog-harness.js';
import { PNG_1X1 } from '../test-support/images.js';

let h: CatalogHarness;
let brewer: DeviceModel;

beforeAll(async () => {
  h = await startCatalogHarness();
  const res = await h.app.inject({
    method: 'POST',
    url: '/admin/v1/models',
    headers: h.operator,
    payload: { modelId: 'brewer-b1', name: 'Brewer B1', kind: 'coffee_machine' },
  });
  expect(res.statusCode).toBe(201);
  brewer = res.json();
});

const sha256 = (text: string) => createHash('sha256').update(text, 'utf8').digest('hex');

interface Provisioned {
  deviceId: string;
  credential: string;
  claimCode: string;
  [field: string]: unknown;
}

function provision(body: Record<string, unknown>, headers: Record<string, string> = h.operator) {
  return h.app.inject({ method: 'POST', url: '/admin/v1/devices', headers, payload: body });
}

async function provisioned(serialNumber: string, extra: Record<string, unknown> = {}): Promise<Provisioned> {
  const res = await provision({ serialNumber, modelId: 'brewer-b1', marketplace: 'US', testDevice: true, ...extra });
  expect(res.statusCode).toBe(201);
  return res.json();
}

function get(url: string, headers: Record<string, string> = h.operator) {
  return h.app.inject({ method: 'GET', url, headers });
}

function expectProblem(res: { statusCode: number; headers: Record<string, unknown>; json(): unknown }, status: number) {
  expect(res.statusCode).toBe(status);
  expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
  return res.json() as { code: string; detail: string; field?: string; [k: string]: unknown };
}

async function storedRow(deviceId: string) {
  const { rows } = await h.db.pool.query<{ credential_hash: string | null; claim_code_hash: string }>(
    `SELECT credential_hash, claim_code_hash FROM ${CATALOG_SCHEMA}.devices WHERE device_id = $1`,
    [deviceId],
  );
  return rows[0];
}

function eventsOf(events: CatalogEvent[], deviceId: string) {
  return events.filter(
    (e): e is Extract<CatalogEvent, { deviceId: string }> => 'deviceId' in e && e.deviceId === deviceId,
  );
}

describe('provisioning', () => {
  it('answers 201 with the credential and claim code once, stores only their hashes, and publishes the whole state', async () => {
    const res = await provision({ serialNumber: 'SN-0001', modelId: 'brewer-b1', marketplace: 'US', testDevice: true });
    expect(res.statusCode).toBe(201);
    expect(res.headers['cache-control']).toBe('no-store');
    const device: Provisioned = res.json();
    expect(device.deviceId).toMatch(/^dev_[0-9a-f]{20}$/);
    expect(device.credential).toMatch(/^rsd_/);
    expect(device.claimCode).toMatch(/^[A-Z2-9]{4}-[A-Z2-9]{4}-[A-Z2-9]{4}$/);
    expect(res.headers['location']).toBe(`/admin/v1/devices/${device.deviceId}`);

    const read = await get(`/admin/v1/devices/${device.deviceId}`);
    expect(read.statusCode).toBe(200);
    expect(read.json()).toEqual({
      deviceId: device.deviceId,
      modelId: 'brewer-b1',
      serialNumber: 'SN-0001',
      marketplace: 'US',
      testDevice: true,
      customerId: null,
      claimedAt: null,
      credentialActive: true,
      credentialRevision: 1,
      provisionedAt: expect.any(String),
      updatedAt: expect.any(String),
    });
    expect(read.body).not.toContain(device.credential);
    expect(read.body).not.toContain(sha256(device.credential));

    const row = await storedRow(device.deviceId);
    expect(row?.credential_hash).toBe(sha256(device.credential));
    expect(row?.claim_code_hash).toBe(sha256(device.claimCode.replaceAll('-', '')));
    const { rows } = await h.db.pool.query(`SELECT * FROM ${CATALOG_SCHEMA}.devices WHERE device_id = $1`, [
      device.deviceId,
    ]);
    expect(JSON.stringify(rows)).not.toContain(device.credential);
    expect(JSON.stringify(rows)).not.toContain(device.claimCode.replaceAll('-', ''));

    const [event, ...more] = eventsOf(await h.publishedEvents(), device.deviceId);
    expect(more).toEqual([]);
    expect(event).toMatchObject({
      type: 'DeviceProvisioned',
      source: 'catalog',
      data: {
        deviceId: device.deviceId,
        modelId: 'brewer-b1',
        serialNumber: 'SN-0001',
        marketplace: 'US',
        customerId: null,
        credentialHash: sha256(device.credential),
        credentialRevision: 1,
        testDevice: true,
      } satisfies Partial<DeviceState>,
    });
  });

  it('answers 409 for a serial number the model already has, naming the device', async () => {
    const first = await provisioned('SN-DUP');
    const problem = expectProblem(
      await provision({ serialNumber: 'SN-DUP', modelId: 'brewer-b1', marketplace: 'US', testDevice: true }),
      409,
    );
    expect(problem).toMatchObject({ code: 'CAT_DEVICE_EXISTS', deviceId: first.deviceId });
  });

  it('provisions the same serial number for another model', async () => {
    await provisioned('SN-SHARED');
    const other = await h.app.inject({
      method: 'POST',
      url: '/admin/v1/models',
      headers: h.operator,
      payload: { modelId: 'brewer-b2', name: 'Brewer B2' },
    });
    expect(other.statusCode).toBe(201);
    const res = await provision({
      serialNumber: 'SN-SHARED',
      modelId: 'brewer-b2',
      marketplace: 'US',
      testDevice: true,
    });
    expect(res.statusCode).toBe(201);
  });

  it('answers 400 naming the field for an unknown model, a marketplace the model is not sold in, and a bad serial', async () => {
    const unknown = await provision({
      serialNumber: 'SN-X',
      modelId: 'no-such-model',
      marketplace: 'US',
      testDevice: true,
    });
    expect(expectProblem(unknown, 400).field).toBe('/body/modelId');
    const elsewhere = await provision({
      serialNumber: 'SN-X',
      modelId: 'brewer-b1',
      marketplace: 'JP',
      testDevice: true,
    });
    expect(expectProblem(elsewhere, 400)).toMatchObject({ field: '/body/marketplace', marketplaces: ['US'] });
    const badSerial = await provision({ serialNumber: 'SN 1/2', modelId: 'brewer-b1', marketplace: 'US' });
    expect(expectProblem(badSerial, 400).field).toBe('/body/serialNumber');
  });

  it('answers 409 to a production device of a model that is not certified', async () => {
    const res = await provision({
      serialNumber: 'SN-PROD',
      modelId: 'brewer-b1',
      marketplace: 'US',
      testDevice: false,
    });
    expect(expectProblem(res, 409).code).toBe('CAT_MODEL_NOT_CERTIFIED');
  });

  it('answers 401 without a token and 403 to a customer', async () => {
    const body = { serialNumber: 'SN-AUTH', modelId: 'brewer-b1', marketplace: 'US', testDevice: true };
    expect(expectProblem(await provision(body, {}), 401).code).toBe('AUTH_MISSING');
    expect(expectProblem(await provision(body, await h.customer('cust-9')), 403).code).toBe('AUTH_FORBIDDEN');
    expect(
      expectProblem(await get('/admin/v1/devices?serialNumber=SN-AUTH', await h.customer('cust-9')), 403).code,
    ).toBe('AUTH_FORBIDDEN');
  });

  it('answers 404 for a device that does not exist', async () => {
    expect(expectProblem(await get('/admin/v1/devices/dev_nothing'), 404).code).toBe('CAT_DEVICE_NOT_FOUND');
  });

  it('finds a device by model and serial number', async () => {
    const device = await provisioned('SN-FIND');
    const res = await get('/admin/v1/devices?modelId=brewer-b1&serialNumber=SN-FIND');
    expect(res.statusCode).toBe(200);
    expect(res.json().devices.map((d: { deviceId: string }) => d.deviceId)).toEqual([device.deviceId]);
    expect(res.body).not.toContain('credentialHash');
  });
});

describe('credentials', () => {
  it('rotates a credential: the new one is shown once, the old hash is gone, and the new state is published', async () => {
    const device = await provisioned('SN-ROTATE');
    const res = await h.app.inject({
      method: 'POST',
      url: `/admin/v1/devices/${device.deviceId}/credential`,
      headers: h.operator,
    });
    expect(res.statusCode).toBe(200);
    const rotated = res.json();
    expect(rotated.credential).toMatch(/^rsd_/);
    expect(rotated.credential).not.toBe(device.credential);
    expect(rotated).toMatchObject({ credentialActive: true, credentialRevision: 2 });

    expect((await storedRow(device.deviceId))?.credential_hash).toBe(sha256(rotated.credential));
    const { rows } = await h.db.pool.query(
      `SELECT count(*)::int AS n FROM ${CATALOG_SCHEMA}.devices WHERE credential_hash = $1`,
      [sha256(device.credential)],
    );
    expect(rows[0].n).toBe(0);
    expect((await get(`/admin/v1/devices/${device.deviceId}`)).body).not.toContain(rotated.credential);

    const events = eventsOf(await h.publishedEvents(), device.deviceId);
    expect(events.map((e) => e.type)).toEqual(['DeviceProvisioned', 'DeviceCredentialRotated']);
    expect(events[1]?.data).toMatchObject({ credentialHash: sha256(rotated.credential), credentialRevision: 2 });
  });

  it('revokes a credential, publishes the state without it, and changes nothing when revoked again', async () => {
    const device = await provisioned('SN-REVOKE');
    const revoke = () =>
      h.app.inject({ method: 'DELETE', url: `/admin/v1/devices/${device.deviceId}/credential`, headers: h.operator });
    const res = await revoke();
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ credentialActive: false, credentialRevision: 2 });
    expect((await storedRow(device.deviceId))?.credential_hash).toBeNull();
    expect((await revoke()).json()).toMatchObject({ credentialActive: false, credentialRevision: 2 });

    const events = eventsOf(await h.publishedEvents(), device.deviceId);
    expect(events.map((e) => e.type)).toEqual(['DeviceProvisioned', 'DeviceCredentialRevoked']);
    expect(events[1]?.data).toMatchObject({ credentialHash: null, credentialRevision: 2 });
  });

  it('answers 404 when rotating the credential of a device that does not exist', async () => {
    const res = await h.app.inject({
      method: 'POST',
      url: '/admin/v1/devices/dev_none/credential',
      headers: h.operator,
    });
    expect(expectProblem(res, 404).code).toBe('CAT_DEVICE_NOT_FOUND');
  });
});

describe('claims', () => {
  function claim(claimCode: string, headers: Record<string, string>) {
    return h.app.inject({ method: 'POST', url: '/v1/claims', headers, payload: { claimCode } });
  }

  it('makes the device the customer’s, publishes DeviceClaimed, and answers the same customer again with 200', async () => {
    const device = await provisioned('SN-CLAIM');
    const alice = await h.customer('alice');
    const res = await claim(device.claimCode.toLowerCase().replaceAll('-', ' '), alice);
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({
      deviceId: device.deviceId,
      modelId: 'brewer-b1',
      serialNumber: 'SN-CLAIM',
      marketplace: 'US',
      customerId: 'alice',
      claimedAt: expect.any(String),
    });
    const again = await claim(device.claimCode, alice);
    expect(again.statusCode).toBe(200);
    expect(again.json()).toEqual(res.json());
    expect((await get(`/admin/v1/devices/${device.deviceId}`)).json()).toMatchObject({
      customerId: 'alice',
      claimedAt: res.json().claimedAt,
    });

    const events = eventsOf(await h.publishedEvents(), device.deviceId);
    expect(events.map((e) => e.type)).toEqual(['DeviceProvisioned', 'DeviceClaimed']);
    expect(events[1]?.data).toMatchObject({ customerId: 'alice', credentialHash: sha256(device.credential) });
  });

  it('answers 409 when another customer presents the code of a claimed device', async () => {
    const device = await provisioned('SN-CLAIMED');
    expect((await claim(device.claimCode, await h.customer('bob'))).statusCode).toBe(200);
    const problem = expectProblem(await claim(device.claimCode, await h.customer('mallory')), 409);
    expect(problem.code).toBe('CAT_DEVICE_CLAIMED');
    expect(problem.detail).not.toContain('bob');
  });

  it('answers 404 for a code no device has', async () => {
    const problem = expectProblem(await claim('ZZZZ-ZZZZ-ZZZZ', await h.customer('carol')), 404);
    expect(problem).toMatchObject({ code: 'CAT_CLAIM_CODE_UNKNOWN', field: '/body/claimCode' });
  });

  it('answers 401 to a claim without a valid token', async () => {
    expect(expectProblem(await claim('ABCD-EFGH-JKLM', {}), 401).code).toBe('AUTH_MISSING');
    const forged = await token('dave', [], { secret: 'another-secret-that-is-long-enough-000000' });
    expect(expectProblem(await claim('ABCD-EFGH-JKLM', { authorization: `Bearer ${forged}` }), 401).code).toBe(
      'AUTH_INVALID',
    );
  });
});

describe('devices and their model', () => {
  it('answers 409 to deleting a model or a marketplace that devices were provisioned for', async () => {
    await provisioned('SN-IN-USE');
    const model = await h.app.inject({ method: 'DELETE', url: '/admin/v1/models/brewer-b1', headers: h.operator });
    expect(expectProblem(model, 409).code).toBe('CAT_MODEL_IN_USE');
    const marketplace = await h.app.inject({
      method: 'DELETE',
      url: '/admin/v1/models/brewer-b1/marketplaces/US',
      headers: h.operator,
    });
    expect(expectProblem(marketplace, 409).code).toBe('CAT_MARKETPLACE_IN_USE');
  });

  it('provisions a production device once its model is certified', async () => {
    const image = await h.app.inject({
      method: 'PUT',
      url: '/admin/v1/models/brewer-b1/image',
      headers: { ...h.operator, 'content-type': 'image/png' },
      payload: PNG_1X1,
    });
    expect(image.statusCode).toBe(200);
    const listing = {
      deviceName: 'Brewer B1',
      slotNames: { pods: 'Coffee pods', ground_coffee: 'Ground coffee' },
      asins: { pods: ['B00JGZBTCI'], ground_coffee: ['B077YLQ2R1'] },
    };
    const put = await h.app.inject({
      method: 'PUT',
      url: '/admin/v1/models/brewer-b1/marketplaces/US',
      headers: h.operator,
      payload: listing,
    });
    expect(put.statusCode).toBe(200);
    expect(brewer.revision).toBeLessThan(put.json().revision);
    const certified = await h.app.inject({
      method: 'POST',
      url: '/admin/v1/models/brewer-b1/certification',
      headers: h.operator,
    });
    expect(certified.statusCode).toBe(200);
    const device = await provisioned('SN-PROD-OK', { testDevice: false });
    expect(device['testDevice']).toBe(false);
  });
});
