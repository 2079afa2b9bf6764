import t from 'tap';
import { readFileSync } from 'node:fs';
import { SctpAssociation, ChunkType, decodePacket, decodeInit, type SctpEvent } from '../src/index.js';
import { decodeIData } from '../src/packet/i-data-chunk.js';
import { decodeIForwardTsn, encodeIForwardTsn } from '../src/packet/i-forward-tsn-chunk.js';
import { PacketWriter } from '../src/packet/writer.js';
import { writeIData } from '../src/packet/i-data-chunk.js';
import { Rng, SimNetwork } from './sim.js';

const lossy = { delay: 20, jitter: 15, loss: 0.1, duplicate: 0.05 };
type Msg = Extract<SctpEvent, { type: 'message' }>;

t.test('I-DATA and I-FORWARD-TSN codecs round trip (RFC 8260 §2.1, §2.3.1)', async (t) => {
  const w = new PacketWriter(1200);
  w.begin(5000, 5000, 1);
  writeIData(w, 2, 0xfffffff0, 7, 0x80000001, 51, Uint8Array.of(1, 2, 3));
  writeIData(w, 1, 0xfffffff1, 7, 0x80000001, 1, Uint8Array.of(4));
  const p = decodePacket(w.finish(true));
  const [a, b] = p.chunks.map((c) => decodeIData(c.flags, c.value));
  t.match(a, { tsn: 0xfffffff0, streamId: 7, mid: 0x80000001, ppid: 51, fsn: 0, beginning: true, ending: false });
  t.match(b, { tsn: 0xfffffff1, mid: 0x80000001, ppid: undefined, fsn: 1, ending: true });
  const f = { newCumulativeTsn: 9, entries: [{ streamId: 1, unordered: true, mid: 5 }, { streamId: 2, unordered: false, mid: 0xffffffff }] };
  t.same(decodeIForwardTsn(encodeIForwardTsn(f).subarray(4)), f);
});

t.test('negotiation: used only when both sides offer it; chunk types on the wire follow', async (t) => {
  for (const [ia, ib] of [
    [true, true],
    [true, false],
    [false, true],
  ] as const) {
    const net = new SimNetwork(3, { interleaving: ia }, { interleaving: ib }, [{ delay: 2 }, { delay: 2 }]);
    const types = new Set<number>();
    net.tap = (_f, p) => {
      for (const c of decodePacket(p).chunks) types.add(c.type);
      return p;
    };
    t.ok(net.connect());
    net.peers[0].send(1, 53, new Uint8Array(5000).fill(3), {}, net.now);
    t.ok(net.run(() => net.messages(1).length === 1));
    t.equal(net.messages(1)[0].data.length, 5000);
    const both = ia && ib;
    t.equal(net.peers[0].stats().interleaving, both, `(${ia}, ${ib}) interleaving ${both}`);
    t.equal(types.has(ChunkType.I_DATA), both);
    t.equal(types.has(ChunkType.DATA), !both);
  }
});

t.test("Firefox's real INIT offers I-DATA: answered with it when interleaving is on, and not otherwise", async (t) => {
  const pkts = JSON.parse(readFileSync(new URL('../../../shared/fixtures/sctp/firefox-153.json', import.meta.url), 'utf8')).packets as Array<{ hex: string; chunks: Array<{ typeName: string }> }>;
  const init = Uint8Array.from(Buffer.from(pkts.find((p) => p.chunks[0].typeName === 'INIT')!.hex, 'hex'));
  t.ok(decodeInit(decodePacket(init).chunks[0].value, false).supportedExtensions.includes(ChunkType.I_DATA), 'Firefox offers I-DATA');
  for (const interleaving of [true, false]) {
    const a = new SctpAssociation({ random: new Rng(5).fill, interleaving }, 0);
    a.handlePacket(init, 0);
    const ack = decodeInit(decodePacket(a.pollTransmit()!).chunks[0].value, true);
    t.equal(ack.supportedExtensions.includes(ChunkType.I_DATA) && ack.supportedExtensions.includes(ChunkType.I_FORWARD_TSN), interleaving);
    const w = new PacketWriter(1200);
    w.begin(5000, 5000, ack.initiateTag);
    const o = w.beginChunk(ChunkType.COOKIE_ECHO, 0, ack.stateCookie!.length);
    w.buf.set(ack.stateCookie!, o);
    w.endChunk(o + ack.stateCookie!.length);
    a.handlePacket(w.finish(true).slice(), 1);
    t.equal(a.state, 'established');
    t.equal(a.stats().interleaving, interleaving, 'the cookie carried the capability');
  }
});

t.test('interleaving: a small message on another stream overtakes a large one in progress', async (t) => {
  for (const interleaving of [true, false]) {
    const net = new SimNetwork(8, { interleaving, remoteMaxMessageSize: 0 }, { interleaving }, [{ delay: 10, bandwidth: 50e6 }, { delay: 10 }]);
    t.ok(net.connect());
    net.peers[0].send(1, 53, new Uint8Array(250_000).fill(1), {}, net.now);
    net.peers[0].send(2, 51, Uint8Array.of(2), {}, net.now);
    t.ok(net.run(() => net.messages(1).length === 2));
    t.same(net.messages(1).map((m) => m.streamId), interleaving ? [2, 1] : [1, 2], interleaving ? 'small first with I-DATA' : 'head-of-line blocked with DATA');
  }
});

t.test('interleaving under 10 % loss: 3000 messages, ordered and unordered, byte-exact and in order per stream', async (t) => {
  const net = new SimNetwork(77, { interleaving: true, remoteMaxMessageSize: 0 }, { interleaving: true }, [lossy, lossy]);
  t.ok(net.connect());
  const rng = new Rng(9);
  const N = 3000;
  const meta: Array<{ stream: number; size: number; unordered: boolean }> = [];
  for (let i = 0; i < N; i++) {
    const m = { stream: i % 5, size: 1 + (rng.int(10) === 0 ? rng.int(30000) : rng.int(2000)), unordered: i % 5 === 4 };
    meta.push(m);
    const d = new Uint8Array(m.size);
    d[0] = i & 0xff;
    d[m.size - 1] = i >> 8;
    for (let j = 1; j < m.size - 1; j++) d[j] = (i + j) & 0xff;
    net.peers[0].send(m.stream, 53, d, { unordered: m.unordered }, net.now);
  }
  t.ok(net.run(() => net.messages(1).length === N));
  const next = [0, 1, 2, 3];
  let bad = 0;
  for (const m of net.messages(1) as Msg[]) {
    if (m.streamId === 4) continue;
    const i = next[m.streamId];
    next[m.streamId] += 5;
    const want = meta[i];
    if (m.data.length !== want.size || (m.data.length > 2 && (m.data[0] !== (i & 0xff) || m.data[1] !== ((i + 1) & 0xff)))) bad++;
  }
  t.equal(bad, 0, 'ordered streams: right sizes, right content, in order');
  t.equal(net.messages(1).filter((m) => m.streamId === 4).length, N / 5, 'every unordered message once');
  t.equal(net.peers[1].stats().receiveBufferedBytes, 0);
});

t.test('interleaving with PR-SCTP (I-FORWARD-TSN) and stream reset with MID restart', async (t) => {
  const net = new SimNetwork(12, { interleaving: true }, { interleaving: true }, [lossy, { delay: 20 }]);
  t.ok(net.connect());
  for (let i = 0; i < 500; i++) net.peers[0].send(i % 2, 53, new Uint8Array(100 + (i % 4000)).fill(i & 0xff), { unordered: i % 4 === 1, maxRetransmits: 0 }, net.now);
  net.peers[0].send(3, 51, Uint8Array.of(1), {}, net.now);
  t.ok(net.run(() => net.messages(1).some((m) => m.streamId === 3)), 'reliable message after abandoned ones');
  net.run(() => false, net.now + 3000);
  const got = net.messages(1).filter((m) => m.streamId < 2).length;
  t.ok(got > 300 && got < 500, `${got}/500 partially reliable messages arrived`);
  t.equal(net.peers[1].stats().receiveBufferedBytes, 0, 'abandoned partial messages dropped');
  t.ok(net.peers[0].stats().forwardTsnsSent > 0);
  // reset stream 0 and reuse it
  net.onEvent = (side, ev) => {
    if (ev.type === 'stream-reset' && side === 1) net.peers[1].resetStreams(ev.streamIds, net.now);
  };
  net.peers[0].resetStreams([0], net.now);
  for (let i = 0; i < 5; i++) net.peers[0].send(0, 51, Uint8Array.of(100 + i), {}, net.now);
  t.ok(net.run(() => net.messages(1).filter((m) => m.ppid === 51 && m.streamId === 0).length === 5));
  t.same(
    net.messages(1).filter((m) => m.ppid === 51 && m.streamId === 0).map((m) => m.data[0]),
    [100, 101, 102, 103, 104],
    'new generation in order from MID 0',
  );
});
