import { loadImplementation, type ImplementationName } from '../src/peers/implementations.js';
import { startRemote, type PeerName } from '../src/peers/registry.js';
import { ScenarioContext, Inbox } from '../src/harness.js';
import { sleep } from '../src/w3c.js';
const [subj, peer, delay] = process.argv.slice(2);
const s = await loadImplementation(subj as ImplementationName);
const r = await startRemote(peer as PeerName);
for (let k = 0; k < 4; k++) {
  const ctx = new ScenarioContext(s, r, true);
  const c = await ctx.connect('subject');
  const inbox = new Inbox(c.dc);
  const seen: string[] = [];
  c.dc.addEventListener('message', (e: any) => seen.push(e.data));
  await sleep(Number(delay));
  for (let i = 0; i < 1000; i++) c.dc.send(`message ${i}`);
  await sleep(1500);
  const far = await ctx.remoteChannel(c.session, 'echo');
  console.log(`delay ${delay}: subject got ${seen.length}, first ${seen[0]}, remote in ${far?.messagesIn} out ${far?.messagesOut}`);
  await ctx.cleanup();
}
await r.dispose(); process.exit(0);
