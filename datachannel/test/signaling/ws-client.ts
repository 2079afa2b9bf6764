// A `ws` test client that queues incoming JSON messages and hands them out in order.
import { WebSocket, type ClientOptions } from 'ws';

export class TestClient {
  readonly ws: WebSocket;
  private queue: unknown[] = [];
  private waiters: ((m: unknown) => void)[] = [];
  readonly closed: Promise<{ code: number; reason: string }>;

  constructor(url: string, options?: ClientOptions) {
    this.ws = new WebSocket(url, options);
    this.ws.on('message', (data) => {
      const m = JSON.parse(data.toString());
      const w = this.waiters.shift();
      if (w) w(m);
      else this.queue.push(m);
    });
    this.closed = new Promise((resolve) => this.ws.on('close', (code, reason) => resolve({ code, reason: reason.toString() })));
  }

  static async open(url: string, options?: ClientOptions): Promise<TestClient> {
    const c = new TestClient(url, options);
    await new Promise<void>((resolve, reject) => {
      c.ws.once('open', () => resolve());
      c.ws.once('error', reject);
    });
    return c;
  }

  send(m: unknown): void {
    this.ws.send(typeof m === 'string' || Buffer.isBuffer(m) ? m : JSON.stringify(m));
  }

  /** The next message (waits for it). */
  next<T = any>(): Promise<T> {
    const m = this.queue.shift();
    if (m !== undefined) return Promise.resolve(m as T);
    return new Promise((resolve) => this.waiters.push(resolve as (m: unknown) => void));
  }

  /** Sends, then returns the next message. */
  async request<T = any>(m: unknown): Promise<T> {
    this.send(m);
    return this.next<T>();
  }

  /** Proves nothing else is queued: a plain ping's pong must be the very next message. */
  async expectNothingBeforePong(): Promise<unknown> {
    this.send({ type: 'ping' });
    return this.next();
  }

  close(): void {
    this.ws.close();
  }
}
