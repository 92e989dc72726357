import { DeviceModel, type MarketplaceListing } from '@restock/events';
import { type Static, Type } from '@sinclair/typebox';
import { TypeCompiler } from '@sinclair/typebox/compiler';
import type { DeviceKind } from '../domain/consumption-profiles.js';
import { SimulatorError, SimulatorErrorCode } from '../domain/simulator-error.js';

/**
 * The few calls of the catalog admin API (services/catalog/README.md) the simulator needs: models
 * from templates, test devices, credential rotation. Answers are checked against the documented
 * shapes (the model is the catalogue's own event schema), so a changed API fails loudly here.
 */

/** A device as the admin API shows it (never a credential), the fields the simulator reads. */
const DeviceView = Type.Object({
  deviceId: Type.String(),
  modelId: Type.String(),
  serialNumber: Type.String(),
  marketplace: Type.String(),
  credentialActive: Type.Boolean(),
});
export type DeviceView = Static<typeof DeviceView>;
const WithCredential = Type.Composite([DeviceView, Type.Object({ credential: Type.String({ minLength: 1 }) })]);
export type DeviceWithCredential = Static<typeof WithCredential>;
const DeviceList = Type.Object({ devices: Type.Array(DeviceView) });
const Conflict = Type.Object({ code: Type.String(), deviceId: Type.Optional(Type.String()) });

const checks = {
  model: TypeCompiler.Compile(DeviceModel),
  device: TypeCompiler.Compile(DeviceView),
  withCredential: TypeCompiler.Compile(WithCredential),
  list: TypeCompiler.Compile(DeviceList),
  conflict: TypeCompiler.Compile(Conflict),
};

export type ProvisionOutcome =
  | { kind: 'provisioned'; device: DeviceWithCredential }
  /** The serial number is taken (by an earlier run whose state was lost): the existing device's id. */
  | { kind: 'exists'; deviceId: string };

export interface CatalogClient {
  getModel(modelId: string): Promise<DeviceModel | null>;
  /** Creates a model from the kind's template; null when it exists already (created meanwhile). */
  createModel(input: { modelId: string; name: string; kind: DeviceKind }): Promise<DeviceModel | null>;
  /** Adds (or replaces) a marketplace listing of an uncertified model. */
  putListing(modelId: string, marketplace: string, listing: MarketplaceListing): Promise<DeviceModel>;
  getDevice(deviceId: string): Promise<DeviceView | null>;
  findDevice(modelId: string, serialNumber: string): Promise<DeviceView | null>;
  provisionTestDevice(input: { serialNumber: string; modelId: string; marketplace: string }): Promise<ProvisionOutcome>;
  rotateCredential(deviceId: string): Promise<DeviceWithCredential>;
}

export interface CatalogClientOptions {
  baseUrl: string;
  /** An operator bearer token (scope restock:admin), fetched before each call so it can be renewed. */
  token: () => Promise<string>;
  fetch?: typeof fetch;
  timeoutMs?: number;
}

export function createCatalogClient(options: CatalogClientOptions): CatalogClient {
  const doFetch = options.fetch ?? fetch;
  const base = `${options.baseUrl.replace(/\/$/, '')}/admin/v1`;
  const timeoutMs = options.timeoutMs ?? 15_000;

  async function call(method: string, path: string, body?: unknown): Promise<{ status: number; body: unknown }> {
    const response = await doFetch(`${base}${path}`, {
      method,
      headers: {
        authorization: `Bearer ${await options.token()}`,
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      signal: AbortSignal.timeout(timeoutMs),
    });
    const text = await response.text();
    let parsed: unknown = text;
    try {
      parsed = text === '' ? null : JSON.parse(text);
    } catch {
      // Not JSON: kept as text for the error message.
    }
    return { status: response.status, body: parsed };
  }

  function refused(what: string, answer: { status: number; body: unknown }): SimulatorError {
    return new SimulatorError(
      SimulatorErrorCode.SIM_CATALOG_REFUSED,
      `catalog: ${what} answered ${answer.status}: ${JSON.stringify(answer.body).slice(0, 500)}`,
      { retriable: answer.status >= 500 || answer.status === 429 },
    );
  }

  function expect<T>(what: string, answer: { status: number; body: unknown }, check: { Check(v: unknown): v is T }): T {
    if (!check.Check(answer.body)) throw refused(`${what} (an answer of an unexpected shape)`, answer);
    return answer.body;
  }

  return {
    async getModel(modelId) {
      const answer = await call('GET', `/models/${encodeURIComponent(modelId)}`);
      if (answer.status === 404) return null;
      if (answer.status !== 200) throw refused(`GET model ${modelId}`, answer);
      return expect(`GET model ${modelId}`, answer, checks.model);
    },

    async createModel(input) {
      const answer = await call('POST', '/models', input);
      if (answer.status === 409) return null;
      if (answer.status !== 201) throw refused(`POST model ${input.modelId}`, answer);
      return expect(`POST model ${input.modelId}`, answer, checks.model);
    },

    async putListing(modelId, marketplace, listing) {
      const answer = await call('PUT', `/models/${encodeURIComponent(modelId)}/marketplaces/${marketplace}`, listing);
      if (answer.status !== 200 && answer.status !== 201)
        throw refused(`PUT listing ${modelId}/${marketplace}`, answer);
      return expect(`PUT listing ${modelId}/${marketplace}`, answer, checks.model);
    },

    async getDevice(deviceId) {
      const answer = await call('GET', `/devices/${encodeURIComponent(deviceId)}`);
      if (answer.status === 404) return null;
      if (answer.status !== 200) throw refused(`GET device ${deviceId}`, answer);
      return expect(`GET device ${deviceId}`, answer, checks.device);
    },

    async findDevice(modelId, serialNumber) {
      const query = new URLSearchParams({ modelId, serialNumber });
      const answer = await call('GET', `/devices?${query}`);
      if (answer.status !== 200) throw refused(`GET devices of ${modelId}/${serialNumber}`, answer);
      return expect('GET devices', answer, checks.list).devices[0] ?? null;
    },

    async provisionTestDevice(input) {
      // Test devices: the catalog refuses production devices of a model that is not certified, and a
      // simulator's models never are.
      const answer = await call('POST', '/devices', { ...input, testDevice: true });
      if (answer.status === 201) {
        return { kind: 'provisioned', device: expect('POST device', answer, checks.withCredential) };
      }
      if (answer.status === 409 && checks.conflict.Check(answer.body) && answer.body.code === 'CAT_DEVICE_EXISTS') {
        const deviceId =
          answer.body.deviceId ?? (await this.findDevice(input.modelId, input.serialNumber))?.deviceId ?? null;
        if (deviceId !== null) return { kind: 'exists', deviceId };
      }
      throw refused(`POST device ${input.serialNumber}`, answer);
    },

    async rotateCredential(deviceId) {
      const answer = await call('POST', `/devices/${encodeURIComponent(deviceId)}/credential`);
      if (answer.status !== 200) throw refused(`POST credential of ${deviceId}`, answer);
      return expect(`POST credential of ${deviceId}`, answer, checks.withCredential);
    },
  };
}
