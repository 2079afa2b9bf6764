/**
 * An impaired path between two in-process peers: candidates rewritten to addresses of the
 * impairment relay (./impair-relay.ts, a separate process), so every datagram crosses it.
 */
import { fork, type ChildProcess } from 'node:child_process';

export interface PathSpec {
  name: string;
  /** one-way delay, ms (RTT = 2 × delayMs) */
  delayMs: number;
  /** loss per direction, % */
  lossPct: number;
}

export class ImpairedPath {
  private nextId = 1;
  private readonly pending = new Map<number, (m: Record<string, unknown>) => void>();
  private constructor(readonly spec: PathSpec, private readonly child: ChildProcess) {
    child.on('message', (m: Record<string, unknown>) => {
      const cb = this.pending.get(m.id as number);
      if (cb) { this.pending.delete(m.id as number); cb(m); }
    });
  }

  static async start(spec: PathSpec, seed = 1): Promise<ImpairedPath> {
    const child = fork(new URL('./impair-relay.ts', import.meta.url), [String(spec.delayMs), String(spec.lossPct), String(seed)], {
      execArgv: ['--import', 'tsx'],
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    await new Promise<void>((resolve, reject) => {
      child.once('message', () => resolve());
      child.once('error', reject);
      child.once('exit', (code) => reject(new Error(`impairment relay exited (${code})`)));
    });
    return new ImpairedPath(spec, child);
  }

  private request(m: Record<string, unknown>): Promise<Record<string, unknown>> {
    const id = this.nextId++;
    return new Promise((resolve) => { this.pending.set(id, resolve); this.child.send({ id, ...m }); });
  }

  /** The relay's port standing for a real transport address. */
  async map(address: string, port: number): Promise<number> {
    return (await this.request({ map: { address, port } })).port as number;
  }

  async stats(): Promise<{ forwarded: number; dropped: number; cpuSec: number }> {
    const m = await this.request({ stats: true });
    const cpu = m.cpu as { user: number; system: number };
    return { forwarded: m.forwarded as number, dropped: m.dropped as number, cpuSec: (cpu.user + cpu.system) / 1e6 };
  }

  /**
   * One `candidate:` attribute value rewritten to the relay; undefined for candidates the relay
   * does not carry (IPv6, TCP, mDNS names): those are dropped so that no datagram bypasses it.
   */
  async candidate(text: string): Promise<string | undefined> {
    const f = text.replace(/^a=/, '').split(' ');
    // candidate:foundation component transport priority address port typ type …
    if (f.length < 8 || f[2].toLowerCase() !== 'udp' || !/^\d+\.\d+\.\d+\.\d+$/.test(f[4])) return undefined;
    f[5] = String(await this.map(f[4], Number(f[5])));
    f[4] = '127.0.0.1';
    return f.join(' ');
  }

  /** A description with every candidate line rewritten (or removed). */
  async description<T extends { type: string; sdp?: string }>(d: T): Promise<{ type: string; sdp: string }> {
    const out: string[] = [];
    for (const line of (d.sdp ?? '').split(/\r\n/)) {
      if (line.startsWith('a=candidate:')) {
        const c = await this.candidate(line.slice(2));
        if (c !== undefined) out.push(`a=${c}`);
      } else out.push(line);
    }
    return { type: d.type, sdp: out.join('\r\n') };
  }

  close(): void {
    this.child.disconnect();
  }
}
