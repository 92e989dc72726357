import type { DeviceModel, MarketplaceListing } from '@restock/events';
import { beforeAll, describe, expect, it } from 'vitest';
import { PLACEHOLDER_TEST_ASIN } from '../domain/model-templates.js';
import { type CatalogHarness, startCatalogHarness, token } from '../test-support/catalog-harness.js';
import { GIF_1X1, PDF_HEADER, PNG_1X1, pngOfSize } from '../test-support/images.js';

let h: CatalogHarness;
beforeAll(async () => {
  h = await startCatalogHarness();
});

async function create(body: Record<string, unknown>) {
  return h.app.inject({ method: 'POST', url: '/admin/v1/models', headers: h.operator, payload: body });
}

async function createdModel(body: Record<string, unknown>): Promise<DeviceModel> {
  const res = await create(body);
  expect(res.statusCode).toBe(201);
  return res.json();
}

async function send(method: 'PATCH' | 'PUT' | 'POST' | 'DELETE', url: string, payload?: unknown, ifMatch?: number) {
  return h.app.inject({
    method,
    url,
    headers: { ...h.operator, ...(ifMatch === undefined ? {} : { 'if-match': `"${ifMatch}"` }) },
    ...(payload === undefined ? {} : { payload: payload as Record<string, unknown> }),
  });
}

function listing(deviceName: string, model: DeviceModel, asin = 'B00JGZBTCI'): MarketplaceListing {
  return {
    deviceName,
    slotNames: Object.fromEntries(model.slots.map((s) => [s.slotId, `${s.slotId} name`])),
    asins: Object.fromEntries(model.slots.map((s) => [s.slotId, [asin]])),
  };
}

/** A washing machine with an image and real ASINs in the US, certified through the API. */
async function certifiedWasher(modelId: string): Promise<DeviceModel> {
  const created = await createdModel({ modelId, name: 'Washer', kind: 'washing_machine' });
  expect((await putImage(modelId, PNG_1X1)).statusCode).toBe(200);
  expect(
    (await send('PUT', `/admin/v1/models/${modelId}/marketplaces/US`, listing('Washer', created))).statusCode,
  ).toBe(200);
  const certified = await send('POST', `/admin/v1/models/${modelId}/certification`);
  expect(certified.statusCode).toBe(200);
  return certified.json();
}

function putImage(modelId: string, bytes: Buffer, contentType = 'image/png') {
  return h.app.inject({
    method: 'PUT',
    url: `/admin/v1/models/${modelId}/image`,
    headers: { ...h.operator, 'content-type': contentType },
    payload: bytes,
  });
}

function expectProblem(res: { statusCode: number; headers: Record<string, unknown>; json(): unknown }, status: number) {
  expect(res.statusCode).toBe(status);
  expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
  return res.json() as { code: string; detail: string; field?: string; [k: string]: unknown };
}

describe('who may use the admin API', () => {
  it('answers 401 without a bearer token', async () => {
    const res = await h.app.inject({ method: 'GET', url: '/admin/v1/models' });
    expect(expectProblem(res, 401).code).toBe('AUTH_MISSING');
  });

  it('answers 401 for a token it cannot verify', async () => {
    const forged = await token('operator-1', ['restock:admin'], {
      secret: 'another-secret-that-is-long-enough-000000',
    });
    const res = await h.app.inject({
      method: 'GET',
      url: '/admin/v1/models',
      headers: { authorization: `Bearer ${forged}` },
    });
    expect(expectProblem(res, 401).code).toBe('AUTH_INVALID');
  });

  it('answers 403 for a valid token without the restock:admin scope, before reading the body', async () => {
    const res = await h.app.inject({
      method: 'POST',
      url: '/admin/v1/models',
      headers: await h.customer('cust-1'),
      payload: { modelId: 'not-created', name: 'Nope' },
    });
    expect(expectProblem(res, 403)).toMatchObject({ code: 'AUTH_FORBIDDEN', requiredScope: 'restock:admin' });
    expect((await send('PATCH', '/admin/v1/models/not-created', { name: 'x' })).statusCode).toBe(404);
  });
});

describe('creating and reading models', () => {
  it('creates a washing machine from its template and publishes the whole model', async () => {
    const res = await create({ modelId: 'washer-x200', name: 'Washer X200', kind: 'washing_machine' });
    expect(res.statusCode).toBe(201);
    expect(res.headers['location']).toBe('/admin/v1/models/washer-x200');
    expect(res.headers['etag']).toBe('"1"');
    const model: DeviceModel = res.json();
    expect(model.slots.map((s) => [s.slotId, s.unitType, s.optional])).toEqual([
      ['detergent', 'volume', false],
      ['softener', 'volume', false],
      ['bleach', 'volume', true],
    ]);
    expect(model.marketplaces).toEqual({
      US: {
        deviceName: 'Washer X200',
        slotNames: { detergent: 'Detergent', softener: 'Softener', bleach: 'Bleach' },
        asins: {
          detergent: [PLACEHOLDER_TEST_ASIN],
          softener: [PLACEHOLDER_TEST_ASIN],
          bleach: [PLACEHOLDER_TEST_ASIN],
        },
      },
    });

    const read = await h.app.inject({ method: 'GET', url: '/admin/v1/models/washer-x200', headers: h.operator });
    expect(read.statusCode).toBe(200);
    expect(read.headers['etag']).toBe('"1"');
    expect(read.json()).toEqual(model);

    const events = (await h.publishedEvents()).filter((e) => 'key' in e && e.key === 'model:washer-x200');
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ type: 'DeviceModelDefined', source: 'catalog', data: model });
  });

  it('starts a model of no known kind with one slot', async () => {
    const model = await createdModel({ modelId: 'gadget-1', name: 'Gadget' });
    expect(model.kind).toBe('other');
    expect(model.slots).toHaveLength(1);
  });

  it('answers 409 for a model id that exists', async () => {
    await createdModel({ modelId: 'twice', name: 'Once' });
    expect(expectProblem(await create({ modelId: 'twice', name: 'Twice' }), 409).code).toBe('CAT_MODEL_EXISTS');
  });

  it('answers 400 naming the field for a model id DRS would not accept', async () => {
    const problem = expectProblem(await create({ modelId: 'washer x200!', name: 'Bad' }), 400);
    expect(problem.field).toBe('/body/modelId');
  });

  it('answers 400 naming the field for a slot whose capacity does not fit its unit type', async () => {
    const slots = [
      { slotId: 'black_ink', unitType: 'percentage', capacity: 100, defaultDailyUse: 1 },
      { slotId: 'cyan_ink', unitType: 'percentage', capacity: 100, defaultDailyUse: 1 },
      { slotId: 'waste_ink', unitType: 'percentage', capacity: 250, defaultDailyUse: 1 },
    ];
    const problem = expectProblem(await create({ modelId: 'printer-bad', name: 'Bad', kind: 'printer', slots }), 400);
    expect(problem).toMatchObject({ code: 'CAT_INVALID', field: '/body/slots/2/capacity' });
  });

  it('answers 400 naming the field for a unit type that does not exist', async () => {
    const slots = [{ slotId: 'pods', unitType: 'pods', capacity: 10, defaultDailyUse: 1 }];
    expect(expectProblem(await create({ modelId: 'pods-bad', name: 'Bad', slots }), 400).field).toBe(
      '/body/slots/0/unitType',
    );
  });

  it('answers 404 for a model that does not exist', async () => {
    const res = await h.app.inject({ method: 'GET', url: '/admin/v1/models/nowhere', headers: h.operator });
    expect(expectProblem(res, 404).code).toBe('CAT_MODEL_NOT_FOUND');
  });

  it('lists models page by page', async () => {
    for (const id of ['list-a', 'list-b', 'list-c']) await createdModel({ modelId: id, name: id });
    const first = await h.app.inject({
      method: 'GET',
      url: '/admin/v1/models?limit=2&after=list-',
      headers: h.operator,
    });
    expect(first.json().models.map((m: DeviceModel) => m.modelId)).toEqual(['list-a', 'list-b']);
    expect(first.json().next).toBe('list-b');
    const second = await h.app.inject({
      method: 'GET',
      url: '/admin/v1/models?limit=2&after=list-b',
      headers: h.operator,
    });
    expect(second.json().models[0].modelId).toBe('list-c');
  });
});

describe('editing a model before certification', () => {
  it('renames, adds, changes and removes slots, each a new revision published whole', async () => {
    await createdModel({ modelId: 'editable', name: 'Editable', kind: 'dishwasher' });
    const renamed = await send('PATCH', '/admin/v1/models/editable', { name: 'Dishwasher D1' }, 1);
    expect(renamed.statusCode).toBe(200);
    expect(renamed.headers['etag']).toBe('"2"');

    const added = await send(
      'POST',
      '/admin/v1/models/editable/slots',
      { slotId: 'cleaner', unitType: 'count', capacity: 6, defaultDailyUse: 0.1, replenishmentId: 'amzn-cleaner' },
      2,
    );
    expect(added.statusCode).toBe(201);
    expect(added.json().slots.at(-1)).toEqual({
      slotId: 'cleaner',
      unitType: 'count',
      capacity: 6,
      defaultDailyUse: 0.1,
      replenishmentId: 'amzn-cleaner',
      optional: false,
    });
    expect(added.json().marketplaces.US.asins.cleaner).toEqual([PLACEHOLDER_TEST_ASIN]);

    const changed = await send('PUT', '/admin/v1/models/editable/slots/tablets', {
      slotId: 'tablets',
      unitType: 'count',
      capacity: 100,
      defaultDailyUse: 1.5,
    });
    expect(changed.statusCode).toBe(200);
    expect(changed.json().slots[0]).toMatchObject({ slotId: 'tablets', capacity: 100, defaultDailyUse: 1.5 });

    const removed = await send('DELETE', '/admin/v1/models/editable/slots/salt');
    expect(removed.statusCode).toBe(200);
    const final: DeviceModel = removed.json();
    expect(final.slots.map((s) => s.slotId)).toEqual(['tablets', 'rinse_aid', 'cleaner']);
    expect(final.marketplaces['US']?.slotNames['salt']).toBeUndefined();
    expect(final.revision).toBe(5);

    const events = (await h.publishedEvents()).filter((e) => 'key' in e && e.key === 'model:editable');
    expect(events.map((e) => e.type === 'DeviceModelDefined' && e.data.revision)).toEqual([1, 2, 3, 4, 5]);
    expect(events.at(-1)?.data).toEqual(final);
  });

  it('answers 412 to a write based on a stale revision, and changes nothing', async () => {
    await createdModel({ modelId: 'contended', name: 'Contended' });
    expect((await send('PATCH', '/admin/v1/models/contended', { name: 'First' }, 1)).statusCode).toBe(200);
    const stale = await send('PATCH', '/admin/v1/models/contended', { name: 'Second' }, 1);
    expect(expectProblem(stale, 412)).toMatchObject({ code: 'CAT_REVISION_MISMATCH', currentRevision: 2 });
    const read = await h.app.inject({ method: 'GET', url: '/admin/v1/models/contended', headers: h.operator });
    expect(read.json()).toMatchObject({ name: 'First', revision: 2 });
  });

  it('answers 400 naming the header for an If-Match that is no revision', async () => {
    const res = await h.app.inject({
      method: 'PATCH',
      url: '/admin/v1/models/contended',
      headers: { ...h.operator, 'if-match': 'yesterday' },
      payload: { name: 'x' },
    });
    expect(expectProblem(res, 400).field).toBe('/headers/if-match');
  });

  it('adds, replaces and deletes a marketplace, answering 201 for a new one', async () => {
    const model = await createdModel({ modelId: 'marketplaces', name: 'Brewer', kind: 'coffee_machine' });
    const added = await send('PUT', '/admin/v1/models/marketplaces/marketplaces/DE', listing('Kaffeemaschine', model));
    expect(added.statusCode).toBe(201);
    const replaced = await send(
      'PUT',
      '/admin/v1/models/marketplaces/marketplaces/DE',
      listing('Kaffeeautomat', model),
    );
    expect(replaced.statusCode).toBe(200);
    expect(replaced.json().marketplaces.DE.deviceName).toBe('Kaffeeautomat');
    const deleted = await send('DELETE', '/admin/v1/models/marketplaces/marketplaces/DE');
    expect(deleted.statusCode).toBe(200);
    expect(Object.keys(deleted.json().marketplaces)).toEqual(['US']);
    expect(expectProblem(await send('DELETE', '/admin/v1/models/marketplaces/marketplaces/DE'), 404).code).toBe(
      'CAT_MARKETPLACE_NOT_FOUND',
    );
  });

  it('answers 400 naming the field for a listing of a slot the model does not have', async () => {
    const model = await createdModel({ modelId: 'orphans', name: 'Orphans' });
    const bad = { ...listing('Orphans', model), asins: { slot_01: ['B00JGZBTCI'], ghost: ['B077YLQ2R1'] } };
    const problem = expectProblem(await send('PUT', '/admin/v1/models/orphans/marketplaces/UK', bad), 400);
    expect(problem.field).toBe('/body/asins/ghost');
  });

  it('answers 400 naming the field for an ASIN of the wrong shape', async () => {
    const model = await createdModel({ modelId: 'bad-asin', name: 'Bad ASIN' });
    const bad = { ...listing('Bad', model), asins: { slot_01: ['not-an-asin'] } };
    const problem = expectProblem(await send('PUT', '/admin/v1/models/bad-asin/marketplaces/UK', bad), 400);
    expect(problem.field).toBe('/body/asins/slot_01/0');
  });
});

describe('the device image', () => {
  it('stores a PNG judged by its bytes and returns it with its content type', async () => {
    await createdModel({ modelId: 'pictured', name: 'Pictured' });
    // The declared type is wrong on purpose: the bytes decide.
    const res = await putImage('pictured', GIF_1X1, 'application/octet-stream');
    expect(res.statusCode).toBe(200);
    expect(res.json().image).toMatchObject({ contentType: 'image/gif', bytes: GIF_1X1.length });
    const image = await h.app.inject({ method: 'GET', url: '/admin/v1/models/pictured/image', headers: h.operator });
    expect(image.statusCode).toBe(200);
    expect(image.headers['content-type']).toBe('image/gif');
    expect(image.rawPayload.equals(GIF_1X1)).toBe(true);
  });

  it('answers 415 naming the detected type for a PDF sent as a PNG', async () => {
    await createdModel({ modelId: 'pdf-image', name: 'PDF' });
    const problem = expectProblem(await putImage('pdf-image', PDF_HEADER, 'image/png'), 415);
    expect(problem).toMatchObject({ code: 'CAT_IMAGE_UNSUPPORTED', detectedFormat: 'pdf' });
    expect(problem.detail).toContain('pdf (application/pdf)');
  });

  it('answers 413 for an image over 1 MB', async () => {
    await createdModel({ modelId: 'huge-image', name: 'Huge' });
    const res = await putImage('huge-image', pngOfSize(1_048_577));
    expect(expectProblem(res, 413).code).toBe('HTTP_BODY_TOO_LARGE');
    expect((await putImage('huge-image', pngOfSize(1_048_576))).statusCode).toBe(200);
  });

  it('answers 404 for the image of a model that has none', async () => {
    await createdModel({ modelId: 'no-image', name: 'No image' });
    const res = await h.app.inject({ method: 'GET', url: '/admin/v1/models/no-image/image', headers: h.operator });
    expect(expectProblem(res, 404).code).toBe('CAT_IMAGE_NOT_FOUND');
  });
});

describe('certification', () => {
  it('answers 409 naming what a model lacks before it can be certified', async () => {
    await createdModel({ modelId: 'incomplete', name: 'Incomplete', kind: 'coffee_machine' });
    const problem = expectProblem(await send('POST', '/admin/v1/models/incomplete/certification'), 409);
    expect(problem.code).toBe('CAT_CERTIFICATION_INCOMPLETE');
    expect(problem['errors']).toEqual([
      { field: '/image', message: 'it has no device image' },
      {
        field: '/marketplaces/US/asins/pods',
        message: `in marketplace US, slot pods still lists the placeholder test ASIN ${PLACEHOLDER_TEST_ASIN}`,
      },
      {
        field: '/marketplaces/US/asins/ground_coffee',
        message: `in marketplace US, slot ground_coffee still lists the placeholder test ASIN ${PLACEHOLDER_TEST_ASIN}`,
      },
    ]);
  });

  it('certifies a complete model and publishes it certified', async () => {
    const model = await certifiedWasher('certified-1');
    expect(model.certifiedAt).not.toBeNull();
    const events = (await h.publishedEvents()).filter((e) => 'key' in e && e.key === 'model:certified-1');
    expect(events.at(-1)).toMatchObject({ type: 'DeviceModelDefined', data: { certifiedAt: model.certifiedAt } });
  });

  it('answers 409 naming the rule to every change of a certified model but a new marketplace', async () => {
    const model = await certifiedWasher('washer-locked');
    const slot = { slotId: 'starch', unitType: 'volume', capacity: 500, defaultDailyUse: 5 };
    const refused = [
      await send('PATCH', '/admin/v1/models/washer-locked', { name: 'Renamed' }),
      await send('POST', '/admin/v1/models/washer-locked/slots', slot),
      await send('PUT', '/admin/v1/models/washer-locked/slots/detergent', { ...slot, slotId: 'detergent' }),
      await send('DELETE', '/admin/v1/models/washer-locked/slots/bleach'),
      await send('PUT', '/admin/v1/models/washer-locked/slots', { slots: [slot] }),
      await putImage('washer-locked', PNG_1X1),
      await send('PUT', '/admin/v1/models/washer-locked/marketplaces/US', listing('Changed', model)),
      await send('DELETE', '/admin/v1/models/washer-locked/marketplaces/US'),
      await send('DELETE', '/admin/v1/models/washer-locked'),
    ];
    for (const res of refused) {
      const problem = expectProblem(res, 409);
      expect(problem.code).toBe('CAT_CERTIFIED_LOCKED');
      expect(problem.detail).toMatch(/^model washer-locked is certified: only new marketplaces can be added/);
    }
    const read = await h.app.inject({ method: 'GET', url: '/admin/v1/models/washer-locked', headers: h.operator });
    expect(read.json()).toEqual(model);

    const de = await send('PUT', '/admin/v1/models/washer-locked/marketplaces/DE', listing('Waschmaschine', model));
    expect(de.statusCode).toBe(201);
    expect(de.json().revision).toBe(model.revision + 1);

    const incomplete = { ...listing('Lave-linge', model), asins: { detergent: ['B00JGZBTCI'] } };
    const problem = expectProblem(await send('PUT', '/admin/v1/models/washer-locked/marketplaces/FR', incomplete), 400);
    expect(problem.field).toBe('/body/asins/softener');

    expect(expectProblem(await send('POST', '/admin/v1/models/washer-locked/certification'), 409).code).toBe(
      'CAT_ALREADY_CERTIFIED',
    );
  });
});

describe('deleting a model', () => {
  it('deletes an uncertified model, publishes DeviceModelDeleted, and a new model of the id continues its revision', async () => {
    await createdModel({ modelId: 'doomed', name: 'Doomed' });
    await putImage('doomed', PNG_1X1);
    const res = await send('DELETE', '/admin/v1/models/doomed', undefined, 2);
    expect(res.statusCode).toBe(204);
    expect(
      (await h.app.inject({ method: 'GET', url: '/admin/v1/models/doomed', headers: h.operator })).statusCode,
    ).toBe(404);
    expect(
      (await h.app.inject({ method: 'GET', url: '/admin/v1/models/doomed/image', headers: h.operator })).statusCode,
    ).toBe(404);

    const again = await createdModel({ modelId: 'doomed', name: 'Reborn' });
    expect(again).toMatchObject({ revision: 4, image: null, name: 'Reborn' });

    const events = (await h.publishedEvents()).filter((e) => 'key' in e && e.key === 'model:doomed');
    expect(events.map((e) => e.type)).toEqual([
      'DeviceModelDefined',
      'DeviceModelDefined',
      'DeviceModelDeleted',
      'DeviceModelDefined',
    ]);
    expect(events[2]?.data).toEqual({ modelId: 'doomed' });
    expect(events[3]?.data).toEqual(again);
  });
});
