// The descriptions we read (every captured SDP) and write (answers to them, parsed back by @tsrtc/sdp).
import t from 'tap';
import { readdirSync, readFileSync } from 'node:fs';
import { generateCertificate } from '@tsrtc/dtls';
import { parseCandidate, parseSdp } from '@tsrtc/sdp';
import { defaultEngines } from '../src/default-engines.js';
import { PeerConnectionCore } from '../src/peer-connection-core.js';
import { readRemoteDescription } from '../src/session-description.js';
import type { IceCandidateFields } from '../src/engines.js';
import { seededRandom } from './helpers/sim.js';

const dir = new URL('../../../shared/fixtures/sdp/', import.meta.url);
const fixtures = readdirSync(dir).filter((f) => f.endsWith('.sdp'));
const parse = (text: string) => parseCandidate(text) as IceCandidateFields;

t.test('every captured description reads: credentials, fingerprint, setup, SCTP port, max-message-size', (t) => {
  t.ok(fixtures.length >= 20, `${fixtures.length} fixtures`);
  for (const f of fixtures) {
    const sdp = readFileSync(new URL(f, dir), 'utf8');
    const info = readRemoteDescription(sdp, parse);
    const ref = parseSdp(sdp);
    const m = ref.dataChannelMedia!;
    const ice = m.iceParameters();
    t.equal(info.iceUfrag, ice.ufrag, `${f}: ufrag`);
    t.equal(info.icePwd, ice.pwd, `${f}: pwd`);
    t.equal(info.fingerprints[0].value, m.dtlsParameters().fingerprints[0].value.toUpperCase(), `${f}: fingerprint`);
    t.equal(info.setup, m.dtlsParameters().setup, `${f}: setup`);
    const sctp = m.sctpParameters();
    t.equal(info.sctpPort, sctp.port, `${f}: sctp port`);
    t.equal(info.maxMessageSize === 0 ? Infinity : info.maxMessageSize, sctp.maxMessageSize, `${f}: max-message-size`);
    t.equal(info.legacy, sctp.legacy, `${f}: legacy form`);
    t.equal(info.mid, m.mid ?? String(info.mLineIndex), `${f}: mid`);
    t.equal(info.sections.length, ref.media.length, `${f}: m-sections`);
    t.equal(info.candidates.length, m.candidates.length, `${f}: candidates`);
  }
  t.end();
});

function answerTo(offer: string): string {
  const core = new PeerConnectionCore({ engines: defaultEngines(), certificate: generateCertificate(), random: seededRandom(5) }, 0);
  core.addLocalAddress({ family: 4, address: '127.0.0.1', port: 40000 }, 0);
  core.setRemoteDescription('offer', offer, 0);
  core.createAnswer();
  core.setLocalDescription('answer', 0);
  core.handleTimeout(0);
  return core.localDescription()!.sdp;
}

t.test('answering every captured offer: parseable, same m-lines in order, others rejected', (t) => {
  for (const f of fixtures.filter((x) => x.includes('offer'))) {
    const offer = parseSdp(readFileSync(new URL(f, dir), 'utf8'));
    const answer = parseSdp(answerTo(readFileSync(new URL(f, dir), 'utf8')));
    t.equal(answer.media.length, offer.media.length, `${f}: as many m-lines as the offer`);
    answer.media.forEach((m, i) => {
      t.equal(m.kind, offer.media[i].kind, `${f}: m-line ${i} kind`);
      t.equal(m.mid, offer.media[i].mid, `${f}: m-line ${i} mid`);
      if (m.isDataChannel && m === answer.dataChannelMedia) {
        t.not(m.port, 0, `${f}: data section accepted`);
        t.equal(m.dtlsParameters().setup, 'active', `${f}: we answer active (DTLS client)`);
        t.equal(m.candidates.length, 1, `${f}: our candidate`);
        t.equal(m.sctpParameters().legacy, offer.dataChannelMedia!.sctpParameters().legacy, `${f}: same SCTP form as the offer`);
      } else {
        t.equal(m.port, 0, `${f}: m-line ${i} rejected`);
      }
    });
    t.same(answer.bundle, [offer.dataChannelMedia!.mid ?? '0'], `${f}: BUNDLE has the data mid only`);
  }
  t.end();
});

t.test('fuzz: hostile descriptions are read or rejected with DataChannelError, nothing else', async (t) => {
  const fc = (await import('fast-check')).default;
  const { DataChannelError } = await import('../src/errors.js');
  const base = readFileSync(new URL('chromium-156.offer.mdns-off.complete.sdp', dir), 'utf8').split('\r\n');
  let read = 0;
  let rejected = 0;
  fc.assert(
    fc.property(
      fc.oneof(
        fc.string({ maxLength: 300 }),
        // real lines, shuffled, dropped, duplicated and mutated
        // the real lines in order, each kept, dropped, or given a junk value
        fc.array(fc.integer({ min: 0, max: 19 }), { minLength: base.length, maxLength: base.length })
          .chain((fates) => fc.array(fc.string({ maxLength: 12 }), { minLength: base.length, maxLength: base.length }).map((junk) =>
            base.map((line, i) => (fates[i] === 0 ? '' : fates[i] === 1 ? line.slice(0, line.indexOf(':') + 1 || 2) + junk[i] : line)).join('\r\n'))),
      ),
      (sdp) => {
        try {
          readRemoteDescription(sdp, parse);
          read++;
        } catch (e) {
          if (!(e instanceof DataChannelError)) throw e;
          rejected++;
        }
      },
    ),
    { numRuns: 20_000, seed: 8866 },
  );
  t.ok(read > 0 && rejected > 0, `read ${read}, rejected ${rejected}`);
});
