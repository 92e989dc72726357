import { randomUUID } from 'node:crypto';
import { once } from 'node:events';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createIngestClient, type DeviceReport } from './ingest-client.js';
import { createReportUploader, emptyUploadStats, type UploaderLog } from './report-uploader.js';

// A loopback stand-in for ingest that answers from a script, to watch what the device resends.
interface Seen {
  at: number;
  authorization: string | undefined;
  eventIds: string[];
}
const seen: Seen[] = [];
let script: ((res: ServerResponse) => void)[] = [];
const server = createServer((req: IncomingMessage, res: ServerResponse) => {
  let body = '';
  req.on('data', (chunk: Buffer) => {
    body += chunk.toString();
  });
  req.on('end', () => {
    const reports = (JSON.parse(body) as { reports: DeviceReport[] }).reports;
    seen.push({ at: Date.now(), authorization: req.headers.authorization, eventIds: reports.map((r) => r.eventId) });
    const answer = script.shift();
    if (answer) answer(res);
    else accept(res, reports);
  });
});
function accept(res: ServerResponse, reports: DeviceReport[]) {
  res.writeHead(202, { 'content-type': 'application/json' });
  res.end(JSON.stringify({ accepted: reports.map((r) => r.eventId), duplicates: [] }));
}
function problem(status: number, headers: Record<string, string> = {}) {
  return (res: ServerResponse) => {
    res.writeHead(status, { 'content-type': 'application/problem+json', ...headers });
    res.end(JSON.stringify({ status, code: `TEST_${status}`, detail: 'scripted' }));
  };
}

let baseUrl = '';
beforeAll(async () => {
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  server.close();
  await once(server, 'close');
});

const quiet: UploaderLog = { debug: () => {}, info: () => {}, warn: () => {}, error: () => {} };

function report(sequence: number): DeviceReport {
  return {
    eventId: randomUUID(),
    slotId: 'pods',
    type: 'consumed',
    quantity: 1,
    unit: 'pods',
    occurredAt: new Date().toISOString(),
    sequence,
  };
}

async function uploadUntilIdle(uploader: ReturnType<typeof createReportUploader>, limitMs = 10_000) {
  const deadline = Date.now() + limitMs;
  while (uploader.backlog() > 0 && Date.now() < deadline) {
    if (uploader.due(Date.now())) await uploader.upload();
    else await new Promise((r) => setTimeout(r, 20));
  }
}

describe('a device uploading its reports', () => {
  it('sends the same event ids again after a 503 and a 429, waiting as Retry-After says', async () => {
    seen.length = 0;
    script = [problem(503, { 'retry-after': '1' }), problem(429, { 'retry-after': '1' })];
    const stats = emptyUploadStats();
    const accepted: string[] = [];
    const uploader = createReportUploader(
      { deviceId: 'dev-1', credential: () => 'rsd_secret' },
      {
        client: createIngestClient({ baseUrl }),
        intervalMs: 50,
        stats,
        log: quiet,
        now: Date.now,
        draw: () => 0.5,
        onUnauthorized: async () => {},
        onAccepted: (_id, ids) => accepted.push(...ids),
      },
    );
    const reports = [report(1), report(2), report(3)];
    for (const r of reports) uploader.enqueue(r);
    await uploadUntilIdle(uploader);

    const ids = reports.map((r) => r.eventId);
    expect(seen.map((s) => s.eventIds)).toEqual([ids, ids, ids]);
    expect(seen.every((s) => s.authorization === 'Bearer rsd_secret')).toBe(true);
    expect(seen[1]!.at - seen[0]!.at).toBeGreaterThanOrEqual(950);
    expect(seen[2]!.at - seen[1]!.at).toBeGreaterThanOrEqual(950);
    expect(accepted).toEqual(ids);
    expect(stats).toMatchObject({ accepted: 3, retries: 2, rejected: 0 });
  });

  it('keeps reports that arrive during a retry for the next request instead of changing the one being retried', async () => {
    seen.length = 0;
    script = [problem(503, { 'retry-after': '0' })];
    const uploader = createReportUploader(
      { deviceId: 'dev-2', credential: () => 'rsd_other' },
      {
        client: createIngestClient({ baseUrl }),
        intervalMs: 0,
        stats: emptyUploadStats(),
        log: quiet,
        now: Date.now,
        draw: () => 0,
        onUnauthorized: async () => {},
      },
    );
    const first = report(1);
    uploader.enqueue(first);
    await uploader.upload();
    const later = report(2);
    uploader.enqueue(later);
    await uploadUntilIdle(uploader);
    expect(seen.map((s) => s.eventIds)).toEqual([[first.eventId], [first.eventId], [later.eventId]]);
  });

  it('asks for a new credential on a 401 and uses it for the resend; drops a request refused with a 400', async () => {
    seen.length = 0;
    script = [problem(401), problem(400)];
    let credential = 'rsd_old';
    const stats = emptyUploadStats();
    const uploader = createReportUploader(
      { deviceId: 'dev-3', credential: () => credential },
      {
        client: createIngestClient({ baseUrl }),
        intervalMs: 0,
        stats,
        log: quiet,
        now: Date.now,
        draw: () => 0,
        onUnauthorized: async () => {
          credential = 'rsd_new';
        },
      },
    );
    uploader.enqueue(report(1));
    await uploadUntilIdle(uploader);
    expect(seen.map((s) => s.authorization)).toEqual(['Bearer rsd_old', 'Bearer rsd_new']);
    expect(stats).toMatchObject({ unauthorized: 1, rejected: 1, accepted: 0 });
    expect(uploader.backlog()).toBe(0);
  });

  it('treats a refused connection as a reason to retry, not to drop', async () => {
    const stats = emptyUploadStats();
    const uploader = createReportUploader(
      { deviceId: 'dev-4', credential: () => 'rsd_x' },
      {
        client: createIngestClient({ baseUrl: 'http://127.0.0.1:1', timeoutMs: 2_000 }),
        intervalMs: 0,
        stats,
        log: quiet,
        now: Date.now,
        draw: () => 0,
        onUnauthorized: async () => {},
      },
    );
    uploader.enqueue(report(1));
    await uploader.upload();
    expect(stats).toMatchObject({ retries: 1, rejected: 0 });
    expect(uploader.backlog()).toBe(1);
  });
});
