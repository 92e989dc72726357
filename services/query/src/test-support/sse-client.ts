/** One server-sent event, or a comment line (a heartbeat). */
export interface SseEvent {
  id: string | undefined;
  event: string;
  data: string;
  comment: string | undefined;
}

export interface SseClient {
  status: number;
  headers: Headers;
  /** Everything received so far. */
  received: SseEvent[];
  /** Waits for the next event (not a comment) after those already taken; fails after `timeoutMs`. */
  next(timeoutMs?: number): Promise<SseEvent>;
  /** Waits until a received line (event or comment) matches. */
  waitFor(match: (e: SseEvent) => boolean, timeoutMs?: number): Promise<SseEvent>;
  close(): void;
}

/**
 * A minimal EventSource over fetch, for tests: it keeps every event and comment, so tests can assert
 * exactly what a client saw (ids, order, heartbeats), and closes by aborting the request.
 */
export async function openSse(url: string, headers: Record<string, string>): Promise<SseClient> {
  const abort = new AbortController();
  const response = await fetch(url, { headers, signal: abort.signal });
  const received: SseEvent[] = [];
  let taken = 0;
  const waiters = new Set<() => void>();
  const notify = () => {
    for (const w of waiters) w();
  };

  if (response.body !== null && response.status === 200) {
    void (async () => {
      const decoder = new TextDecoder();
      let buffer = '';
      try {
        for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) {
          buffer += decoder.decode(chunk, { stream: true });
          let end = buffer.indexOf('\n\n');
          while (end !== -1) {
            const block = buffer.slice(0, end);
            buffer = buffer.slice(end + 2);
            received.push(parseBlock(block));
            end = buffer.indexOf('\n\n');
          }
          notify();
        }
      } catch {
        // Aborted by close(), or the server ended the stream.
      }
    })();
  }

  function waitFor(match: (e: SseEvent) => boolean, timeoutMs = 5_000): Promise<SseEvent> {
    return new Promise((resolve, reject) => {
      const check = () => {
        const found = received.find(match);
        if (found === undefined) return false;
        waiters.delete(check);
        clearTimeout(timer);
        resolve(found);
        return true;
      };
      const timer = setTimeout(() => {
        waiters.delete(check);
        reject(new Error(`no matching event within ${timeoutMs} ms; received ${JSON.stringify(received)}`));
      }, timeoutMs);
      if (!check()) waiters.add(check);
    });
  }

  return {
    status: response.status,
    headers: response.headers,
    received,
    async next(timeoutMs = 5_000) {
      const events = () => received.filter((e) => e.comment === undefined);
      const event = await waitFor(() => events().length > taken, timeoutMs).then(() => events()[taken]);
      taken++;
      if (event === undefined) throw new Error('no event');
      return event;
    },
    waitFor,
    close() {
      abort.abort();
    },
  };
}

function parseBlock(block: string): SseEvent {
  const event: SseEvent = { id: undefined, event: 'message', data: '', comment: undefined };
  const data: string[] = [];
  for (const line of block.split('\n')) {
    if (line.startsWith(':')) event.comment = line.slice(1).trim();
    else if (line.startsWith('id: ')) event.id = line.slice(4);
    else if (line.startsWith('event: ')) event.event = line.slice(7);
    else if (line.startsWith('data: ')) data.push(line.slice(6));
    // The reconnection delay is an instruction to the client, not an event.
    else if (line.startsWith('retry: ')) event.comment = line;
  }
  event.data = data.join('\n');
  return event;
}
