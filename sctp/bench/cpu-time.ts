/**
 * The micro suite's transfer cases (bench/src/micro/sctp.ts) measured in CPU time of this
 * process (`process.cpuUsage`, user + system, GC threads included) instead of wall time, so a
 * machine shared with other jobs still gives a usable figure. MB/s = MiB moved / CPU seconds.
 *
 * Run: node --import tsx --conditions=tsrtc-source sctp/bench/cpu-time.ts [seconds per case]
 */
import { suite } from '../../bench/src/micro/sctp.js';

const seconds = Number(process.argv[2] ?? 2);
console.log('| case | CPU ms per MiB | MB/s of CPU time | wall MB/s |');
console.log('| --- | ---: | ---: | ---: |');
for (const c of suite.cases.filter((x) => x.group.startsWith('transfer'))) {
  for (let i = 0; i < 20; i++) c.fn(); // warm up
  const t0 = performance.now();
  const c0 = process.cpuUsage();
  let n = 0;
  while (performance.now() - t0 < seconds * 1000) {
    c.fn();
    n++;
  }
  const wallMs = (performance.now() - t0) / n;
  const cu = process.cpuUsage(c0);
  const cpuMs = (cu.user + cu.system) / 1000 / n;
  const name = c.group.replace(/ \(MB\/s.*$/, '');
  console.log(`| ${name} | ${cpuMs.toFixed(2)} | ${(1048.576 / cpuMs).toFixed(0)} | ${(1048.576 / wallMs).toFixed(0)} |`);
}
