// PeerConnectionCore: two full stacks (real ICE, DTLS, SCTP engines) on a simulated network.
import t from 'tap';
import { negotiate, Sim, type SimPeer } from './helpers/sim.js';
import type { ManagedChannel } from '../src/data-channel-manager.js';
import { defaultEngines } from '../src/default-engines.js';

const enc = new TextEncoder();
const dec = new TextDecoder();
const ofType = <T extends string>(p: SimPeer, type: T) => p.events.filter((e) => e.type === type);

t.test('offer/answer, ICE → DTLS → SCTP connect, channel opens, messages both ways', (t) => {
  const sim = new Sim();
  const a = sim.add('10.0.0.1', 1000, {}, 1);
  const b = sim.add('10.0.0.2', 2000, {}, 2);
  const ch = a.core.createDataChannel({ label: 'chat' }, sim.now);
  negotiate(sim, a, b);
  t.equal(a.core.dtlsRole, 'server', 'offerer (actpass) is DTLS server when the answerer is active');
  t.equal(b.core.dtlsRole, 'client');
  t.equal(ch.id, 1, 'DTLS server → odd stream id');
  const ok = sim.run(() => a.core.connectionState === 'connected' && b.core.connectionState === 'connected'
    && ofType(b, 'open').length === 1);
  t.ok(ok, `connected (a: ${a.core.connectionState}, b: ${b.core.connectionState}) at t=${sim.now}ms`);
  const remote = (ofType(b, 'datachannel')[0] as { channel: ManagedChannel }).channel;
  t.equal(remote.label, 'chat');
  a.core.sendOnChannel(ch, enc.encode('ping'), false, sim.now);
  t.ok(sim.run(() => ofType(b, 'message').length === 1));
  b.core.sendOnChannel(remote, enc.encode('pong'), false, sim.now);
  t.ok(sim.run(() => ofType(a, 'message').length === 1));
  const m = ofType(a, 'message')[0] as { data: Uint8Array };
  t.equal(dec.decode(m.data), 'pong');
  t.same(ofType(a, 'connection-state').map((e) => (e as { state: string }).state), ['connecting', 'connected']);
  t.end();
});

t.test('close a channel: both sides see closed, the id is reused', (t) => {
  const sim = new Sim();
  const a = sim.add('10.0.0.1', 1000, {}, 3);
  const b = sim.add('10.0.0.2', 2000, {}, 4);
  const ch = a.core.createDataChannel({ label: 'x' }, sim.now);
  negotiate(sim, a, b);
  t.ok(sim.run(() => ofType(b, 'open').length === 1));
  a.core.closeChannel(ch, sim.now);
  t.ok(sim.run(() => ofType(a, 'closed').length === 1 && ofType(b, 'closed').length === 1), 'closed on both sides');
  const again = a.core.createDataChannel({ label: 'y' }, sim.now);
  t.equal(again.id, ch.id);
  t.ok(sim.run(() => ofType(b, 'open').length === 2), 'reopened on the same id');
  t.end();
});

t.test('a large message (200 KiB) arrives intact over lossy links', (t) => {
  const sim = new Sim();
  const a = sim.add('10.0.0.1', 1000, {}, 5);
  const b = sim.add('10.0.0.2', 2000, {}, 6);
  const ch = a.core.createDataChannel({ label: 'bulk' }, sim.now);
  negotiate(sim, a, b);
  t.ok(sim.run(() => ofType(b, 'open').length === 1));
  let n = 0;
  sim.drop = () => ++n % 10 === 0; // 10 % loss
  const big = new Uint8Array(200 * 1024);
  for (let i = 0; i < big.length; i++) big[i] = (i * 7) & 0xff;
  a.core.sendOnChannel(ch, big, true, sim.now);
  t.ok(sim.run(() => ofType(b, 'message').length === 1, 60_000), `delivered by t=${sim.now}`);
  const got = ofType(b, 'message')[0] as { data: Uint8Array };
  t.equal(got.data.length, big.length);
  t.ok(Buffer.from(got.data).equals(Buffer.from(big)), 'same bytes');
  t.end();
});

t.test('answerSetup passive: the answerer is the DTLS server; ICE-lite answerer', (t) => {
  const sim = new Sim();
  const a = sim.add('10.0.0.1', 1000, {}, 7);
  const b = sim.add('10.0.0.2', 2000, { answerSetup: 'passive', iceLite: true }, 8);
  a.core.createDataChannel({ label: 'l' }, sim.now);
  negotiate(sim, a, b);
  t.equal(a.core.dtlsRole, 'client');
  t.equal(b.core.dtlsRole, 'server');
  t.match(b.core.localDescription()!.sdp, /a=ice-lite/);
  t.ok(sim.run(() => ofType(b, 'open').length === 1), `open at ${sim.now}`);
  t.end();
});

t.test('signaling misuse gives typed errors', (t) => {
  const sim = new Sim();
  const a = sim.add('10.0.0.1', 1000, {}, 9);
  t.throws(() => a.core.createAnswer(), { code: 'invalid-state' });
  t.throws(() => a.core.setRemoteDescription('answer', 'v=0\r\n', 0), { code: 'invalid-state' });
  t.throws(() => a.core.setRemoteDescription('offer', 'hello', 0), { code: 'bad-sdp' });
  t.throws(() => a.core.setRemoteDescription('offer', 'v=0\r\nm=audio 9 RTP/AVP 0\r\n', 0), { code: 'bad-sdp' });
  a.core.close(0);
  t.throws(() => a.core.createOffer(), { code: 'invalid-state' });
  t.end();
});

t.test('ICE restart (RFC 8445 §9): new credentials both sides, data keeps flowing', (t) => {
  const sim = new Sim();
  const a = sim.add('10.0.0.1', 1000, {}, 11);
  const b = sim.add('10.0.0.2', 2000, {}, 12);
  const ch = a.core.createDataChannel({ label: 'r' }, sim.now);
  negotiate(sim, a, b);
  t.ok(sim.run(() => ofType(b, 'open').length === 1));
  const [ua, ub] = [a.core.localUfrag, b.core.localUfrag];
  a.core.restartIce();
  const offer = a.core.createOffer();
  t.notMatch(offer, new RegExp(`a=ice-ufrag:${ua.replace(/[+/]/g, '\\$&')}\\r`), 'the offer has a new ufrag');
  a.core.setLocalDescription('offer', sim.now);
  t.not(a.core.localUfrag, ua);
  a.core.handleTimeout(sim.now);
  b.core.setRemoteDescription('offer', a.core.localDescription()!.sdp, sim.now);
  b.core.createAnswer();
  b.core.setLocalDescription('answer', sim.now);
  b.core.handleTimeout(sim.now);
  t.not(b.core.localUfrag, ub, 'the answerer restarts too');
  a.core.setRemoteDescription('answer', b.core.localDescription()!.sdp, sim.now);
  const before = ofType(b, 'message').length;
  a.core.sendOnChannel(ch, new TextEncoder().encode('after restart'), false, sim.now);
  t.ok(sim.run(() => ofType(b, 'message').length === before + 1), 'message delivered');
  // and after the new checks settle, still connected and still delivering
  sim.run(() => false, 3000);
  t.equal(a.core.connectionState, 'connected');
  t.equal(b.core.connectionState, 'connected');
  a.core.sendOnChannel(ch, new TextEncoder().encode('later'), false, sim.now);
  t.ok(sim.run(() => ofType(b, 'message').length === before + 2));
  t.end();
});

t.test('bulk data: each SCTP packet fills one DTLS record of a 1200-byte datagram (MTU − record overhead)', (t) => {
  const sim = new Sim();
  // an interface of 1228 bytes leaves PLPMTUD nothing above the base size (1228 − 28 − 37 = 1163)
  const a = sim.add('10.0.0.1', 1000, {}, 21, 1228);
  const b = sim.add('10.0.0.2', 2000, {}, 22, 1228);
  const ch = a.core.createDataChannel({ label: 'bulk' }, sim.now);
  negotiate(sim, a, b);
  t.ok(sim.run(() => ofType(b, 'open').length === 1));
  const sizes: number[] = [];
  sim.drop = (data, from) => {
    if (from === a) sizes.push(data.length);
    return false;
  };
  a.core.sendOnChannel(ch, new Uint8Array(100 * 1024).fill(7), true, sim.now);
  t.ok(sim.run(() => ofType(b, 'message').length === 1));
  const max = Math.max(...sizes);
  // fragments are cut at 4-byte multiples (RFC 9260 §3.2 chunk padding), so "full" is within 3 bytes
  t.ok(max <= 1200 && max > 1200 - 4, `largest datagram ${max} bytes: within the 1200-byte DTLS MTU and filling it`);
  const full = sizes.filter((n) => n === max).length;
  t.ok(full >= Math.floor((100 * 1024) / 1163) - 1, `${full} of ${sizes.length} datagrams full`);
  t.end();
});

t.test('a STUN-only datagram (consent check) leaves DTLS and SCTP untouched; data still flows and their timers still fire', (t) => {
  // b is an ICE-lite answerer, as an RtcEndpoint peer; every call into its DTLS and SCTP engines is
  // watched. A STUN datagram may reach them only when it is the first input after theirs (their
  // event queues are polled once more after they sent: SCTP may queue events while sending).
  const counts = { stunIn: 0, stunUntouched: 0, violations: 0, sctpTimeouts: 0 };
  let lastInput: 'stun' | 'other' = 'other';
  let upperHadInput = false; // since the last STUN datagram
  let allowed = false; // the current STUN datagram may poll the engines (once more after their input)
  let touched = false;
  const instrument = <T extends object>(engine: T, onTimeout?: () => void): T => {
    for (const name of ['pollTransmit', 'pollEvent', 'nextDeadline', 'handleTimeout', 'handleDatagram', 'handlePacket', 'send'] as const) {
      const f = (engine as Record<string, unknown>)[name];
      if (typeof f !== 'function') continue;
      (engine as Record<string, unknown>)[name] = (...args: unknown[]) => {
        if (lastInput === 'stun') {
          touched = true;
          if (!allowed) counts.violations++;
        }
        if (name === 'handleTimeout') {
          upperHadInput = true;
          onTimeout?.();
        }
        return (f as (...a: unknown[]) => unknown).apply(engine, args);
      };
    }
    return engine;
  };
  const input = (kind: 'stun' | 'other') => {
    if (lastInput === 'stun' && !touched) counts.stunUntouched++;
    lastInput = kind;
    touched = false;
    if (kind === 'stun') {
      counts.stunIn++;
      allowed = upperHadInput;
      upperHadInput = false;
    } else {
      upperHadInput = true;
    }
  };
  const base = defaultEngines();
  const engines = {
    ...base,
    createDtlsEndpoint: (s: Parameters<typeof base.createDtlsEndpoint>[0], now: number) => instrument(base.createDtlsEndpoint(s, now)),
    createSctpAssociation: (s: Parameters<typeof base.createSctpAssociation>[0], now: number) => instrument(base.createSctpAssociation(s, now), () => counts.sctpTimeouts++),
  };
  const sim = new Sim();
  const a = sim.add('10.0.0.1', 1000, {}, 21);
  const b = sim.add('10.0.0.2', 2000, { iceLite: true, answerSetup: 'passive', engines }, 22);
  const handlePacket = b.core.handlePacket.bind(b.core);
  b.core.handlePacket = (bytes, from, to, now) => {
    input(bytes[0] <= 3 ? 'stun' : 'other');
    handlePacket(bytes, from, to, now);
  };
  const handleTimeout = b.core.handleTimeout.bind(b.core);
  b.core.handleTimeout = (now) => {
    // the core asks each engine whether it is due: not a STUN datagram's doing
    if (lastInput === 'stun' && !touched) counts.stunUntouched++;
    lastInput = 'other';
    handleTimeout(now);
  };
  const ch = a.core.createDataChannel({ label: 'idle' }, sim.now);
  negotiate(sim, a, b);
  t.ok(sim.run(() => ofType(b, 'open').length === 1), 'open');
  const before = { ...counts };
  // idle for 65 s: consent checks (RFC 7675, every 4-6 s) and both ends' SCTP HEARTBEATs (30 s)
  sim.run(() => false, 65_000);
  const stun = counts.stunIn - before.stunIn;
  const untouched = counts.stunUntouched - before.stunUntouched;
  t.ok(stun >= 10, `consent checks reached the ICE-lite end (${stun})`);
  t.equal(counts.violations - before.violations, 0, 'a STUN datagram reached DTLS / SCTP only right after their own input');
  t.ok(untouched >= stun / 2, `most STUN datagrams left DTLS and SCTP untouched (${untouched} of ${stun})`);
  t.ok(counts.sctpTimeouts - before.sctpTimeouts >= 2, `SCTP timers still fire (HEARTBEAT, ${counts.sctpTimeouts - before.sctpTimeouts} timeouts)`);
  t.equal(a.core.connectionState, 'connected');
  t.equal(b.core.connectionState, 'connected');
  a.core.sendOnChannel(ch, enc.encode('ping'), false, sim.now);
  t.ok(sim.run(() => ofType(b, 'message').length === 1), 'data a → b after the idle period');
  const remote = (ofType(b, 'datachannel')[0] as { channel: ManagedChannel }).channel;
  b.core.sendOnChannel(remote, enc.encode('pong'), false, sim.now);
  t.ok(sim.run(() => ofType(a, 'message').length === 1), 'data b → a after the idle period');
  t.end();
});
