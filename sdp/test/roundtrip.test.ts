// write → parse is identity on the model (the lines), and parse → write is identity on the
// text, over generated descriptions; typed getters agree between parsed (zero-copy) and
// built (string-array) descriptions.
import fc from 'fast-check';
import t from 'tap';
import { MediaDescription, parseSdp, SessionDescription, writeSdp } from '@tsrtc/sdp';
import { modelArb, modelText } from './arbitraries.js';

function typed(d: SessionDescription): unknown {
  return {
    origin: d.origin,
    groups: d.groups,
    lite: d.iceLite,
    ufrag: d.iceUfrag,
    fps: d.fingerprints,
    setup: d.setup,
    dir: d.direction,
    media: d.media.map((m) => ({
      line: m.mediaLine,
      mid: m.mid,
      ice: m.iceParameters(),
      dtls: m.dtlsParameters(),
      cands: m.candidates,
      eoc: m.endOfCandidates,
      mms: m.maxMessageSize,
      sctp: m.sctpPort,
      dir: m.effectiveDirection(),
    })),
  };
}

t.test('write → parse is identity on the model; parse → write is identity on the text', async (t) => {
  let runs = 0;
  fc.assert(
    fc.property(modelArb, (model) => {
      const built = new SessionDescription(model.session, model.media.map((lines) => new MediaDescription(lines)));
      const text = writeSdp(built);
      if (text !== modelText(model)) return false;
      const parsed = parseSdp(text);
      if (JSON.stringify(parsed.lines) !== JSON.stringify(model.session)) return false;
      if (JSON.stringify(parsed.media.map((m) => m.lines)) !== JSON.stringify(model.media)) return false;
      runs++;
      return writeSdp(parseSdp(text)) === text;
    }),
    { numRuns: 3000, seed: 8866 },
  );
  t.equal(runs, 3000);
});

t.test('typed getters read the same values from parsed text and from built lines', async (t) => {
  fc.assert(
    fc.property(modelArb, (model) => {
      const built = new SessionDescription(model.session, model.media.map((lines) => new MediaDescription(lines)));
      const parsed = parseSdp(writeSdp(built));
      t.strictSame(typed(parsed), typed(built));
      const lf = parseSdp(writeSdp(built).replaceAll('\r\n', '\n'));
      t.strictSame(typed(lf), typed(built));
    }),
    { numRuns: 500, seed: 8829 },
  );
});

t.test('edits through the section API are written and parsed back', async (t) => {
  const d = parseSdp(modelText({ session: ['v=0', 'o=- 1 2 IN IP4 127.0.0.1', 's=-', 't=0 0'], media: [['m=application 9 UDP/DTLS/SCTP webrtc-datachannel', 'a=mid:0']] }));
  d.media[0].setAttribute('max-message-size', '1024').addAttribute('end-of-candidates').setAttribute('mid', 'data');
  d.addAttribute('ice-lite');
  const back = parseSdp(writeSdp(d));
  t.equal(back.media[0].maxMessageSize, 1024);
  t.equal(back.media[0].endOfCandidates, true);
  t.equal(back.media[0].mid, 'data');
  t.equal(back.iceLite, true);
  t.equal(back.media[0].removeAttribute('end-of-candidates'), 1);
  t.equal(back.media[0].endOfCandidates, false);
  t.throws(() => d.media[0].setAttribute('mid', 'x\r\na=ice-lite'), { code: 'bad-argument' });
  t.throws(() => d.media[0].addAttribute('bad name'), { code: 'bad-argument' });
  t.ok(Object.isFrozen(d.media[0].lines), 'lines are frozen; edits go through checked methods');
  t.throws(() => d.media[0].insertLine(1, 'a=ok\na=injected'), { code: 'bad-argument' }, 'no line injection');
  t.throws(() => d.media[0].setLine(0, 'm=x\0'), { code: 'bad-argument' });
  t.throws(() => d.media[0].insertLine(1, 'not a line'), { code: 'bad-argument' });
  t.throws(() => d.media[0].removeLine(99), { code: 'bad-argument' });
  t.throws(() => {
    d.media[0].lines = ['m=application 9 UDP/DTLS/SCTP webrtc-datachannel', 'A=upper'];
  }, { code: 'bad-argument' });
  t.throws(() => new MediaDescription(['m=application 9 UDP/DTLS/SCTP x', 'a=x\r\na=y']), { code: 'bad-argument' });
  d.media[0].insertLine(1, 'c=IN IP4 0.0.0.0').setLine(0, 'm=application 5000 UDP/DTLS/SCTP webrtc-datachannel').removeLine(d.media[0].lineCount - 1);
  const again = parseSdp(writeSdp(d)).media[0];
  t.equal(again.port, 5000);
  t.equal(again.connection?.address, '0.0.0.0');
  t.strictSame(again.lines, d.media[0].lines);
});

t.test('line(i) outside the section is an SdpError, not a slice of the whole text', async (t) => {
  const d = parseSdp('v=0\r\no=- 1 2 IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\nm=application 9 UDP/DTLS/SCTP webrtc-datachannel\r\n');
  t.equal(d.media[0].line(0), 'm=application 9 UDP/DTLS/SCTP webrtc-datachannel');
  t.equal(d.line(3), 't=0 0');
  for (const i of [-1, 1, 0.5, Number.NaN]) t.throws(() => d.media[0].line(i), { code: 'bad-argument' }, String(i));
  t.throws(() => d.line(4), { code: 'bad-argument' });
});
