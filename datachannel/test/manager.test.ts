// Data-channel manager tests. Two managers talk through a linked pair of SCTP transports
// (see ./helpers/sctp-pair.ts: two real @tsrtc/sctp associations linked in memory).
import t from 'tap';
import { DataChannelManager, type DataChannelManagerEvent, type ManagedChannel } from '../src/data-channel-manager.js';
import { DataChannelError } from '../src/errors.js';
import { linkedManagers } from './helpers/sctp-pair.js';

const enc = new TextEncoder();
const dec = new TextDecoder();

/** Event names, without buffered-amount-low (tested on its own: it fires whenever a stream drains). */
function types(events: DataChannelManagerEvent[]): string[] {
  return events.filter((e) => e.type !== 'buffered-amount-low').map((e) => `${e.type}:${e.channel.label}`);
}

t.test('stream ids follow the DTLS role: client even, server odd (RFC 8832 §6)', async (t) => {
  const pair = await linkedManagers();
  const c1 = pair.client.createChannel({ label: 'a' }, pair.now());
  const c2 = pair.client.createChannel({ label: 'b' }, pair.now());
  const s1 = pair.server.createChannel({ label: 'c' }, pair.now());
  const s2 = pair.server.createChannel({ label: 'd' }, pair.now());
  t.same([c1.id, c2.id, s1.id, s2.id], [0, 2, 1, 3]);
  await pair.run();
  t.end();
});

t.test('channels created before the role is known get ids from setRole', (t) => {
  const m = new DataChannelManager();
  const a = m.createChannel({ label: 'a' }, 0);
  const b = m.createChannel({ label: 'b' }, 0);
  t.equal(a.id, null);
  m.setRole('server');
  t.same([a.id, b.id], [1, 3]);
  t.end();
});

t.test('in-band open: OPEN → datachannel + open on the peer, ACK back, messages both ways', async (t) => {
  const pair = await linkedManagers();
  const ch = pair.client.createChannel({ label: 'chat', protocol: 'json', ordered: false, maxRetransmits: 2 }, pair.now());
  await pair.run();
  const opener = pair.drain('client');
  t.same(types(opener), ['open:chat']);
  const remote = pair.drain('server').filter((e) => e.type !== 'buffered-amount-low');
  t.same(types(remote), ['datachannel:chat', 'open:chat']);
  const peerCh = remote[0].channel;
  t.equal(peerCh.id, ch.id);
  t.equal(peerCh.protocol, 'json');
  t.equal(peerCh.ordered, false);
  t.equal(peerCh.maxRetransmits, 2);
  t.equal(peerCh.maxPacketLifeTime, null);
  t.equal(ch.awaitingAck, false, 'ACK received');

  pair.client.send(ch, enc.encode('hello'), false, pair.now());
  pair.client.send(ch, Uint8Array.of(1, 2, 3), true, pair.now());
  pair.server.send(peerCh, enc.encode('back'), false, pair.now());
  await pair.run();
  const got = pair.drain('server').filter((e) => e.type === 'message');
  t.same(got.map((e) => e.type === 'message' && [dec.decode(e.data), e.binary]), [['hello', false], ['\x01\x02\x03', true]]);
  const back = pair.drain('client').filter((e) => e.type === 'message');
  t.equal(back.length, 1);
  t.equal(back[0].type === 'message' && dec.decode(back[0].data), 'back');
  t.equal(ch.messagesSent, 2);
  t.equal(ch.bytesSent, 8);
  t.equal(peerCh.messagesReceived, 2);
  t.end();
});

t.test('empty messages travel as PPID 56/57 and arrive empty (RFC 8831 §6.6)', async (t) => {
  const pair = await linkedManagers();
  const ch = pair.client.createChannel({ label: 'e' }, pair.now());
  await pair.run();
  pair.drain('client');
  pair.drain('server');
  pair.client.send(ch, new Uint8Array(0), false, pair.now());
  pair.client.send(ch, new Uint8Array(0), true, pair.now());
  await pair.run();
  t.same(pair.sentPpids('client').slice(-2), [56, 57]);
  const msgs = pair.drain('server').filter((e) => e.type === 'message');
  t.same(msgs.map((e) => e.type === 'message' && [e.data.length, e.binary]), [[0, false], [0, true]]);
  t.end();
});

t.test('negotiated channels open with the association, no DCEP on the wire', async (t) => {
  const pair = await linkedManagers();
  const a = pair.client.createChannel({ label: 'n', negotiated: true, id: 7 }, pair.now());
  const b = pair.server.createChannel({ label: 'n', negotiated: true, id: 7 }, pair.now());
  await pair.run();
  t.equal(a.state, 'open');
  t.equal(b.state, 'open');
  t.notOk(pair.sentPpids('client').includes(50), 'no DCEP sent');
  pair.client.send(a, enc.encode('x'), false, pair.now());
  await pair.run();
  t.same(types(pair.drain('server')), ['open:n', 'message:n']);
  t.throws(() => pair.client.createChannel({ label: 'dup', negotiated: true, id: 7 }, pair.now()), { code: 'id-in-use' });
  t.throws(() => pair.client.createChannel({ label: 'x', negotiated: true }, pair.now()), { code: 'bad-id' });
  t.throws(() => pair.client.createChannel({ label: 'x', negotiated: true, id: 65535 }, pair.now()), { code: 'bad-id' });
  t.throws(() => pair.client.createChannel({ label: 'x', maxRetransmits: 1, maxPacketLifeTime: 1 }, pair.now()), { code: 'bad-options' });
  t.end();
});

t.test('close: reset both directions, closing/closed on each side, id reused afterwards', async (t) => {
  const pair = await linkedManagers();
  const ch = pair.client.createChannel({ label: 'c' }, pair.now());
  await pair.run();
  const peerCh = pair.drain('server')[0].channel;
  pair.drain('client');
  pair.client.send(ch, enc.encode('last words'), false, pair.now());
  pair.client.close(ch, pair.now());
  t.equal(ch.state, 'closing');
  t.throws(() => pair.client.send(ch, enc.encode('too late'), false, pair.now()), { code: 'invalid-state' });
  await pair.run();
  t.equal(ch.state, 'closed');
  t.equal(peerCh.state, 'closed');
  t.same(types(pair.drain('client')), ['closed:c'], 'local close: no closing event');
  t.same(types(pair.drain('server')), ['message:c', 'closing:c', 'closed:c'], 'message before close arrives');
  const again = pair.client.createChannel({ label: 'again' }, pair.now());
  t.equal(again.id, ch.id, 'the id is free again');
  await pair.run();
  t.same(types(pair.drain('server')), ['datachannel:again', 'open:again']);
  t.end();
});

t.test('sending above the remote max-message-size throws message-too-large', async (t) => {
  const pair = await linkedManagers();
  pair.client.remoteMaxMessageSize = 1000;
  const ch = pair.client.createChannel({ label: 'big' }, pair.now());
  await pair.run();
  pair.client.send(ch, new Uint8Array(1000), true, pair.now());
  try {
    pair.client.send(ch, new Uint8Array(1001), true, pair.now());
    t.fail('should throw');
  } catch (e) {
    t.ok(e instanceof DataChannelError);
    t.equal((e as DataChannelError).code, 'message-too-large');
  }
  pair.client.remoteMaxMessageSize = 0; // 0 = no limit (RFC 8841 §6)
  pair.client.send(ch, new Uint8Array(5000), true, pair.now());
  await pair.run();
  const sizes = pair.drain('server').flatMap((e) => (e.type === 'message' ? [e.data.length] : []));
  t.same(sizes, [1000, 5000]);
  t.end();
});

t.test('hostile input: bad DCEP, unknown streams and unknown PPIDs are dropped and counted', async (t) => {
  const pair = await linkedManagers();
  pair.server.handleSctpEvent({ type: 'message', streamId: 4, ppid: 50, data: Uint8Array.of(9, 9) }, pair.now());
  pair.server.handleSctpEvent({ type: 'message', streamId: 4, ppid: 51, data: Uint8Array.of(65) }, pair.now());
  pair.server.handleSctpEvent({ type: 'message', streamId: 6, ppid: 50, data: Uint8Array.of(2) }, pair.now());
  const s = pair.server.stats();
  t.equal(s.droppedDcep, 2);
  t.equal(s.droppedMessages, 1);
  t.equal(pair.server.pollEvent(), undefined);
  t.end();
});

t.test('maxChannels: an incoming OPEN beyond the cap is refused with a stream reset', async (t) => {
  const pair = await linkedManagers({ server: { maxChannels: 1 } });
  pair.client.createChannel({ label: 'one' }, pair.now());
  pair.client.createChannel({ label: 'two' }, pair.now());
  await pair.run();
  t.same(types(pair.drain('server')), ['datachannel:one', 'open:one']);
  t.equal(pair.server.stats().refusedChannels, 1);
  const clientEvents = types(pair.drain('client'));
  t.ok(clientEvents.includes('closed:two'), `refused channel closes on the opener (${clientEvents})`);
  t.end();
});

t.test('transport abort closes every channel with an error first', async (t) => {
  const pair = await linkedManagers();
  const ch: ManagedChannel = pair.client.createChannel({ label: 'x' }, pair.now());
  await pair.run();
  pair.drain('client');
  pair.client.handleSctpEvent({ type: 'aborted', reason: 'peer sent ABORT' }, pair.now());
  t.same(types(pair.drain('client')), ['error:x', 'closed:x']);
  t.equal(ch.state, 'closed');
  t.throws(() => pair.client.createChannel({ label: 'y' }, pair.now()), { code: 'closed' });
  t.end();
});

t.test('bufferedAmount grows on send and buffered-amount-low fires when it drains below the threshold', async (t) => {
  const pair = await linkedManagers();
  const ch = pair.client.createChannel({ label: 'flow' }, pair.now());
  await pair.run();
  pair.drain('client');
  pair.client.setBufferedAmountLowThreshold(ch, 1000);
  for (let i = 0; i < 20; i++) pair.client.send(ch, new Uint8Array(10_000), true, pair.now());
  t.ok(pair.client.bufferedAmount(ch) > 100_000, `buffered ${pair.client.bufferedAmount(ch)} bytes right after sending`);
  await pair.run();
  t.equal(pair.client.bufferedAmount(ch), 0, 'drained');
  const low = pair.drain('client').filter((e) => e.type === 'buffered-amount-low');
  t.ok(low.length >= 1, 'buffered-amount-low fired');
  const sizes = pair.drain('server').flatMap((e) => (e.type === 'message' ? [e.data.length] : []));
  t.equal(sizes.length, 20);
  t.end();
});

t.test('unordered partial-reliable channel: options reach the peer, messages arrive', async (t) => {
  const pair = await linkedManagers();
  const ch = pair.client.createChannel({ label: 'u', ordered: false, maxPacketLifeTime: 500 }, pair.now());
  await pair.run();
  const peer = pair.drain('server').find((e) => e.type === 'datachannel')!.channel;
  t.equal(peer.ordered, false);
  t.equal(peer.maxPacketLifeTime, 500);
  for (let i = 0; i < 10; i++) pair.client.send(ch, new TextEncoder().encode(`u${i}`), false, pair.now());
  await pair.run();
  const got = pair.drain('server').flatMap((e) => (e.type === 'message' ? [new TextDecoder().decode(e.data)] : []));
  t.same([...got].sort(), Array.from({ length: 10 }, (_, i) => `u${i}`).sort());
  t.end();
});
