/**
 * The server side of the scale bench, in its own process so that its memory and CPU are its
 * own: one `RtcEndpoint` (one UDP port, ICE-lite) answering offers sent over the fork() IPC
 * channel. Run with --expose-gc so that memory is read after a full collection.
 *   { id, offer }  → { id, answer }
 *   { id, usage, gc? } → { id, rss, heapUsed, external, arrayBuffers, cpuUs, peers, datagrams… }
 * (CPU is read before the optional full GCs, which are the bench's doing.)
 */
import { writeFileSync } from 'node:fs';
import { Session } from 'node:inspector';
import { getHeapSpaceStatistics, writeHeapSnapshot } from 'node:v8';
import { RtcEndpoint } from '@tsrtc/datachannel';

const endpoint = await RtcEndpoint.listen({ address: '127.0.0.1', announcedAddresses: ['127.0.0.1'], maxPeers: 1_000_000 } as never);
let connected = 0;

endpoint.on('peer', () => { connected++; });
endpoint.on('peer-closed', () => { connected--; });
const gc = (globalThis as { gc?: () => void }).gc;

/** `{ id, profile: file }` starts the CPU profiler; `{ id, profile: file, stop: true }` writes it. */
const inspector = new Session();
inspector.connect();

process.on('message', (m: { id: number; offer?: string; usage?: boolean; gc?: boolean; profile?: string; stop?: boolean; snapshot?: string }) => {
  if (m.snapshot !== undefined) {
    writeHeapSnapshot(m.snapshot);
    process.send!({ id: m.id });
    return;
  }
  if (m.profile !== undefined) {
    if (!m.stop) inspector.post('Profiler.enable', () => inspector.post('Profiler.start', () => process.send!({ id: m.id })));
    else inspector.post('Profiler.stop', (_e, r) => { writeFileSync(m.profile!, JSON.stringify(r.profile)); process.send!({ id: m.id }); });
    return;
  }
  if (m.offer !== undefined) {
    try {
      process.send!({ id: m.id, answer: endpoint.accept(m.offer).sdp });
    } catch (e) {
      process.send!({ id: m.id, error: String(e) });
    }
  } else if (m.usage) {
    const c0 = process.cpuUsage();
    const d = endpoint.stats();
    if (m.gc) { gc?.(); gc?.(); }
    const mem = process.memoryUsage();
    // the young generation grows with the allocation rate (handshakes), not with the peers held
    const young = getHeapSpaceStatistics().filter((x) => x.space_name === 'new_space' || x.space_name === 'new_large_object_space').reduce((a, x) => a + x.space_size, 0);
    process.send!({ id: m.id, young, rss: mem.rss, heapUsed: mem.heapUsed, external: mem.external, arrayBuffers: mem.arrayBuffers, cpuUs: c0.user + c0.system, sysUs: c0.system, loopActiveMs: performance.eventLoopUtilization().active, peers: connected, datagramsReceived: d.datagramsReceived, datagramsSent: d.datagramsSent });
  }
});
process.on('disconnect', () => { void endpoint.close().finally(() => process.exit(0)); setTimeout(() => process.exit(0), 3000).unref(); });
process.send!({ ready: true });
