// Every STUN message captured from Chromium 156 / Firefox 153 sessions (../../../shared/fixtures/stun):
// decoded, integrity verified with the recorded ICE passwords, fingerprint checked, USERNAME and
// XOR-MAPPED-ADDRESS compared with the session, and re-encoded byte for byte.
import t from 'tap';
import { readFileSync, readdirSync } from 'node:fs';
import {
  StunAttr,
  StunClass,
  StunMethod,
  StunWriter,
  decodeStun,
  isStun,
  classifyPacket,
  shortTermKey,
  verifyFingerprint,
  verifyMessageIntegrity,
  type TransportAddress,
} from '@tsrtc/stun';

interface FixtureAttribute {
  type: string;
  name: string;
  length: number;
  valueHex: string;
  text?: string;
  value?: number;
  tieBreaker?: string;
  address?: string;
}
interface FixtureMessage {
  from: 'browser' | 'peer';
  to: 'browser' | 'peer';
  src: string;
  dst: string;
  class: string;
  method: string;
  transactionId: string;
  integrityKey: 'browser.pwd' | 'peer.pwd';
  length: number;
  attributes: FixtureAttribute[];
  hex: string;
}
interface FixtureFile {
  credentials: Record<'browser' | 'peer', { ufrag: string; pwd: string }>;
  messages: FixtureMessage[];
}

const dir = new URL('../../../shared/fixtures/stun/', import.meta.url);
const files = readdirSync(dir).filter((f) => f.endsWith('.json'));

/** "198.51.100.10:50133" or "[0:0:0:0:0:0:0:1]:36708" → TransportAddress with canonical text. */
function parseEndpoint(s: string): TransportAddress {
  const m = /^\[(.*)\]:(\d+)$/.exec(s);
  if (m) {
    // canonicalise through the URL parser (RFC 5952 form, as Node sockets report it)
    const host = new URL(`http://[${m[1]}]/`).hostname.slice(1, -1);
    return { family: 6, address: host, port: Number(m[2]) };
  }
  const i = s.lastIndexOf(':');
  return { family: 4, address: s.slice(0, i), port: Number(s.slice(i + 1)) };
}

const CLASSES: Record<string, number> = {
  request: StunClass.REQUEST,
  indication: StunClass.INDICATION,
  'success response': StunClass.SUCCESS_RESPONSE,
  'error response': StunClass.ERROR_RESPONSE,
};

t.ok(files.length >= 7, `${files.length} fixture files`);
let count = 0;
for (const file of files) {
  const fx = JSON.parse(readFileSync(new URL(file, dir), 'utf8')) as FixtureFile;
  t.test(file, async (t) => {
    for (const [i, fm] of fx.messages.entries()) {
      count++;
      const bytes = Uint8Array.from(Buffer.from(fm.hex, 'hex'));
      const what = `#${i} ${fm.from} ${fm.class}`;
      t.ok(isStun(bytes), `${what}: isStun`);
      t.equal(classifyPacket(bytes), 'stun');
      const m = decodeStun(bytes);
      t.equal(m.method, StunMethod.BINDING, `${what}: Binding`);
      t.equal(m.messageClass, CLASSES[fm.class], `${what}: class`);
      t.equal(Buffer.from(m.transactionId).toString('hex'), fm.transactionId);
      t.same(m.unknownComprehensionRequired, [], `${what}: nothing unknown and required`);
      t.equal(m.attributeCount, fm.attributes.length, `${what}: attribute count`);

      const key = shortTermKey(fx.credentials[fm.integrityKey.split('.')[0] as 'browser' | 'peer'].pwd);
      const otherKey = shortTermKey(fx.credentials[fm.integrityKey === 'browser.pwd' ? 'peer' : 'browser'].pwd);
      t.ok(verifyMessageIntegrity(m, key), `${what}: MESSAGE-INTEGRITY with ${fm.integrityKey}`);
      t.notOk(verifyMessageIntegrity(m, otherKey), `${what}: not with the other side's pwd`);
      t.ok(verifyFingerprint(m), `${what}: FINGERPRINT`);

      if (fm.class === 'request') {
        t.equal(m.username(), `${fx.credentials[fm.to].ufrag}:${fx.credentials[fm.from].ufrag}`, `${what}: USERNAME`);
        t.equal(m.priority(), fm.attributes.find((a) => a.name === 'PRIORITY')!.value);
        const controlling = fm.attributes.find((a) => a.name === 'ICE-CONTROLLING');
        const controlled = fm.attributes.find((a) => a.name === 'ICE-CONTROLLED');
        t.equal(m.iceControlling(), controlling ? BigInt('0x' + controlling.tieBreaker) : undefined);
        t.equal(m.iceControlled(), controlled ? BigInt('0x' + controlled.tieBreaker) : undefined);
        t.equal(m.useCandidate(), fm.attributes.some((a) => a.name === 'USE-CANDIDATE'));
      } else {
        // the reflexive address is where the request came from, i.e. where this response goes
        const fa = fm.attributes.find((a) => a.name === 'XOR-MAPPED-ADDRESS')!;
        const xma = m.xorMappedAddress();
        t.same(xma, parseEndpoint(fa.address!), `${what}: XOR-MAPPED-ADDRESS = recorded value`);
        t.same(xma, parseEndpoint(fm.dst), `${what}: XOR-MAPPED-ADDRESS = response destination`);
      }
      const sw = fm.attributes.find((a) => a.name === 'SOFTWARE');
      t.equal(m.software(), sw?.text);

      // re-encode: every attribute but MI/FP copied in order, then MI and FP recomputed
      const w = new StunWriter().begin(m.method, m.messageClass, m.transactionId);
      for (const a of m.attributes()) {
        if (a.type !== StunAttr.MESSAGE_INTEGRITY && a.type !== StunAttr.FINGERPRINT) w.attribute(a.type, a.value);
      }
      t.equal(Buffer.from(w.finish({ integrityKey: key, fingerprint: true })).toString('hex'), fm.hex, `${what}: re-encoded byte for byte`);
    }
  });
}
t.teardown(() => {
  if (count < 70) throw new Error(`only ${count} fixture messages`);
});
