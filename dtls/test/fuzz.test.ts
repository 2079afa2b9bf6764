import t from 'tap';
import type { DtlsEndpoint } from '@tsrtc/dtls';
import { encodeHandshakeFragment } from '../src/handshake.js';
import { fixtureNames, reassemblePlaintext, readHexDatagrams, readJson } from './fixture-helpers.js';
import { drainEvents, drainTransmit, makePair, Prng, runLossless } from './helpers.js';
import { PERFECT, simulate } from './sim.js';

/**
 * Robustness: ≥ 100,000 random and mutated records and handshake messages into client and
 * server engines in every state. Nothing may escape handleDatagram, no internal error may be
 * counted, and afterwards the fuzzed engine either completes its handshake (or keeps
 * exchanging data) with its genuine peer or ends with a `failed` event — never a hang.
 */

type StateName = 'server-wait-client-hello' | 'server-cookie-wait-client-hello' | 'server-wait-flight-5' | 'server-connected' | 'client-wait-server-hello' | 'client-wait-finished' | 'client-connected';

interface Setup {
  target: DtlsEndpoint;
  peer: DtlsEndpoint;
  /** Datagrams from peer to target not yet delivered (the genuine continuation). */
  pending: Uint8Array[];
  /** message_seq the target expects next from its peer. */
  expectedSeq: number;
}

let seedCounter = 1000;
function setup(state: StateName): Setup {
  const { client, server } = makePair(seedCounter++, state === 'server-cookie-wait-client-hello' ? { server: { helloVerifyRequest: true } } : {});
  switch (state) {
    case 'server-cookie-wait-client-hello': {
      // The server sent its HelloVerifyRequest and waits, stateless, for the hello with the cookie.
      client.start(0);
      for (const d of drainTransmit(client)) server.handleDatagram(d, 0);
      for (const d of drainTransmit(server)) client.handleDatagram(d, 0);
      return { target: server, peer: client, pending: drainTransmit(client), expectedSeq: 1 };
    }
    case 'server-wait-client-hello':
      client.start(0);
      return { target: server, peer: client, pending: drainTransmit(client), expectedSeq: 0 };
    case 'client-wait-server-hello': {
      client.start(0);
      for (const d of drainTransmit(client)) server.handleDatagram(d, 0);
      return { target: client, peer: server, pending: drainTransmit(server), expectedSeq: 0 };
    }
    case 'server-wait-flight-5': {
      client.start(0);
      for (const d of drainTransmit(client)) server.handleDatagram(d, 0);
      for (const d of drainTransmit(server)) client.handleDatagram(d, 0);
      return { target: server, peer: client, pending: drainTransmit(client), expectedSeq: 1 };
    }
    case 'client-wait-finished': {
      client.start(0);
      for (const d of drainTransmit(client)) server.handleDatagram(d, 0);
      for (const d of drainTransmit(server)) client.handleDatagram(d, 0);
      for (const d of drainTransmit(client)) server.handleDatagram(d, 0);
      drainEvents(server);
      return { target: client, peer: server, pending: drainTransmit(server), expectedSeq: 5 };
    }
    case 'server-connected':
    case 'client-connected': {
      runLossless(client, server);
      return state === 'server-connected'
        ? { target: server, peer: client, pending: [], expectedSeq: 5 }
        : { target: client, peer: server, pending: [], expectedSeq: 6 };
    }
  }
}

function failures(s: Setup) {
  return [...lastEvents(s.target), ...lastEvents(s.peer)];
}
const seenEvents = new WeakMap<DtlsEndpoint, unknown[]>();
function lastEvents(e: DtlsEndpoint) {
  return seenEvents.get(e) ?? [];
}

/** Continue with the genuine peer; true when the target ends connected and data flows. */
function continueGenuinely(s: Setup, rng: Prng): 'connected' | 'failed' | 'hung' {
  for (const d of s.pending) s.target.handleDatagram(d, 1);
  seenEvents.set(s.target, drainEvents(s.target));
  const [client, server] = s.target.role === 'client' ? [s.target, s.peer] : [s.peer, s.target];
  {
    const r = simulate(client, server, rng, PERFECT, { start: 1, maxTime: 600_000, until: () => s.target.state !== 'connecting' && s.peer.state !== 'connecting' });
    seenEvents.set(s.target, [...lastEvents(s.target), ...r.events[s.target.role]]);
    seenEvents.set(s.peer, r.events[s.peer.role]);
  }
  if (s.target.state === 'connecting' || s.peer.state === 'connecting') return 'hung';
  if (s.target.state !== 'connected' || s.peer.state !== 'connected') {
    if (process.env.FUZZ_DEBUG) console.error('continuation failed', s.target.role, s.target.state, s.peer.state, JSON.stringify(failures(s)));
    return 'failed';
  }
  s.peer.send(Uint8Array.of(42), 2);
  for (const d of drainTransmit(s.peer)) s.target.handleDatagram(d, 2);
  return drainEvents(s.target).some((e) => e.type === 'data') ? 'connected' : 'failed';
}

// ---- corpus -------------------------------------------------------------------------------

function buildCorpus() {
  const { client, server } = makePair(1);
  const { sent } = runLossless(client, server);
  client.send(new Uint8Array(100), 0);
  server.send(new Uint8Array(100), 0);
  const datagrams = [...sent.client, ...sent.server, ...drainTransmit(client), ...drainTransmit(server)];
  for (const name of fixtureNames('.hex')) datagrams.push(...readHexDatagrams(name));
  for (const name of fixtureNames('.handshake.json')) for (const d of readJson(name).datagrams) datagrams.push(Uint8Array.from(Buffer.from(d.hex, 'hex')));
  const messages = [...reassemblePlaintext(sent.client), ...reassemblePlaintext(sent.server)];
  for (const name of fixtureNames('.clienthello.1.hex')) messages.push(...reassemblePlaintext(readHexDatagrams(name)));
  return { datagrams, messages };
}

const INTERESTING = [0, 1, 2, 0x7f, 0x80, 0xfe, 0xff, 20, 21, 22, 23];

function mutateBytes(src: Uint8Array, rng: Prng): Uint8Array {
  let b = src.slice();
  const ops = 1 + rng.int(4);
  for (let i = 0; i < ops; i++) {
    switch (rng.int(6)) {
      case 0: // bit flip
        if (b.length) b[rng.int(b.length)] ^= 1 << rng.int(8);
        break;
      case 1: // interesting byte
        if (b.length) b[rng.int(b.length)] = INTERESTING[rng.int(INTERESTING.length)];
        break;
      case 2: // truncate
        b = b.subarray(0, rng.int(b.length + 1));
        break;
      case 3: {
        // extend with random bytes
        const extra = new Uint8Array(rng.int(64));
        rng.fill(extra);
        const n = new Uint8Array(b.length + extra.length);
        n.set(b);
        n.set(extra, b.length);
        b = n;
        break;
      }
      case 4: // random byte
        if (b.length) b[rng.int(b.length)] = rng.int(256);
        break;
      default: // header field (first 25 bytes: record + handshake headers)
        if (b.length) b[rng.int(Math.min(25, b.length))] = rng.int(256);
    }
  }
  return b;
}

function record(type: number, epoch: number, seq: number, payload: Uint8Array): Uint8Array {
  const r = new Uint8Array(13 + payload.length);
  r.set([type, 0xfe, 0xfd, epoch >> 8, epoch & 0xff, 0, 0, (seq >>> 24) & 0xff, (seq >>> 16) & 0xff, (seq >>> 8) & 0xff, seq & 0xff, payload.length >> 8, payload.length & 0xff]);
  r.set(payload, 13);
  return r;
}

function makeInput(corpus: ReturnType<typeof buildCorpus>, expectedSeq: number, rng: Prng): Uint8Array {
  const pick = <T>(a: T[]) => a[rng.int(a.length)];
  switch (rng.int(5)) {
    case 0: {
      // random bytes, often with a plausible first byte
      const b = new Uint8Array(rng.int(300));
      rng.fill(b);
      if (b.length && rng.next() < 0.7) b[0] = 20 + rng.int(4);
      return b;
    }
    case 1:
    case 2:
      return mutateBytes(pick(corpus.datagrams), rng);
    default: {
      // A mutated handshake message with a message_seq the target may be waiting for,
      // correctly framed so that it reaches the message decoders.
      const m = pick(corpus.messages);
      const body = rng.next() < 0.15 ? m.body : mutateBytes(m.body, rng);
      const seq = expectedSeq + rng.int(3) - (rng.next() < 0.1 ? 1 : 0);
      const msgType = rng.next() < 0.8 ? m.msgType : rng.int(25);
      if (rng.next() < 0.3 && body.length > 2) {
        const cut = 1 + rng.int(body.length - 1);
        return Buffer.concat([
          record(22, 0, 1000 + rng.int(1000), encodeHandshakeFragment(msgType, Math.max(0, seq), body, 0, cut)),
          record(22, 0, 2000 + rng.int(1000), encodeHandshakeFragment(msgType, Math.max(0, seq), body, cut, body.length - cut)),
        ]);
      }
      return record(22, rng.next() < 0.9 ? 0 : 1, rng.int(5000), encodeHandshakeFragment(msgType, Math.max(0, seq), body, 0, body.length));
    }
  }
}

const STATES: StateName[] = ['server-wait-client-hello', 'server-cookie-wait-client-hello', 'server-wait-flight-5', 'server-connected', 'client-wait-server-hello', 'client-wait-finished', 'client-connected'];
const PER_STATE = 15_000;
const BATCH = 2_000;

t.test(`fuzz: ${STATES.length} states × ${PER_STATE} inputs`, (t) => {
  const corpus = buildCorpus();
  const rng = new Prng(20261121);
  let total = 0;
  const summary: string[] = [];
  for (const state of STATES) {
    let escaped = 0, internal = 0, ended = 0, continued = { connected: 0, failed: 0, hung: 0 };
    for (let done = 0; done < PER_STATE; ) {
      let s = setup(state);
      const batchEnd = Math.min(PER_STATE, done + BATCH);
      for (; done < batchEnd; done++, total++) {
        const before = s.target.stats();
        try {
          s.target.handleDatagram(makeInput(corpus, s.expectedSeq, rng), 1);
        } catch (e) {
          escaped++;
          if (escaped < 3) t.fail(`${state}: exception escaped: ${(e as Error).stack}`);
        }
        drainEvents(s.target);
        const after = s.target.stats();
        internal += after.internalErrors - before.internalErrors;
        const progressed = after.datagramsSent > before.datagramsSent && after.flightResends === before.flightResends;
        drainTransmit(s.target);
        const original = state.endsWith('connected') ? 'connected' : 'connecting';
        if (s.target.state !== original || progressed) {
          // The input ended the association (fatal alert) or was taken as a genuine message:
          // start again from a fresh engine in the same state.
          ended++;
          s = setup(state);
        }
      }
      continued[continueGenuinely(s, rng)]++;
    }
    t.equal(escaped, 0, `${state}: no exception escaped handleDatagram`);
    t.equal(internal, 0, `${state}: no internal error`);
    // Epoch-0 bytes are unauthenticated: a forged but well-formed ServerHello can still poison a
    // handshake (it then fails with a fatal alert). It must never hang or throw.
    t.equal(continued.hung, 0, `${state}: genuine continuation after fuzzing: ${continued.connected} connected, ${continued.failed} failed with an alert, none hung`);
    if (state !== 'client-wait-server-hello') t.ok(continued.connected >= continued.failed, `${state}: continuation mostly connects`);
    summary.push(`${state}: ${PER_STATE} inputs, ${ended} ended/advanced the engine, continuation ${continued.connected}/${continued.connected + continued.failed}`);
  }
  t.ok(total >= 100_000, `${total} fuzz inputs`);
  // A valid handshake afterwards still completes.
  const { client, server } = makePair(99);
  const r = runLossless(client, server);
  t.ok(r.events.client.some((e) => e.type === 'connected') && r.events.server.some((e) => e.type === 'connected'), 'fresh handshake completes');
  t.comment(summary.join('\n'));
  t.end();
});
