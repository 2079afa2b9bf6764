// Connection setup: the trips between a new peer pair and an open channel (RFC 8445 §12.1:
// DTLS starts on the first valid pair), and the DTLS identity a connection uses by default.
import t from 'tap';
import { negotiate, Sim, type SimPeer } from './helpers/sim.js';
import { RTCCertificate, RTCPeerConnection } from '../src/index.js';

const ofType = (p: SimPeer, type: string) => p.events.filter((e) => e.type === type);

/** Two cores 1 ms apart (one way); a has created a channel; offer and answer applied. */
function delayedPair(): { sim: Sim; a: SimPeer; b: SimPeer } {
  const sim = new Sim();
  sim.delay = 1;
  const a = sim.add('10.0.0.1', 1000, {}, 1);
  const b = sim.add('10.0.0.2', 2000, {}, 2);
  a.core.createDataChannel({ label: 'x' }, sim.now);
  negotiate(sim, a, b);
  return { sim, a, b };
}

t.test('1 ms one-way delay, no loss: the channel is open on both sides 9 ms after the answer', (t) => {
  const { sim, a, b } = delayedPair();
  const at: Record<string, number> = {};
  const ok = sim.run(() => {
    for (const [name, p, type] of [['ice a', a, 'ice-connection-state'], ['ice b', b, 'ice-connection-state'], ['dtls a', a, 'connection-state'], ['open a', a, 'open'], ['datachannel b', b, 'datachannel']] as const) {
      if (at[name] === undefined && ofType(p, type).some((e) => type !== 'ice-connection-state' && type !== 'connection-state' ? true : (e as { state: string }).state === 'connected')) at[name] = sim.now;
    }
    return at['open a'] !== undefined && at['datachannel b'] !== undefined;
  });
  t.ok(ok, `open at ${JSON.stringify(at)}`);
  // ICE: one check round trip each way (no nomination round trip before DTLS); DTLS: ClientHello,
  // server flight, client flight, server Finished (the first trip overlapping ICE); SCTP: crossed
  // INITs, INIT-ACKs, then the COOKIE ECHO that carries the DCEP OPEN. No timer runs.
  t.equal(at['ice b'], 2, 'the answerer connects after one check round trip');
  t.equal(at['dtls a'], 5, 'DTLS: three trips after ICE');
  t.equal(at['datachannel b'], 8, 'the OPEN came with the COOKIE ECHO, three trips after DTLS');
  t.ok(sim.now <= 9, `open on both sides at ${sim.now} ms of virtual time`);
  t.end();
});

t.test('connections without certificates share one process-wide certificate', async (t) => {
  const fingerprint = (pc: RTCPeerConnection) => pc.getConfiguration().certificates![0].getFingerprints()[0].value;
  const sdpFingerprint = async (pc: RTCPeerConnection) => /a=fingerprint:sha-256 (\S+)/.exec((await pc.createOffer()).sdp!)![1].toLowerCase();
  const cfg = { tsrtc: { addresses: ['127.0.0.1'] } };
  const a = new RTCPeerConnection(cfg);
  const b = new RTCPeerConnection(cfg);
  const own = await RTCPeerConnection.generateCertificate({ name: 'ECDSA', namedCurve: 'P-256' });
  const c = new RTCPeerConnection({ ...cfg, certificates: [own] });
  const d = new RTCPeerConnection({ tsrtc: { ...cfg.tsrtc, certificate: 'per-connection' } });
  const e = new RTCPeerConnection({ tsrtc: { ...cfg.tsrtc, certificate: 'per-connection' } });
  t.teardown(() => { for (const pc of [a, b, c, d, e]) pc.close(); });
  t.equal(fingerprint(a), fingerprint(b), 'two default connections: one certificate');
  t.equal(fingerprint(a), RTCCertificate.shared().getFingerprints()[0].value);
  t.equal(await sdpFingerprint(a), fingerprint(a), 'the description carries it');
  t.equal(fingerprint(c), own.getFingerprints()[0].value, 'certificates given: those, not the shared one');
  t.equal(await sdpFingerprint(c), fingerprint(c));
  t.not(fingerprint(c), fingerprint(a));
  t.not(fingerprint(d), fingerprint(a), "'per-connection': a certificate of its own");
  t.not(fingerprint(d), fingerprint(e));
  const shared = RTCCertificate.shared();
  t.equal(RTCCertificate.shared(shared.expires - 2 * 86_400_000), shared, 'kept while more than a day is left');
  const renewed = RTCCertificate.shared(shared.expires - 3_600_000);
  t.not(renewed, shared, 'replaced for new connections once less than a day is left');
});

t.test('SCTP handshake loss at setup: RTO.Initial comes from the ICE round trip (250 ms floor), not 500 ms', (t) => {
  const { sim, a, b } = delayedPair();
  // t = 7: a answers b's INIT and sends its COOKIE ECHO (with the DCEP OPEN): both lost
  sim.drop = (_data, from) => from === a && sim.now === 7;
  t.ok(sim.run(() => ofType(b, 'datachannel').length === 1 && ofType(a, 'open').length === 1), 'recovered');
  t.ok(sim.now > 250 && sim.now < 300, `open on both sides at ${sim.now} ms (T1-cookie and T3-rtx at 250 ms)`);
  t.end();
});
