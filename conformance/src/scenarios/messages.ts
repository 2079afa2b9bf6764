/** Message sizes, both types, and ordering. */
import { Inbox, Skip, describe, type Connection, type ScenarioContext } from '../harness.js';
import type { Scenario } from '../scenario.js';
import { binaryPayload, formatBytes, sameBytes, stringPayload } from '../payload.js';
import { toBytes } from '../w3c.js';

const SIZES = [0, 1, 1200, 16_384, 65_535, 65_536, 262_144];
const MIB = 1 << 20;

/** Send each size and expect the identical message back; sizes over the limit are listed, not sent. */
async function echoSizes(ctx: ScenarioContext, c: Connection, kind: 'string' | 'binary', sizes: number[]): Promise<void> {
  const limit = ctx.messageLimit(c);
  const inbox = new Inbox(c.dc);
  const sent: string[] = [];
  for (const size of sizes) {
    if (size > limit) continue;
    if (kind === 'string') {
      const text = stringPayload(size);
      c.dc.send(text);
      const got = await inbox.next(10_000, `the echo of a ${formatBytes(size)} string`);
      if (got !== text) throw new Error(`${formatBytes(size)} string came back as ${describe(got)}`);
    } else {
      const bytes = binaryPayload(size);
      c.dc.send(bytes);
      const got = await inbox.next(10_000, `the echo of a ${formatBytes(size)} binary message`);
      if (typeof got === 'string') throw new Error(`${formatBytes(size)} binary came back as a string`);
      if (!sameBytes(toBytes(got), bytes)) throw new Error(`${formatBytes(size)} binary came back as ${describe(got)} with other bytes`);
    }
    sent.push(formatBytes(size));
  }
  const over = sizes.filter((s) => s > limit);
  if (!sent.length) throw new Skip(`max-message-size ${limit} allows none of ${sizes.map(formatBytes).join(', ')}`);
  ctx.figures['sizes'] = sent.join(', ');
  if (over.length) ctx.note(`not sent (over max-message-size ${limit}): ${over.map(formatBytes).join(', ')}`);
}

function sizeScenario(kind: 'string' | 'binary'): Scenario {
  return {
    id: `${kind}-sizes`,
    title: `${kind} messages 0 B – 256 KiB`,
    checks: `${kind === 'string' ? 'Strings (PPID 51, or 56 when empty; UTF-8 with 1- to 4-byte sequences)' : 'Binary (PPID 53, or 57 when empty)'} of 0, 1, 1200, 16 KiB, 65535, 64 KiB and 256 KiB bytes echo back identical and of the same type. Sizes above either side's a=max-message-size are not sent (listed in the note).`,
    timeoutMs: 60_000,
    async run(ctx) {
      await echoSizes(ctx, await ctx.connect('subject'), kind, SIZES);
    },
  };
}

export const stringSizes = sizeScenario('string');
export const binarySizes = sizeScenario('binary');

export const oneMebibyte: Scenario = {
  id: 'message-1mib',
  title: '1 MiB string and binary (where both allow)',
  checks: 'A 1 MiB string and a 1 MiB binary message echo back, when both SDPs allow it (a=max-message-size ≥ 1 MiB or 0).',
  timeoutMs: 60_000,
  async run(ctx) {
    const c = await ctx.connect('subject');
    const limit = ctx.messageLimit(c);
    if (limit < MIB) throw new Skip(`max-message-size ${limit} (subject ${ctx.subject.name} or peer) < 1 MiB`);
    await echoSizes(ctx, c, 'string', [MIB]);
    await echoSizes(ctx, c, 'binary', [MIB]);
  },
};

export const ordered1000: Scenario = {
  id: 'ordered-1000',
  title: '1,000 ordered messages',
  checks: 'The subject sends 1,000 numbered strings back to back on an ordered reliable channel; the remote counts 1,000 and the echoes come back complete and in order.',
  timeoutMs: 60_000,
  async run(ctx) {
    const c = await ctx.connect('subject');
    const inbox = new Inbox(c.dc);
    const n = 1000;
    const t0 = performance.now();
    for (let i = 0; i < n; i++) c.dc.send(`message ${i}`);
    const remoteCount = async () => {
      const far = await ctx.remoteChannel(c.session, c.dc.label);
      return `the remote counted ${far?.messagesIn ?? '?'} of ${n} and echoed ${far?.messagesOut ?? '?'}`;
    };
    for (let i = 0; i < n; i++) {
      let got: unknown;
      try {
        got = await inbox.next(15_000, `echo ${i} of ${n}`);
      } catch (e) {
        throw new Error(`${(e as Error).message}; ${await remoteCount()}`);
      }
      if (got !== `message ${i}`) throw new Error(`echo ${i} is ${describe(got)} (out of order or lost); ${await remoteCount()}`);
    }
    ctx.figures['msgs/s'] = Math.round((2 * n) / ((performance.now() - t0) / 1000));
    const far = await ctx.remoteChannel(c.session, c.dc.label);
    if (far && far.messagesIn !== n) throw new Error(`remote counted ${far.messagesIn} messages, want ${n}`);
  },
};
