/** Channel parameters as the far side sees them, labels, many channels, closing one. */
import { Inbox, channelInit, echoText, type Connection, type ScenarioContext } from '../harness.js';
import type { Scenario } from '../scenario.js';
import type { ChannelSpec, ChannelView } from '../peers/types.js';
import { sleep, until, waitOpen, type W3cDataChannel } from '../w3c.js';

/** Differences between what was asked for and what a side reports (null = not exposed). */
function paramDiffs(want: ChannelSpec, got: Pick<ChannelView, 'ordered' | 'maxRetransmits' | 'maxPacketLifeTime' | 'protocol' | 'label'>, side: string, unexposed: Set<string> | undefined): string[] {
  const diffs: string[] = [];
  const expect = {
    label: want.label ?? '',
    ordered: want.ordered ?? true,
    maxRetransmits: want.maxRetransmits ?? null,
    maxPacketLifeTime: want.maxPacketLifeTime ?? null,
    protocol: want.protocol ?? '',
  };
  for (const [k, v] of Object.entries(expect)) {
    const actual = (got as Record<string, unknown>)[k];
    if (unexposed && k !== 'label' && k !== 'protocol' && actual === null && v !== null) { unexposed.add(`${side} ${k}`); continue; }
    if (actual !== v && !(actual === undefined && v === null)) diffs.push(`${side} sees ${k}=${JSON.stringify(actual)} on "${expect.label}", want ${JSON.stringify(v)}`);
  }
  return diffs;
}

const PR_SPECS: ChannelSpec[] = [
  { label: 'unordered', ordered: false },
  { label: 'rtx0', ordered: false, maxRetransmits: 0 },
  { label: 'rtx3', maxRetransmits: 3 },
  { label: 'lifetime150', ordered: false, maxPacketLifeTime: 150 },
  { label: 'with-protocol', protocol: 'chat.v1' },
];

function reportUnexposed(ctx: ScenarioContext, unexposed: Set<string>) {
  if (unexposed.size) ctx.note(`not exposed (null): ${[...unexposed].join(', ')}`);
}

export const prParamsFarSide: Scenario = {
  id: 'pr-params-subject-created',
  title: 'unordered / partially reliable channels, subject-created',
  checks: 'The subject opens unordered, maxRetransmits 0 and 3, maxPacketLifeTime 150 ms and protocol "chat.v1" channels; each echoes; the remote reports the same ordered/maxRetransmits/maxPacketLifeTime/protocol (DCEP channel type and reliability parameter, RFC 8832 §5.1).',
  timeoutMs: 30_000,
  async run(ctx) {
    const c = await ctx.connect('subject');
    const dcs = PR_SPECS.map((s) => c.pc.createDataChannel(s.label!, channelInit(s)));
    await Promise.all(dcs.map((d) => waitOpen(d)));
    const diffs: string[] = [];
    const unexposed = new Set<string>();
    for (let i = 0; i < dcs.length; i++) {
      diffs.push(...paramDiffs(PR_SPECS[i]!, dcs[i]!, 'subject', undefined));
      await echoText(new Inbox(dcs[i]!), `on ${PR_SPECS[i]!.label}`);
      const far = await ctx.remoteChannel(c.session, PR_SPECS[i]!.label!);
      if (!far) diffs.push(`remote has no channel "${PR_SPECS[i]!.label}"`);
      else diffs.push(...paramDiffs(PR_SPECS[i]!, far, 'remote', ctx.remote.caps.channelParams ? undefined : unexposed));
    }
    reportUnexposed(ctx, unexposed);
    if (diffs.length) throw new Error(diffs.join('; '));
  },
};

export const prParamsNearSide: Scenario = {
  id: 'pr-params-remote-created',
  title: 'unordered / partially reliable channels, remote-created',
  checks: 'The remote offers with an unordered maxRetransmits 2 channel with protocol "p1", then (second connection) an unordered maxPacketLifeTime 200 ms channel; the subject\'s RTCDataChannel reports those values and echoes.',
  timeoutMs: 40_000,
  async run(ctx) {
    const specs: ChannelSpec[] = [
      { label: 'rtx2', ordered: false, maxRetransmits: 2, protocol: 'p1' },
      { label: 'lifetime200', ordered: false, maxPacketLifeTime: 200 },
    ];
    const diffs: string[] = [];
    for (const spec of specs) {
      const c = await ctx.connect('remote', spec);
      diffs.push(...paramDiffs(spec, c.dc, 'subject', undefined));
      await echoText(new Inbox(c.dc), `on ${spec.label}`);
    }
    if (diffs.length) throw new Error(diffs.join('; '));
  },
};

const UTF8_LABEL = 'ünïcødé ✓ 标签 🚀';
const UTF8_PROTOCOL = 'プロトコル/1.0 ✨';

export const utf8Labels: Scenario = {
  id: 'utf8-label-protocol',
  title: 'UTF-8 labels and protocols',
  checks: `A subject-created channel labelled ${JSON.stringify(UTF8_LABEL)} with protocol ${JSON.stringify(UTF8_PROTOCOL)} (multi-byte UTF-8 in DCEP) opens; the remote reports both byte-exact; a remote-created channel with that label reaches the subject's datachannel event intact.`,
  timeoutMs: 30_000,
  async run(ctx) {
    const c = await ctx.connect('subject');
    const dc = c.pc.createDataChannel(UTF8_LABEL, { protocol: UTF8_PROTOCOL });
    await waitOpen(dc);
    await echoText(new Inbox(dc), 'ü');
    const far = await ctx.remoteChannel(c.session, UTF8_LABEL);
    if (!far) {
      const labels = (await ctx.remoteSession(c.session)).channels.map((ch) => ch.label);
      throw new Error(`remote has no channel labelled ${JSON.stringify(UTF8_LABEL)}; it has ${JSON.stringify(labels)}`);
    }
    if (far.protocol !== UTF8_PROTOCOL) throw new Error(`remote sees protocol ${JSON.stringify(far.protocol)}`);
    const r = await ctx.connect('remote', { label: UTF8_LABEL, protocol: UTF8_PROTOCOL });
    if (r.dc.label !== UTF8_LABEL || r.dc.protocol !== UTF8_PROTOCOL) throw new Error(`subject sees label ${JSON.stringify(r.dc.label)} protocol ${JSON.stringify(r.dc.protocol)}`);
  },
};

const MANY = 50;

export const manyFromSubject: Scenario = {
  id: 'channels-50-subject',
  title: '50 channels opened by the subject',
  checks: 'On a connected session the subject opens 50 more channels at once; all open with distinct ids of its DTLS role\'s parity (RFC 8832 §6), each echoes its own message, and the remote lists all of them.',
  timeoutMs: 60_000,
  async run(ctx) {
    const c = await ctx.connect('subject');
    const dcs = Array.from({ length: MANY }, (_, i) => c.pc.createDataChannel(`many-${i}`));
    await Promise.all(dcs.map((d) => waitOpen(d, 30_000)));
    checkIds(dcs, c.dc.id);
    await Promise.all(dcs.map((d, i) => echoText(new Inbox(d), `channel ${i}`, 20_000)));
    const labels = new Set((await ctx.remoteSession(c.session)).channels.map((ch) => ch.label));
    const missing = dcs.filter((d) => !labels.has(d.label)).map((d) => d.label);
    if (missing.length) throw new Error(`remote does not list ${missing.length} channels, e.g. ${missing[0]}`);
  },
};

function checkIds(dcs: W3cDataChannel[], firstId: number | null): void {
  const ids = dcs.map((d) => d.id);
  if (ids.some((id) => id === null)) throw new Error('an open channel has id null');
  if (new Set(ids).size !== ids.length) throw new Error(`duplicate channel ids: ${ids.join(',')}`);
  const parity = firstId === null ? (ids[0]! % 2) : firstId % 2;
  const odd = ids.filter((id) => id! % 2 !== parity);
  if (odd.length) throw new Error(`ids of the wrong parity for this DTLS role: ${odd.join(',')}`);
}

export const manyFromRemote: Scenario = {
  id: 'channels-50-remote',
  title: '50 channels opened by the remote',
  checks: 'The remote opens 50 channels at once on a connected session; the subject gets 50 datachannel events with the right labels and distinct ids, and each echoes through the remote.',
  timeoutMs: 60_000,
  async run(ctx) {
    ctx.require('createChannel');
    const c = await ctx.connect('subject');
    for (let i = 0; i < MANY; i++) await ctx.remote.createChannel!(c.session, { label: `remote-${i}` });
    await until(c.pc, ['datachannel'], () => c.incoming.length >= MANY, 30_000, `${MANY} datachannel events (got ${c.incoming.length})`);
    const dcs = c.incoming.slice(0, MANY);
    const labels = new Set(dcs.map((d) => d.label));
    for (let i = 0; i < MANY; i++) if (!labels.has(`remote-${i}`)) throw new Error(`no datachannel event for "remote-${i}"`);
    await Promise.all(dcs.map((d) => waitOpen(d, 30_000)));
    checkIds(dcs, dcs[0]!.id);
    await Promise.all(dcs.map((d) => echoText(new Inbox(d), `from ${d.label}`, 20_000)));
  },
};

/** Three channels a, b, c on one connection. */
async function threeChannels(ctx: ScenarioContext): Promise<{ c: Connection; a: W3cDataChannel; b: W3cDataChannel; d: W3cDataChannel }> {
  const c = await ctx.connect('subject');
  const [a, b, d] = ['a', 'b', 'c'].map((l) => c.pc.createDataChannel(l));
  await Promise.all([a!, b!, d!].map((x) => waitOpen(x)));
  return { c, a: a!, b: b!, d: d! };
}

const closedOn = (dc: W3cDataChannel) => until(dc, ['close'], () => dc.readyState === 'closed', 5000, `"${dc.label}" closed`);

async function othersUndisturbed(ctx: ScenarioContext, c: Connection, a: W3cDataChannel, d: W3cDataChannel): Promise<void> {
  await echoText(new Inbox(a), 'a still works');
  await echoText(new Inbox(d), 'c still works');
  await echoText(new Inbox(c.dc), 'echo still works');
  if (c.pc.connectionState !== 'connected') throw new Error(`connectionState ${c.pc.connectionState} after closing one channel`);
}

/** Reuse the closed channel's id: pre-negotiated with that id where the remote can, else a new DCEP channel. */
async function reuseId(ctx: ScenarioContext, c: Connection, closedId: number): Promise<void> {
  if (ctx.remote.caps.negotiated) {
    const again = c.pc.createDataChannel('b-again', { negotiated: true, id: closedId });
    await ctx.remote.createChannel!(c.session, { label: 'b-again', negotiated: true, id: closedId });
    await waitOpen(again);
    await echoText(new Inbox(again), 'same id again');
    ctx.figures['id reused'] = `${closedId} (negotiated)`;
    return;
  }
  // DCEP: the stack picks the id; the lowest free one of its parity is the closed one
  const next = c.pc.createDataChannel('b-again');
  await waitOpen(next);
  await echoText(new Inbox(next), 'new channel after close');
  ctx.figures['id reused'] = next.id === closedId ? `${closedId} (DCEP)` : `no (${closedId} → ${next.id})`;
}

export const closeFromSubject: Scenario = {
  id: 'close-channel-subject',
  title: 'close one channel from the subject, reuse its id',
  checks: 'Of channels a, b, c the subject closes b (stream reset, RFC 8831 §6.7): b reaches "closed" on both sides within 5 s, a, c and the first channel still echo, and a channel with b\'s id opens again (pre-negotiated with that id where the remote allows, else the next DCEP channel; whether the id was reused is a figure).',
  timeoutMs: 40_000,
  async run(ctx) {
    const { c, a, b, d } = await threeChannels(ctx);
    const id = b.id!;
    b.close();
    await closedOn(b);
    await ctx.remoteUntil(c.session, (s) => s.channels.some((ch) => ch.label === 'b' && ch.readyState === 'closed'), 5000, 'remote sees "b" closed', 100,
      (s) => `remote: ${s.channels.map((ch) => `${ch.label}#${ch.id} ${ch.readyState}`).join(', ')}`);
    await othersUndisturbed(ctx, c, a, d);
    await reuseId(ctx, c, id);
  },
};

export const closeFromRemote: Scenario = {
  id: 'close-channel-remote',
  title: 'close one channel from the remote, reuse its id',
  checks: 'Of channels a, b, c the remote closes b: the subject\'s b fires close within 5 s, a, c and the first channel still echo, and a channel with b\'s id opens again.',
  timeoutMs: 40_000,
  async run(ctx) {
    ctx.require('closeChannel');
    const { c, a, b, d } = await threeChannels(ctx);
    const id = b.id!;
    await ctx.remoteUntil(c.session, (s) => s.channels.some((ch) => ch.label === 'b' && ch.readyState === 'open'), 5000, 'remote sees "b" open');
    await ctx.remote.closeChannel!(c.session, 'b');
    await closedOn(b);
    await sleep(100);
    await othersUndisturbed(ctx, c, a, d);
    await reuseId(ctx, c, id);
  },
};
