// Consent freshness timing (RFC 7675 §5.1) on a virtual clock: ConsentFreshness alone, driven
// the way the agent drives it (evaluate at every deadline, responses move lastConsentAt).
import t from 'tap';
import { ConsentFreshness } from '../src/consent.js';
import { DEFAULT_ICE_SETTINGS } from '../src/settings.js';
import { Rng } from './sim/rng.js';

function tracker(seed: number, lite = false) {
  const rng = new Rng(seed);
  return new ConsentFreshness({ ...DEFAULT_ICE_SETTINGS, lite, random: rng.fill }, 0);
}

/** Runs `ms` of virtual time from deadline to deadline; `answer(now)` says if a check sent now is answered (after 10 ms). */
function drive(c: ConsentFreshness, from: number, ms: number, answer: (now: number) => boolean, lastConsentAt: number) {
  const checks: number[] = [];
  const verdicts: { at: number; verdict: string }[] = [];
  let pendingAnswer: number | undefined;
  let now = from;
  for (let steps = 0; steps < 100_000; steps++) {
    let next = c.deadline(lastConsentAt, verdicts.at(-1)?.verdict === 'disconnected');
    if (pendingAnswer !== undefined && (next === undefined || pendingAnswer < next)) next = pendingAnswer;
    if (next === undefined || next > from + ms) break;
    now = Math.max(now, next);
    if (pendingAnswer !== undefined && now >= pendingAnswer) {
      lastConsentAt = pendingAnswer;
      pendingAnswer = undefined;
    }
    const a = c.evaluate(now, lastConsentAt);
    if (verdicts.at(-1)?.verdict !== a.verdict) verdicts.push({ at: now, verdict: a.verdict });
    if (a.sendCheck) {
      checks.push(now);
      if (answer(now)) pendingAnswer = now + 10;
    }
    if (a.verdict === 'expired') break;
  }
  return { checks, verdicts, lastConsentAt };
}

t.test('checks every 5 s × [0.8, 1.2] while answered, randomized, never retransmitted', async (t) => {
  const c = tracker(1);
  c.selected(0);
  const { checks, verdicts } = drive(c, 0, 1_000_000, () => true, 0);
  const gaps = checks.slice(1).map((x, i) => x - checks[i]);
  t.ok(gaps.length > 150, `${gaps.length} intervals`);
  t.ok(gaps.every((g) => g >= 4000 && g <= 6000), `every gap within 4-6 s (min ${Math.min(...gaps)}, max ${Math.max(...gaps)})`);
  t.ok(new Set(gaps.map(Math.round)).size > 50, 'gaps are randomized, not one fixed period');
  const mean = gaps.reduce((a, b) => a + b, 0) / gaps.length;
  t.ok(mean > 4800 && mean < 5200, `mean gap ${mean.toFixed(0)} ms`);
  t.same(verdicts.map((v) => v.verdict), ['fresh'], 'never disconnected while answered');
});

t.test('an unanswered check is followed by re-probes every 1 s × [0.8, 1.2]; disconnected after 8 s, expired after 30 s', async (t) => {
  const c = tracker(2);
  c.selected(0);
  const healthy = drive(c, 0, 60_000, () => true, 0);
  const cut = 60_000;
  const { checks, verdicts } = drive(c, cut, 60_000, () => false, healthy.lastConsentAt);
  const last = healthy.lastConsentAt;
  const gaps = checks.slice(1).map((x, i) => x - checks[i]);
  t.ok(checks[0] - healthy.checks.at(-1)! >= 4000, 'the first lost check comes on the regular schedule');
  t.ok(gaps.every((g) => g >= 801 && g <= 1201), `then re-probes 0.8-1.2 s (+ 1 ms) apart (${Math.min(...gaps)}-${Math.max(...gaps)})`);
  const down = verdicts.find((v) => v.verdict === 'disconnected')!;
  t.equal(down.at - last, 1.2 * 5000 + 2 * 1000, 'disconnected 1.2 × interval + 2 × probe interval after the last response');
  const expired = verdicts.find((v) => v.verdict === 'expired')!;
  t.equal(expired.at - last, 30_000, 'consent expires 30 s after the last response (§5.1)');
  t.equal(c.deadline(last, true), undefined, 'nothing to do after expiry');
});

t.test('a re-probe comes due, then waits 1 ms: an answer read meanwhile (a busy process) spares it', async (t) => {
  const c = tracker(5);
  c.selected(0);
  let now = 0;
  let last = 0;
  // first regular check, answered at once
  now = c.deadline(last, false)!;
  t.ok(c.evaluate(now, last).sendCheck);
  last = now;
  // second regular check, not answered yet
  now = c.deadline(last, false)!;
  t.ok(c.evaluate(now, last).sendCheck, 'regular check');
  const checkAt = now;
  now = c.deadline(last, false)!;
  t.ok(now - checkAt >= 800 && now - checkAt <= 1200, 're-probe due 0.8-1.2 s later');
  t.notOk(c.evaluate(now, last).sendCheck, 'not sent yet');
  t.equal(c.deadline(last, false), now + 1, 'looks again 1 ms later');
  // the answer to the check was queued: the driver read it before the next look
  last = now;
  t.notOk(c.evaluate(now + 1, last).sendCheck, 'answered: no re-probe');
  t.ok(c.deadline(last, false)! - checkAt >= 4000, 'next check on the regular schedule');
});

t.test('one lost check does not flap the state', async (t) => {
  for (let seed = 3; seed < 23; seed++) {
    const c = tracker(seed);
    c.selected(0);
    let n = 0;
    const { verdicts, checks } = drive(c, 0, 120_000, () => ++n % 7 !== 0, 0); // every 7th check is lost
    t.ok(checks.length > 20);
    if (verdicts.some((v) => v.verdict !== 'fresh')) t.fail(`seed ${seed}: ${JSON.stringify(verdicts)}`);
  }
});

t.test('lite agents never check; disconnected after 12 s without the peer\'s checks', async (t) => {
  const c = tracker(4, true);
  c.selected(0);
  const a = c.evaluate(11_999, 0);
  t.same(a, { verdict: 'fresh', sendCheck: false, sendKeepalive: false });
  t.equal(c.evaluate(12_000, 0).verdict, 'disconnected');
  t.equal(c.deadline(0, false), 12_000);
});
