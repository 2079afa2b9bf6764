/**
 * Profiling entry: one subject, one message size, a fixed amount of data, nothing else, so that
 * `node --cpu-prof` sees only the steady-state send/receive path.
 *   node --cpu-prof --conditions=tsrtc-source --import tsx bench/src/e2e/profile-throughput.ts [subject] [sizeKiB] [MiB]
 */
import { closePair, connectPair, throughput } from './scenarios.js';
import { SUBJECTS } from './subjects.js';

const [name = 'tsrtc', kib = '64', mib = '64'] = process.argv.slice(2);
const subject = await SUBJECTS[name]!();
if (!subject) throw new Error(`${name} not available`);
const pair = await connectPair(subject, { trickle: false });
const r = await throughput(subject, pair, Number(kib) * 1024, Number(mib) << 20, 60_000);
console.log(`${name} ${kib} KiB: ${r.mbps.toFixed(2)} MB/s, ${r.cpuSecPerGB.toFixed(1)} CPU-s/GB, ${r.bytes} bytes`);
closePair(pair);
await subject.shutdown?.();
setTimeout(() => process.exit(0), 200);
