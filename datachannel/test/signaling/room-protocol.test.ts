// The room server's message decoder and the WHIP trickle fragment parser, as pure functions.
import t from 'tap';
import fc from 'fast-check';
import { SignalingError, parseTrickleSdpFrag } from '../../src/signaling/index.js';
import { decodeFrame, encodeError, encodeNotice } from '../../src/signaling/room-protocol.js';

const SDP = 'v=0\r\no=- 1 1 IN IP4 0.0.0.0\r\n';

t.test('plain and JSON-RPC forms decode to the same command', async (t) => {
  const plain = decodeFrame(JSON.stringify({ type: 'offer', to: 'bob', sdp: SDP }), 'plain');
  const rpc = decodeFrame(JSON.stringify({ jsonrpc: '2.0', method: 'offer', params: { to: 'bob', sdp: SDP }, id: 1 }), 'plain');
  t.same(plain.items[0]!.command, rpc.items[0]!.command);
  t.same(plain.items[0]!.command, { kind: 'signal', signal: 'offer', to: 'bob', sdp: SDP });
  t.equal(plain.items[0]!.framing, 'plain');
  t.equal(rpc.items[0]!.framing, 'json-rpc');
  t.equal(rpc.items[0]!.id, 1);
  const join = decodeFrame('{"jsonrpc":"2.0","method":"announce","params":{"room":"r"}}', 'plain').items[0]!;
  t.same(join.command, { kind: 'join', room: 'r', peerId: undefined });
  t.equal(join.id, undefined, 'no id: a notification');
});

t.test('a bad frame is answered in the framing the client last used', async (t) => {
  const asPlain = decodeFrame('{', 'plain').items[0]!;
  const asRpc = decodeFrame('{', 'json-rpc').items[0]!;
  t.same(encodeError(asPlain, asPlain.error!), { type: 'error', code: 'bad-json', message: asPlain.error!.message });
  t.same(encodeError(asRpc, asRpc.error!), { jsonrpc: '2.0', error: { code: -32700, message: asRpc.error!.message }, id: null });
});

t.test('notices follow the recipient framing', async (t) => {
  const notice = { kind: 'signal', signal: 'candidate', from: 'a', candidate: null } as const;
  t.same(encodeNotice(notice, 'plain'), { type: 'candidate', from: 'a', candidate: null });
  t.same(encodeNotice(notice, 'json-rpc'), { jsonrpc: '2.0', method: 'ice_candidate', params: { from: 'a', candidate: null } });
  t.same(encodeNotice({ kind: 'peer-left', room: 'r', peerId: 'a' }, 'json-rpc'), { jsonrpc: '2.0', method: 'disconnect', params: { room: 'r', peerId: 'a' } });
});

t.test('fuzz: decodeFrame never throws; every item is a command or a SignalingError', async (t) => {
  let commands = 0;
  let errors = 0;
  const field = fc.oneof(fc.string(), fc.integer(), fc.constant(null), fc.constant(SDP), fc.constantFrom('r', 'a', 'offer'), fc.object());
  const message = fc.oneof(
    fc.string(),
    fc.json(),
    fc.record({ type: fc.constantFrom('join', 'leave', 'offer', 'answer', 'candidate', 'ping', '__proto__', 'constructor'), room: field, to: field, sdp: field, candidate: fc.oneof(field, fc.record({ candidate: field, sdpMid: field, sdpMLineIndex: field })), peerId: field }, { requiredKeys: ['type'] }).map((o) => JSON.stringify(o)),
    fc.record({ jsonrpc: fc.constantFrom('2.0', 2), method: fc.constantFrom('announce', 'offer', 'answer', 'ice_candidate', 'disconnect', 'ping', 'hasOwnProperty'), params: fc.oneof(field, fc.record({ room: field, to: field, sdp: field, candidate: field })), id: field }, { requiredKeys: ['jsonrpc', 'method'] }).map((o) => JSON.stringify(o)),
    fc.array(fc.jsonValue(), { maxLength: 40 }).map((a) => JSON.stringify(a)),
  );
  fc.assert(
    fc.property(message, fc.constantFrom('plain' as const, 'json-rpc' as const), (text, framing) => {
      const { items } = decodeFrame(text, framing);
      for (const d of items) {
        if (d.command) commands++;
        else if (d.error instanceof SignalingError) errors++;
        else return false;
        if (d.error) encodeError(d, d.error); // the reply can always be built
      }
      return items.length >= 1;
    }),
    { numRuns: 20_000, seed: 63 },
  );
  t.ok(commands > 1000, `${commands} valid commands decoded`);
  t.ok(errors > 1000, `${errors} rejected with an error`);
});

t.test('trickle sdpfrag: candidates per m-section, end-of-candidates, junk rejected', async (t) => {
  const frag = 'a=ice-ufrag:u1\r\na=ice-pwd:p\r\nm=application 9 UDP/DTLS/SCTP webrtc-datachannel\r\na=mid:0\r\na=candidate:1 1 udp 1 1.2.3.4 5 typ host\r\nm=application 9 UDP/DTLS/SCTP webrtc-datachannel\r\na=mid:1\r\na=end-of-candidates\r\n';
  t.same(parseTrickleSdpFrag(frag), [
    { candidate: 'candidate:1 1 udp 1 1.2.3.4 5 typ host', sdpMid: '0', sdpMLineIndex: 0, usernameFragment: 'u1' },
    { candidate: '', sdpMid: '1', sdpMLineIndex: 1, usernameFragment: 'u1' },
  ]);
  t.throws(() => parseTrickleSdpFrag('hello'), { code: 'bad-sdpfrag', status: 400 });
  t.throws(() => parseTrickleSdpFrag(`a=candidate:${'x'.repeat(2000)}`), { code: 'bad-sdpfrag' });
  t.throws(() => parseTrickleSdpFrag('a=candidate:1 1 udp 1 1.2.3.4 5 typ host\n'.repeat(65)), { code: 'bad-sdpfrag' });
  fc.assert(
    fc.property(fc.array(fc.oneof(fc.string(), fc.constantFrom('a=mid:0', 'm=application 9 x', 'a=end-of-candidates', 'a=candidate:1 1 udp 1 h 1 typ host')), { maxLength: 70 }), (lines) => {
      try {
        parseTrickleSdpFrag(lines.join('\r\n'));
        return true;
      } catch (err) {
        return err instanceof SignalingError && err.status === 400;
      }
    }),
    { numRuns: 5000, seed: 64 },
  );
});
