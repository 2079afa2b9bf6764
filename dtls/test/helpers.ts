import { DtlsEndpoint, generateCertificate, type DtlsCertificate, type DtlsEvent, type DtlsSettings } from '@tsrtc/dtls';

/** xorshift128+ style deterministic PRNG (seeded); `random` fills buffers for engines. */
export class Prng {
  private s0: number;
  private s1: number;

  constructor(seed: number) {
    this.s0 = (seed ^ 0x9e3779b9) >>> 0 || 1;
    this.s1 = (Math.imul(seed, 0x85ebca6b) ^ 0xc2b2ae35) >>> 0 || 2;
    for (let i = 0; i < 8; i++) this.nextU32();
  }

  nextU32(): number {
    let x = this.s0;
    const y = this.s1;
    this.s0 = y;
    x ^= x << 23;
    x ^= x >>> 17;
    x ^= y ^ (y >>> 26);
    this.s1 = x >>> 0;
    return (this.s0 + this.s1) >>> 0;
  }

  /** Uniform in [0, 1). */
  next(): number {
    return this.nextU32() / 2 ** 32;
  }

  int(n: number): number {
    return Math.floor(this.next() * n);
  }

  fill = (out: Uint8Array): void => {
    for (let i = 0; i < out.length; i++) out[i] = this.nextU32() & 0xff;
  };
}

let cachedCerts: [DtlsCertificate, DtlsCertificate] | undefined;
/** Two certificates shared by tests (key generation is the slow part). */
export function testCertificates(): [DtlsCertificate, DtlsCertificate] {
  cachedCerts ??= [generateCertificate({ commonName: 'client' }), generateCertificate({ commonName: 'server' })];
  return cachedCerts;
}

/** A client/server pair that trust each other's fingerprints. */
export function makePair(seed: number, overrides: { client?: Partial<DtlsSettings>; server?: Partial<DtlsSettings> } = {}, now = 0) {
  const [cc, sc] = testCertificates();
  const rng = new Prng(seed);
  const client = new DtlsEndpoint({ role: 'client', certificate: cc, remoteFingerprints: [sc.fingerprint()], random: rng.fill, ...overrides.client }, now);
  const server = new DtlsEndpoint({ role: 'server', certificate: sc, remoteFingerprints: [cc.fingerprint()], random: rng.fill, ...overrides.server }, now);
  return { client, server, rng };
}

export function drainEvents(e: DtlsEndpoint): DtlsEvent[] {
  const out: DtlsEvent[] = [];
  for (let ev = e.pollEvent(); ev !== undefined; ev = e.pollEvent()) out.push(ev);
  return out;
}

export function drainTransmit(e: DtlsEndpoint): Uint8Array[] {
  const out: Uint8Array[] = [];
  for (let d = e.pollTransmit(); d !== undefined; d = e.pollTransmit()) out.push(d.slice());
  return out;
}

/**
 * Run two endpoints over a perfect zero-delay link until both are quiet. Returns every event
 * and every datagram each side sent (copies), in order.
 */
export function runLossless(client: DtlsEndpoint, server: DtlsEndpoint, now = 0) {
  const events = { client: [] as DtlsEvent[], server: [] as DtlsEvent[] };
  const sent = { client: [] as Uint8Array[], server: [] as Uint8Array[] };
  if (client.state === 'new') client.start(now);
  for (let rounds = 0; rounds < 100; rounds++) {
    const c = drainTransmit(client);
    const s = drainTransmit(server);
    events.client.push(...drainEvents(client));
    events.server.push(...drainEvents(server));
    if (c.length === 0 && s.length === 0) break;
    sent.client.push(...c);
    sent.server.push(...s);
    for (const d of c) server.handleDatagram(d, now);
    for (const d of s) client.handleDatagram(d, now);
  }
  return { events, sent };
}
