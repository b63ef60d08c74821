import { once } from 'node:events';
import { createServer, type IncomingHttpHeaders, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** A request as the scripted server received it. */
export interface ReceivedRequest {
  readonly method: string;
  /** Path and query, as sent. */
  readonly url: string;
  readonly headers: IncomingHttpHeaders;
  readonly body: Buffer;
}

/** Answers a request; it may also end the connection without answering (`response.socket?.destroy()`). */
export type ScriptedHandler = (request: ReceivedRequest, response: ServerResponse) => void;

/** A node:http server on 127.0.0.1 whose answers a test scripts, recording every request. */
export class ScriptedServer {
  readonly received: ReceivedRequest[] = [];
  handler: ScriptedHandler;
  readonly #server: Server;
  #url = '';

  private constructor(handler: ScriptedHandler) {
    this.handler = handler;
    this.#server = createServer((request, response) => {
      const chunks: Buffer[] = [];
      request.on('data', (chunk: Buffer) => chunks.push(chunk));
      request.on('end', () => {
        const received: ReceivedRequest = {
          method: request.method ?? '',
          url: request.url ?? '',
          headers: request.headers,
          body: Buffer.concat(chunks),
        };
        this.received.push(received);
        this.handler(received, response);
      });
    });
  }

  static async start(
    handler: ScriptedHandler = (_request, response) => json(response, 200, {}),
  ): Promise<ScriptedServer> {
    const server = new ScriptedServer(handler);
    server.#server.listen(0, '127.0.0.1');
    await once(server.#server, 'listening');
    server.#url = `http://127.0.0.1:${(server.#server.address() as AddressInfo).port}`;
    return server;
  }

  get url(): string {
    return this.#url;
  }

  async stop(): Promise<void> {
    this.#server.closeAllConnections();
    this.#server.close();
    await once(this.#server, 'close');
  }
}

export function json(response: ServerResponse, status: number, value: unknown): void {
  const text = JSON.stringify(value);
  response.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
  response.end(text);
}
