import type { IncomingMessage, ServerResponse } from 'node:http';

export interface EventHub {
  /** Answer a GET on the live-reload channel: keep the response open as an event stream. */
  handle(req: IncomingMessage, res: ServerResponse, first?: { event: string; data: unknown }): void;
  broadcast(event: string, data: unknown): void;
  /** Open connections, for tests and logs. */
  readonly size: number;
  close(): void;
}

/**
 * Server-Sent Events: a plain GET that stays open, so live reload needs no other method
 * and no WebSocket. Browsers reconnect by themselves; `retry` keeps that quick.
 */
export function createEventHub(options: { keepAliveMs?: number } = {}): EventHub {
  const clients = new Set<ServerResponse>();
  const write = (res: ServerResponse, event: string, data: unknown) => {
    res.write(`event: ${event}\ndata: ${JSON.stringify(data)}\n\n`);
  };
  // Proxies and idle timeouts close silent connections; a comment line keeps them open.
  const keepAlive = setInterval(() => {
    for (const res of clients) res.write(': keep-alive\n\n');
  }, options.keepAliveMs ?? 15_000);
  keepAlive.unref();

  return {
    handle(req, res, first) {
      res.writeHead(200, {
        'Content-Type': 'text/event-stream; charset=utf-8',
        'Cache-Control': 'no-store',
        Connection: 'keep-alive',
        'X-Accel-Buffering': 'no',
      });
      if (req.method === 'HEAD') {
        res.end();
        return;
      }
      res.write('retry: 500\n\n');
      if (first) write(res, first.event, first.data);
      clients.add(res);
      const drop = () => clients.delete(res);
      req.on('close', drop);
      res.on('error', drop);
    },
    broadcast(event, data) {
      for (const res of clients) write(res, event, data);
    },
    get size() {
      return clients.size;
    },
    close() {
      clearInterval(keepAlive);
      for (const res of clients) res.end();
      clients.clear();
    },
  };
}
