import t from 'tap';
import fc from 'fast-check';
import { readFileSync } from 'node:fs';
import {
  decodeDcep, encodeDataChannelOpen, encodeDataChannelAck, channelTypeFor, reliabilityOf,
  DcepChannelType, type DataChannelOpen,
} from '../src/dcep.js';
import { DataChannelError } from '../src/errors.js';

const hex = (s: string) => Uint8Array.from(Buffer.from(s, 'hex'));

t.test('decodes the DATA_CHANNEL_OPEN Chromium 156 and Firefox 153 sent', (t) => {
  for (const name of ['chromium-156', 'firefox-153']) {
    const capture = JSON.parse(readFileSync(new URL(`../../../shared/fixtures/sctp/${name}.json`, import.meta.url), 'utf8'));
    const chunk = capture.packets[2].chunks[0];
    t.equal(chunk.ppid, 50);
    const msg = decodeDcep(hex(chunk.userDataHex)) as DataChannelOpen;
    t.equal(msg.type, 'open');
    t.equal(msg.label, chunk.dcep.label);
    t.equal(msg.protocol, chunk.dcep.protocol);
    t.equal(msg.priority, chunk.dcep.priority);
    t.equal(msg.channelType, Number(chunk.dcep.channelType));
    t.equal(msg.reliabilityParameter, chunk.dcep.reliabilityParameter);
    // and we encode it to the same bytes
    t.same(Buffer.from(encodeDataChannelOpen(msg)).toString('hex'), chunk.userDataHex);
  }
  t.end();
});

t.test('ACK is the single byte 0x02', (t) => {
  t.same([...encodeDataChannelAck()], [2]);
  t.same(decodeDcep(Uint8Array.of(2)), { type: 'ack' });
  t.end();
});

t.test('channel types map to W3C reliability both ways (RFC 8832 §5.1)', (t) => {
  const cases: [boolean, number | null, number | null, number, number][] = [
    [true, null, null, DcepChannelType.DATA_CHANNEL_RELIABLE, 0],
    [false, null, null, DcepChannelType.DATA_CHANNEL_RELIABLE_UNORDERED, 0],
    [true, 3, null, DcepChannelType.DATA_CHANNEL_PARTIAL_RELIABLE_REXMIT, 3],
    [false, 0, null, DcepChannelType.DATA_CHANNEL_PARTIAL_RELIABLE_REXMIT_UNORDERED, 0],
    [true, null, 150, DcepChannelType.DATA_CHANNEL_PARTIAL_RELIABLE_TIMED, 150],
    [false, null, 7, DcepChannelType.DATA_CHANNEL_PARTIAL_RELIABLE_TIMED_UNORDERED, 7],
  ];
  for (const [ordered, maxRetransmits, maxPacketLifeTime, channelType, rp] of cases) {
    const ct = channelTypeFor({ ordered, maxRetransmits, maxPacketLifeTime });
    t.same(ct, { channelType, reliabilityParameter: rp });
    const bytes = encodeDataChannelOpen({ ...ct, priority: 256, label: 'x', protocol: '' });
    t.equal(bytes[1], channelType);
    t.same(reliabilityOf(decodeDcep(bytes) as DataChannelOpen), { ordered, maxRetransmits, maxPacketLifeTime });
  }
  t.end();
});

t.test('typed errors with offsets', (t) => {
  const expectCode = (bytes: Uint8Array, code: string, offset?: number) => {
    try {
      decodeDcep(bytes);
      t.fail(`expected ${code}`);
    } catch (e) {
      t.ok(e instanceof DataChannelError, 'DataChannelError');
      t.equal((e as DataChannelError).code, code);
      t.equal((e as DataChannelError).layer, 'datachannel');
      if (offset !== undefined) t.equal((e as DataChannelError).offset, offset);
    }
  };
  expectCode(new Uint8Array(0), 'truncated', 0);
  expectCode(Uint8Array.of(0x04), 'unknown-message-type', 0);
  expectCode(Uint8Array.of(0x03, 0, 1, 0), 'truncated');
  expectCode(hex('03030000000000000000000000'), 'bad-channel-type', 1);
  expectCode(hex('0300010000000000000500006869'), 'truncated'); // label says 5, has 2
  expectCode(hex('03000100000000000002000061ff'), 'bad-utf8', 12);
  t.throws(() => encodeDataChannelOpen({ channelType: 0x03, priority: 0, reliabilityParameter: 0, label: '', protocol: '' }), { code: 'bad-channel-type' });
  t.throws(() => encodeDataChannelOpen({ channelType: 0, priority: 70000, reliabilityParameter: 0, label: '', protocol: '' }), { code: 'bad-priority' });
  t.throws(() => encodeDataChannelOpen({ channelType: 0, priority: 0, reliabilityParameter: -1, label: '', protocol: '' }), { code: 'bad-reliability' });
  t.end();
});

const channelTypeArb = fc.constantFrom(0x00, 0x80, 0x01, 0x81, 0x02, 0x82);

t.test('round-trip property: encode → decode is identity (UTF-8 labels and protocols)', (t) => {
  fc.assert(
    fc.property(channelTypeArb, fc.integer({ min: 0, max: 0xffff }), fc.integer({ min: 0, max: 0xffffffff }),
      fc.string({ unit: 'grapheme', maxLength: 40 }), fc.string({ unit: 'grapheme', maxLength: 40 }),
      (channelType, priority, reliabilityParameter, label, protocol) => {
        const open = { channelType, priority, reliabilityParameter, label, protocol };
        const decoded = decodeDcep(encodeDataChannelOpen(open));
        return JSON.stringify(decoded) === JSON.stringify({ type: 'open', ...open });
      }),
    { numRuns: 5000, seed: 8832 },
  );
  t.pass('5000 round trips');
  t.end();
});

t.test('fuzz: arbitrary bytes decode or throw DataChannelError, never anything else', (t) => {
  let decoded = 0;
  let rejected = 0;
  fc.assert(
    fc.property(fc.oneof(
      fc.uint8Array({ maxLength: 64 }),
      // mostly-valid OPEN headers with hostile lengths
      fc.tuple(channelTypeArb, fc.integer({ min: 0, max: 0xffff }), fc.integer({ min: 0, max: 0xffff }), fc.uint8Array({ maxLength: 40 }))
        .map(([ct, ll, pl, rest]) => {
          const b = new Uint8Array(12 + rest.length);
          b[0] = 3; b[1] = ct; b[8] = ll >> 8; b[9] = ll & 0xff; b[10] = pl >> 8; b[11] = pl & 0xff;
          b.set(rest, 12);
          return b;
        }),
    ), (bytes) => {
      try {
        decodeDcep(bytes);
        decoded++;
      } catch (e) {
        if (!(e instanceof DataChannelError)) throw e;
        rejected++;
      }
    }),
    { numRuns: 100_000, seed: 6 },
  );
  t.ok(decoded > 0 && rejected > 0, `decoded ${decoded}, rejected ${rejected}`);
  t.end();
});
