import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { type Static, Type } from '@sinclair/typebox';
import { TypeCompiler } from '@sinclair/typebox/compiler';
import { SimulatorError, SimulatorErrorCode } from '../domain/simulator-error.js';

/**
 * The simulator's own small state: the devices it provisioned, with the credential the catalog showed
 * once, and their levels, so a restart reports as the same devices instead of provisioning new ones.
 * A JSON file in a git-ignored folder, readable only by its owner: development credentials of test
 * devices, never production ones.
 */

export const StoredDevice = Type.Object({
  /** Position in the simulated fleet: device n has the kind and household of n. */
  index: Type.Integer({ minimum: 0 }),
  deviceId: Type.String({ minLength: 1 }),
  modelId: Type.String({ minLength: 1 }),
  serialNumber: Type.String({ minLength: 1 }),
  marketplace: Type.String({ minLength: 2 }),
  credential: Type.String({ minLength: 1 }),
  /** When the catalog issued the credential (ISO 8601): a new one takes a moment to reach ingest. */
  credentialIssuedAt: Type.String(),
  /** Canonical quantity per slot at the last save. */
  levels: Type.Record(Type.String(), Type.Number({ minimum: 0 })),
});
export type StoredDevice = Static<typeof StoredDevice>;

export const SimulatorState = Type.Object({
  version: Type.Literal(1),
  /** The catalog the devices were provisioned in; devices of another one are provisioned again. */
  catalogUrl: Type.String(),
  devices: Type.Array(StoredDevice),
});
export type SimulatorState = Static<typeof SimulatorState>;

const stateCheck = TypeCompiler.Compile(SimulatorState);

export function emptyState(catalogUrl: string): SimulatorState {
  return { version: 1, catalogUrl, devices: [] };
}

/** The saved state, or an empty one when there is no file yet. */
export async function loadState(path: string, catalogUrl: string): Promise<SimulatorState> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    if ((error as { code?: unknown }).code === 'ENOENT') return emptyState(catalogUrl);
    throw new SimulatorError(SimulatorErrorCode.SIM_STATE_UNREADABLE, `cannot read ${path}`, { cause: error });
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new SimulatorError(SimulatorErrorCode.SIM_STATE_UNREADABLE, `${path} is not JSON; delete it to start over`, {
      cause: error,
    });
  }
  if (!stateCheck.Check(parsed)) {
    const first = stateCheck.Errors(parsed).First();
    throw new SimulatorError(
      SimulatorErrorCode.SIM_STATE_UNREADABLE,
      `${path} is not the simulator's state (${first?.path ?? ''} ${first?.message ?? ''}); delete it to start over`,
    );
  }
  return parsed.catalogUrl === catalogUrl ? parsed : emptyState(catalogUrl);
}

/** Writes the state atomically (a crash mid-write leaves the previous file), owner-only. */
export async function saveState(path: string, state: SimulatorState): Promise<void> {
  await mkdir(dirname(path), { recursive: true, mode: 0o700 });
  const temporary = `${path}.${process.pid}.tmp`;
  await writeFile(temporary, `${JSON.stringify(state, null, 2)}\n`, { mode: 0o600 });
  await rename(temporary, path);
}
