import { collectPrometheusMetrics, startTelemetry } from '@restock/telemetry';
import { afterAll, describe, expect, it } from 'vitest';
import { startGatewayWorld } from './test-support/gateway-harness.js';

// Started before the world, so every instrument and span of this file binds to it.
const telemetry = startTelemetry({ serviceName: 'drs-gateway-telemetry-test' });
const world = await startGatewayWorld();
afterAll(async () => {
  await telemetry.shutdown();
});

describe('the DRS gateway’s telemetry', () => {
  it('counts DRS calls by operation and status', async () => {
    const washer = await world.linkWasher();
    await world.publish('commands', [world.replenish(washer.deviceId, 'detergent')]);
    await world.waitUntil(
      async () =>
        (await world.calls(washer.deviceId)).some((c) => c.operation === 'replenish' && c.state === 'succeeded'),
      'the replenish call to succeed',
    );
    const text = (await collectPrometheusMetrics()) ?? '';
    expect(text).toMatch(/drs_gateway_calls_total\{[^}]*operation="replenish"[^}]*status="2[0-9][0-9]"[^}]*\} [1-9]/);
  });
});
