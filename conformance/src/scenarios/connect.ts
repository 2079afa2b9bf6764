/** Setting up: who offers, DCEP vs pre-negotiated, channels after connect, renegotiation. */
import { Inbox, echoText, round } from '../harness.js';
import type { Scenario } from '../scenario.js';
import { acceptOffer, makeOffer, until, waitOpen, type W3cDataChannel } from '../w3c.js';

export const subjectOffers: Scenario = {
  id: 'offer-subject',
  title: 'subject offers, DCEP channel opens',
  checks: 'The subject offers with one channel (non-trickle, candidates in the SDP), the remote answers; the channel opens through DCEP (RFC 8832) and a string echoes.',
  timeoutMs: 30_000,
  async run(ctx) {
    const c = await ctx.connect('subject');
    ctx.figures['setup ms'] = round(c.setupMs, 0);
    await echoText(new Inbox(c.dc), 'hello from the offerer');
    if (c.dc.id === null) throw new Error('open channel has id null');
  },
};

export const remoteOffers: Scenario = {
  id: 'offer-remote',
  title: 'remote offers, DCEP channel opens',
  checks: 'The remote creates a channel and offers; the subject answers; the datachannel event fires with the right label and the channel echoes.',
  timeoutMs: 30_000,
  async run(ctx) {
    const c = await ctx.connect('remote', { label: 'echo' });
    ctx.figures['setup ms'] = round(c.setupMs, 0);
    if (c.dc.label !== 'echo') throw new Error(`datachannel label ${JSON.stringify(c.dc.label)}, want "echo"`);
    await echoText(new Inbox(c.dc), 'hello from the answerer');
  },
};

export const preNegotiated: Scenario = {
  id: 'pre-negotiated',
  title: 'pre-negotiated channel (negotiated: true, id 7)',
  checks: 'Both sides create `negotiated: true, id: 7` out of band (no DCEP); it opens on the subject with id 7, data flows both ways and the remote sees the same id and label.',
  timeoutMs: 30_000,
  async run(ctx) {
    ctx.require('negotiated');
    const pc = ctx.newPc();
    const dc = pc.createDataChannel('echo');
    const pre = pc.createDataChannel('pre', { negotiated: true, id: 7 });
    const { session, sdp } = await ctx.remote.answer(await makeOffer(pc));
    await ctx.remote.createChannel!(session, { label: 'pre', negotiated: true, id: 7 });
    await pc.setRemoteDescription({ type: 'answer', sdp });
    await waitOpen(dc);
    await waitOpen(pre);
    if (pre.id !== 7) throw new Error(`pre-negotiated channel has id ${pre.id}, want 7`);
    await echoText(new Inbox(pre), 'pre-negotiated');
    const far = await ctx.remoteChannel(session, 'pre');
    if (!far || far.id !== 7 || far.messagesIn !== 1) throw new Error(`remote sees ${JSON.stringify(far)}`);
    const announced = (await ctx.remoteSession(session)).channels.filter((ch) => ch.label === 'pre').length;
    if (announced !== 1) throw new Error(`remote has ${announced} channels labelled "pre" (a DCEP OPEN was sent for a negotiated channel?)`);
  },
};

export const lateChannel: Scenario = {
  id: 'late-channel',
  title: 'channel created after the connection is up',
  checks: 'Once connected, the subject creates a new channel (no renegotiation needed, the m=application section exists); it opens and echoes. Where the remote can, it opens one too and the subject gets its datachannel event.',
  timeoutMs: 30_000,
  async run(ctx) {
    const c = await ctx.connect('subject');
    const late = c.pc.createDataChannel('late');
    await waitOpen(late);
    await echoText(new Inbox(late), 'late');
    if (ctx.remote.caps.createChannel) {
      await ctx.remote.createChannel!(c.session, { label: 'late-remote' });
      await until(c.pc, ['datachannel'], () => c.incoming.some((d) => d.label === 'late-remote'), 10_000, 'datachannel "late-remote"');
      const dc = c.incoming.find((d) => d.label === 'late-remote')!;
      await waitOpen(dc);
      await echoText(new Inbox(dc), 'late from the remote');
    } else ctx.note('remote-created late channel not tried (HTTP echo contract)');
  },
};

async function stillEchoes(dc: W3cDataChannel, text: string): Promise<void> {
  await echoText(new Inbox(dc), text);
}

export const renegotiateSubject: Scenario = {
  id: 'renegotiate-subject',
  title: 'renegotiation that adds nothing (subject offers again)',
  checks: 'After connecting, the subject makes a new offer on the same connection and applies the answer: signaling returns to stable, ICE/DTLS/SCTP are kept (the channel still echoes) and a channel opened afterwards works.',
  timeoutMs: 30_000,
  async run(ctx) {
    ctx.require('renegotiate');
    const c = await ctx.connect('subject');
    const sdp = await ctx.remote.reanswer!(c.session, await makeOffer(c.pc));
    await c.pc.setRemoteDescription({ type: 'answer', sdp });
    if (c.pc.signalingState !== 'stable') throw new Error(`signalingState ${c.pc.signalingState} after renegotiation`);
    await stillEchoes(c.dc, 'after renegotiation');
    const after = c.pc.createDataChannel('after-reneg');
    await waitOpen(after);
    await echoText(new Inbox(after), 'new channel after renegotiation');
  },
};

export const renegotiateRemote: Scenario = {
  id: 'renegotiate-remote',
  title: 'renegotiation that adds nothing (remote offers again)',
  checks: 'After connecting, the remote makes a new offer on the same connection; the subject answers it: signaling stable, the channel still echoes.',
  timeoutMs: 30_000,
  async run(ctx) {
    ctx.require('renegotiate');
    const c = await ctx.connect('subject');
    const offer = await ctx.remote.reoffer!(c.session);
    await ctx.remote.applyAnswer(c.session, await acceptOffer(c.pc, offer));
    if (c.pc.signalingState !== 'stable') throw new Error(`signalingState ${c.pc.signalingState} after renegotiation`);
    await stillEchoes(c.dc, 'after remote renegotiation');
  },
};
