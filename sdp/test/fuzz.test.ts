// Hostile input: ≥ 100,000 random and mutated descriptions. parseSdp and every typed getter
// either succeed or throw SdpError with a line number inside the text; nothing else escapes.
import { readdirSync, readFileSync } from 'node:fs';
import fc from 'fast-check';
import t from 'tap';
import { dataChannelParameters, parseCandidate, parseSdp, SdpError, type SessionDescription } from '@tsrtc/sdp';
import { modelArb, modelText } from './arbitraries.js';

const dir = new URL('../../../shared/fixtures/sdp/', import.meta.url);
const fixtures = readdirSync(dir)
  .filter((f) => f.endsWith('.sdp'))
  .sort()
  .map((f) => readFileSync(new URL(f, dir), 'utf8'));

/** Reads every typed value; used to reach the lazy checks. */
function readEverything(d: SessionDescription): void {
  void [d.origin, d.sessionName, d.groups, d.bundle, d.iceLite, d.msidSemantic, d.iceUfrag, d.icePwd, d.iceOptions, d.fingerprints, d.setup, d.direction, d.connection, d.dataChannelMedia];
  for (const m of d.media) {
    void [m.mediaLine, m.mid, m.iceUfrag, m.icePwd, m.iceOptions, m.fingerprints, m.setup, m.direction, m.candidates, m.endOfCandidates, m.connection, m.rtcpMux, m.tlsId, m.isDataChannel, m.rejected];
    void [m.sctpPort, m.sctpmap, m.maxMessageSize, m.sctpParameters(), m.iceParameters(), m.dtlsParameters(), m.effectiveDirection()];
  }
}

interface Tally {
  ok: number;
  errors: Map<string, number>;
}

/** Parses and reads `text`; returns false if anything but a well-formed SdpError escaped. */
function survives(text: string, tally: Tally): boolean {
  const lines = text.split('\n').length;
  const step = (fn: () => void): boolean => {
    try {
      fn();
      return true;
    } catch (e) {
      if (!(e instanceof SdpError) || e.layer !== 'sdp' || !Number.isInteger(e.line) || e.line < 0 || e.line > lines) {
        throw new Error(`escaped: ${String(e)} for ${JSON.stringify(text.slice(0, 300))}`);
      }
      tally.errors.set(e.code, (tally.errors.get(e.code) ?? 0) + 1);
      return false;
    }
  };
  let d: SessionDescription | undefined;
  if (!step(() => (d = parseSdp(text)))) return true;
  // Each getter separately, so one bad line does not hide the others.
  const desc = d!;
  for (const get of getters(desc)) step(get);
  step(() => void dataChannelParameters(desc));
  tally.ok++;
  return true;
}

function getters(d: SessionDescription): (() => void)[] {
  const list: (() => void)[] = [() => readEverything(d)];
  for (const m of d.media) list.push(() => void m.candidates, () => void m.fingerprints, () => void m.sctpParameters(), () => void m.mediaLine);
  return list;
}

const junk = fc.constantFrom('\r', '\n', '\r\n', '\0', ' ', '=', ':', '/', 'a=', 'm=', 'v=0', '-1', '99999999999999999999', '\u00ff', '\ud800', '\u2028', 'é', 'a=candidate:1 1 udp', 'a=fingerprint:sha-256 ', 'typ', '.local');

/** One edit of a real description: what truncation, corruption and hostile peers produce. */
const mutation = fc.oneof(
  fc.record({ kind: fc.constant('truncate' as const), at: fc.nat() }),
  fc.record({ kind: fc.constant('delete' as const), at: fc.nat(), len: fc.integer({ min: 1, max: 40 }) }),
  fc.record({ kind: fc.constant('insert' as const), at: fc.nat(), s: fc.oneof(junk, fc.string({ maxLength: 8 }), fc.string({ unit: 'binary', maxLength: 8 })) }),
  fc.record({ kind: fc.constant('flip' as const), at: fc.nat(), c: fc.integer({ min: 0, max: 0xffff }) }),
  fc.record({ kind: fc.constant('number' as const), at: fc.nat(), s: fc.constantFrom('0', '-5', '65536', '4294967296', '1e3', '', 'NaN', '18446744073709551616') }),
  fc.record({ kind: fc.constant('dupline' as const), at: fc.nat() }),
  fc.record({ kind: fc.constant('dropline' as const), at: fc.nat() }),
);

type Mutation = typeof mutation extends fc.Arbitrary<infer M> ? M : never;

function mutate(text: string, m: Mutation): string {
  const at = text.length === 0 ? 0 : m.at % (text.length + 1);
  switch (m.kind) {
    case 'truncate':
      return text.slice(0, at);
    case 'delete':
      return text.slice(0, at) + text.slice(at + m.len);
    case 'insert':
      return text.slice(0, at) + m.s + text.slice(at);
    case 'flip':
      return text.slice(0, at) + String.fromCharCode(m.c) + text.slice(at + 1);
    case 'number': {
      // Replace the digit run at or after `at`.
      const re = /[0-9]+/g;
      re.lastIndex = at;
      const hit = re.exec(text);
      return hit ? text.slice(0, hit.index) + m.s + text.slice(hit.index + hit[0].length) : text;
    }
    case 'dupline':
    case 'dropline': {
      const lines = text.split('\r\n');
      const i = m.at % lines.length;
      if (m.kind === 'dupline') lines.splice(i, 0, lines[i]);
      else lines.splice(i, 1);
      return lines.join('\r\n');
    }
  }
}

t.test('60,000 mutated real descriptions (fixtures and generated)', async (t) => {
  const tally: Tally = { ok: 0, errors: new Map() };
  const base = fc.oneof(fc.constantFrom(...fixtures), modelArb.map(modelText));
  fc.assert(
    fc.property(base, fc.array(mutation, { minLength: 1, maxLength: 4 }), (text, ms) => survives(ms.reduce(mutate, text), tally)),
    { numRuns: 60_000, seed: 4566 },
  );
  t.ok(tally.ok > 1000, `${tally.ok} parsed; errors by code: ${JSON.stringify([...tally.errors])}`);
  t.ok(tally.errors.size >= 10, 'many distinct error codes were reached');
});

t.test('40,000 random texts (line soup, junk, binary)', async (t) => {
  const tally: Tally = { ok: 0, errors: new Map() };
  const line = fc.oneof(
    fc.tuple(fc.constantFrom('v', 'o', 's', 't', 'c', 'm', 'a', 'b', 'z', 'A', '1', ''), fc.constantFrom('=', '=', ':', ''), fc.oneof(fc.string({ maxLength: 40 }), junk, fc.string({ unit: 'binary', maxLength: 20 }))).map((p) => p.join('')),
    fc.constantFrom('v=0', 'o=- 1 1 IN IP4 0.0.0.0', 's=-', 't=0 0', 'm=application 9 UDP/DTLS/SCTP webrtc-datachannel', 'a=candidate:1 1 udp 1 ::1 9 typ host', 'a=fingerprint:sha-256 AB', 'a=max-message-size:', 'a=setup:', 'a=group:', 'a=msid-semantic:', 'a=sctpmap:x', 'c=IN', 'a=ice-ufrag:€€'),
  );
  const text = fc.oneof(
    fc.array(line, { maxLength: 30 }).map((ls) => ls.join('\r\n')),
    fc.array(line, { maxLength: 30 }).map((ls) => ['v=0', 'o=- 1 1 IN IP4 0.0.0.0', 's=-', 't=0 0', ...ls].join('\n')),
    fc.string({ unit: 'binary', maxLength: 200 }),
    fc.string({ maxLength: 200 }),
  );
  fc.assert(
    fc.property(text, (s) => survives(s, tally)),
    { numRuns: 40_000, seed: 8866 },
  );
  t.ok(tally.ok > 100, `${tally.ok} parsed; errors by code: ${JSON.stringify([...tally.errors])}`);
});

t.test('random candidate values never throw anything but SdpError', async (t) => {
  const word = fc.oneof(fc.constantFrom('1', 'udp', 'tcp', 'typ', 'host', 'srflx', 'raddr', 'rport', 'tcptype', 'generation', 'ufrag', 'network-id', 'network-cost', '0.0.0.0', '::1', 'x.local', '65536', '4294967296', ''), fc.string({ maxLength: 6 }));
  let errors = 0;
  fc.assert(
    fc.property(fc.array(word, { maxLength: 16 }), (ws) => {
      try {
        parseCandidate(`candidate:${ws.join(' ')}`);
      } catch (e) {
        if (!(e instanceof SdpError)) throw e;
        errors++;
      }
    }),
    { numRuns: 20_000, seed: 5245 },
  );
  t.ok(errors > 0);
});
