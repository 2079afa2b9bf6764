/** Closing the peer connection: the far side must notice within 5 s. */
import { round } from '../harness.js';
import type { Scenario } from '../scenario.js';
import { until } from '../w3c.js';

const NOTICE_MS = 5000;
const GONE = new Set(['closed', 'failed', 'disconnected']);

export const closeBySubject: Scenario = {
  id: 'pc-close-subject',
  title: 'subject closes the peer connection, remote notices < 5 s',
  checks: 'The subject calls pc.close(); within 5 s the remote reports the channel closed or the connection closed/failed/disconnected (SCTP ABORT or SHUTDOWN, DTLS close_notify, or consent freshness). Figure: ms until noticed.',
  timeoutMs: 30_000,
  async run(ctx) {
    const c = await ctx.connect('subject');
    const t0 = performance.now();
    c.pc.close();
    await ctx.remoteUntil(c.session, (s) => GONE.has(s.connectionState) || s.channels.every((ch) => ch.readyState === 'closed'), NOTICE_MS, 'remote notices the close', 50,
      (s) => `remote connectionState ${s.connectionState}, channel ${s.channels.map((ch) => ch.readyState).join(', ')}`);
    ctx.figures['noticed ms'] = round(performance.now() - t0, 0);
  },
};

export const closeByRemote: Scenario = {
  id: 'pc-close-remote',
  title: 'remote closes the peer connection, subject notices < 5 s',
  checks: 'The remote closes its peer connection (HTTP peers: POST /close); within 5 s the subject\'s channel fires close or its connectionState becomes closed/failed/disconnected. Figure: ms until noticed.',
  timeoutMs: 30_000,
  async run(ctx) {
    const c = await ctx.connect('subject');
    const t0 = performance.now();
    if (ctx.remote.caps.closeSession) await ctx.remote.closeSession!(c.session);
    else await ctx.remote.closeAll();
    try {
      await until(c.pc, ['connectionstatechange'], () => GONE.has(c.pc.connectionState) || c.dc.readyState === 'closed', NOTICE_MS, 'subject notices the remote close');
    } catch (e) {
      throw new Error(`${(e as Error).message}: connectionState ${c.pc.connectionState}, channel ${c.dc.readyState}`);
    }
    ctx.figures['noticed ms'] = round(performance.now() - t0, 0);
  },
};
