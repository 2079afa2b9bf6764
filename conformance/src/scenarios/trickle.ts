/** Trickle ICE (RFC 8838): descriptions without candidates, candidates one by one. */
import { Inbox, echoText, round } from '../harness.js';
import type { Scenario } from '../scenario.js';
import type { CandidateInit } from '../peers/types.js';
import { sleep, type W3cDataChannel } from '../w3c.js';

/** Drop a=candidate / a=end-of-candidates, so that candidates can only arrive trickled. */
export function withoutCandidates(sdp: string): string {
  return sdp.split(/\r\n/).filter((l) => !l.startsWith('a=candidate:') && l !== 'a=end-of-candidates').join('\r\n');
}

export const trickle: Scenario = {
  id: 'trickle-subject',
  title: 'trickle ICE (subject offers, candidates one by one)',
  checks: 'The subject sends its offer right after setLocalDescription and the remote answers at once, both with every a=candidate line removed; each side\'s icecandidate events go to the other\'s addIceCandidate as they come (RFC 8838). The channel opens and echoes. Figures: setup ms, candidates each way.',
  timeoutMs: 30_000,
  async run(ctx) {
    ctx.require('trickle');
    const remote = ctx.remote;
    const t0 = performance.now();
    const pc = ctx.newPc();
    const local: CandidateInit[] = [];
    pc.addEventListener('icecandidate', (ev: { candidate: CandidateInit | null }) => {
      const c = ev.candidate;
      if (c && c.candidate) local.push({ candidate: c.candidate, sdpMid: c.sdpMid ?? null, sdpMLineIndex: c.sdpMLineIndex ?? null });
    });
    const dc: W3cDataChannel = pc.createDataChannel('echo');
    await pc.setLocalDescription(await pc.createOffer());
    const { session, sdp } = await remote.answerTrickle!(withoutCandidates(pc.localDescription!.sdp));
    await pc.setRemoteDescription({ type: 'answer', sdp: withoutCandidates(sdp) });
    let sent = 0;
    let received = 0;
    const deadline = performance.now() + 20_000;
    while (dc.readyState !== 'open') {
      if (dc.readyState === 'closed' || performance.now() > deadline) {
        throw new Error(`channel ${dc.readyState} after ${Math.round(performance.now() - t0)} ms; candidates sent ${sent}, received ${received}; ICE ${pc.iceConnectionState}`);
      }
      for (const c of local.splice(0)) { await remote.addIceCandidate!(session, c); sent++; }
      for (const c of await remote.takeCandidates!(session)) { await pc.addIceCandidate(c); received++; }
      await sleep(20);
    }
    ctx.figures['setup ms'] = round(performance.now() - t0, 0);
    ctx.figures['candidates sent'] = sent;
    ctx.figures['candidates received'] = received;
    await echoText(new Inbox(dc), 'trickled');
  },
};
