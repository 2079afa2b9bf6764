// PLPMTUD through the whole stack: the SCTP packet ceiling comes from the local interface MTU
// (RFC 8261 §5, RFC 8899 §6.2); one SCTP packet is one DTLS record in one datagram.
import t, { type Test } from 'tap';
import { negotiate, Sim, type SimPeer } from './helpers/sim.js';
import type { ManagedChannel } from '../src/data-channel-manager.js';
import { defaultEngines } from '../src/default-engines.js';
import type { SctpAssociation } from '@tsrtc/sctp';

const ofType = <T extends string>(p: SimPeer, type: T) => p.events.filter((e) => e.type === type);
const DTLS_OVERHEAD = 37; // AES-GCM record: header 13, explicit nonce 8, tag 16

/** offer/answer; `announce: false` removes a=tsrtc-max-datagram, as a peer that is not tsrtc */
function negotiateAs(sim: Sim, a: SimPeer, b: SimPeer, announce: boolean): void {
  if (announce) return negotiate(sim, a, b);
  const strip = (sdp: string) => sdp.replace(/a=tsrtc-max-datagram:\d+\r\n/, '');
  a.core.createOffer();
  a.core.setLocalDescription('offer', sim.now);
  a.core.handleTimeout(sim.now);
  b.core.setRemoteDescription('offer', strip(a.core.localDescription()!.sdp), sim.now);
  b.core.createAnswer();
  b.core.setLocalDescription('answer', sim.now);
  b.core.handleTimeout(sim.now);
  a.core.setRemoteDescription('answer', strip(b.core.localDescription()!.sdp), sim.now);
}

/** Connects a pair whose interfaces have MTU `linkMtu`, sends `n` messages of `size` bytes a → b. */
function bulk(t: Test, linkMtu: number | undefined, pathMtu: number, n: number, size: number, announce = true) {
  const sim = new Sim();
  const a = sim.add('10.0.0.1', 1000, {}, 1, linkMtu);
  const b = sim.add('10.0.0.2', 2000, {}, 2, linkMtu);
  const ch = a.core.createDataChannel({ label: 'bulk' }, sim.now);
  negotiateAs(sim, a, b, announce);
  t.match(a.core.localDescription()!.sdp, /\r\na=tsrtc-max-datagram:65535\r\n/, 'we announce the datagrams we accept');
  t.ok(sim.run(() => ofType(b, 'open').length === 1), 'open');
  let largest = 0;
  const sent: { ref: Uint8Array; copy: Uint8Array }[] = [];
  // an IP path of `pathMtu`: larger datagrams (UDP payload + 28) vanish without a signal
  sim.drop = (data) => {
    largest = Math.max(largest, data.length);
    if (sent.length < 5000) sent.push({ ref: data, copy: data.slice() });
    return data.length + 28 > pathMtu;
  };
  for (let i = 0; i < n; i++) a.core.sendOnChannel(ch as ManagedChannel, new Uint8Array(size).fill(i & 255), true, sim.now);
  t.ok(sim.run(() => ofType(b, 'message').length === n, 600_000), `${n} messages of ${size} bytes arrived`);
  const got = ofType(b, 'message') as unknown as { data: Uint8Array }[];
  t.ok(got.every((m, i) => m.data.length === size && m.data[0] === (i & 255) && m.data[size - 1] === (i & 255)), 'intact, in order');
  // the driver hands datagrams to the socket without a copy: no engine may reuse their bytes
  t.ok(sent.every((s) => Buffer.compare(s.ref, s.copy) === 0), `the ${sent.length} datagrams kept their bytes after later calls`);
  return largest;
}

t.test('loopback (interface MTU 65536): SCTP packets grow to one full DTLS record (16 KiB)', async (t) => {
  const largest = bulk(t, 65536, 65536, 200, 64 * 1024);
  t.equal(largest, 16384 + DTLS_OVERHEAD, `largest datagram ${largest}`);
});

t.test('a peer that does not announce a=tsrtc-max-datagram (libwebrtc, aiortc, …) gets no probe: 1200-byte datagrams', async (t) => {
  const largest = bulk(t, 65536, 65536, 100, 64 * 1024, false);
  t.equal(largest, 1200 - 3, `largest datagram ${largest} (1163-byte SCTP packets, 4-byte aligned, + 37)`);
});

t.test('an Ethernet interface (MTU 1500): datagrams fill 1500-byte IP packets, none larger', async (t) => {
  const largest = bulk(t, 1500, 1500, 100, 16 * 1024);
  t.ok(largest <= 1500 - 28 && largest > 1500 - 28 - 8, `largest datagram ${largest}`);
});

t.test('an unknown interface MTU counts as 1500', async (t) => {
  const largest = bulk(t, undefined, 1500, 50, 16 * 1024);
  t.ok(largest <= 1500 - 28, `largest datagram ${largest}`);
});

t.test('a path narrower than the interface (1400 on a 9000 link): probes find it, the data arrives', async (t) => {
  const largest = bulk(t, 9000, 1400, 100, 16 * 1024);
  t.ok(largest > 1400, 'probes larger than the path were sent');
});

t.test('RFC 9653 zero checksum between tsrtc peers only (pion < 1.8.7 rejects the INIT parameter)', async (t) => {
  for (const announce of [true, false]) {
    const sctps: SctpAssociation[] = [];
    const engines = defaultEngines();
    const create = engines.createSctpAssociation.bind(engines);
    engines.createSctpAssociation = (settings, now) => {
      const a = create(settings, now);
      sctps.push(a as unknown as SctpAssociation);
      return a;
    };
    const sim = new Sim();
    const a = sim.add('10.0.0.1', 1000, { engines }, 1, 65536);
    const b = sim.add('10.0.0.2', 2000, { engines }, 2, 65536);
    a.core.createDataChannel({ label: 'x' }, sim.now);
    negotiateAs(sim, a, b, announce);
    t.ok(sim.run(() => ofType(b, 'open').length === 1), 'open');
    t.equal(sctps.length, 2);
    t.same(sctps.map((s) => s.stats().zeroChecksum), [announce, announce], announce ? 'both send zero checksums' : 'CRC32c, as before');
  }
});
