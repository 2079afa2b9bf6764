/**
 * The node:crypto floor under DTLS record protection: what one AES-128-GCM seal + open of a
 * 1200-byte record costs when nothing but node:crypto runs, next to @tsrtc/dtls's
 * RecordProtection on the same input. Node's Cipheriv cannot be re-keyed or given a new IV
 * (no setIV / reinit), so GCM needs one cipher object per record: the floor is
 * createCipheriv + setAAD + update + final + getAuthTag (and the decipher side).
 */
import { createCipheriv, createDecipheriv, createSecretKey, webcrypto } from 'node:crypto';
import { CIPHER_SUITES, CipherSuiteId, RecordProtection } from '@tsrtc/dtls';

export interface FloorRow {
  name: string;
  /** CPU ns per operation (process.cpuUsage, median of the runs). */
  ns: number;
  /** 1200-byte records per second → MB/s (10^6) at that cost. */
  mbps: number;
}

const SIZE = 1200;
const plaintext = Buffer.alloc(SIZE, 0x61);
const keyBytes = Buffer.alloc(16, 7);
const key = createSecretKey(keyBytes);
const aad = Buffer.alloc(13, 1);
const nonce = Buffer.alloc(12, 2);

/**
 * CPU ns per call of each function, median over `runs` batches of `n` calls. The functions are
 * interleaved batch by batch, so a load change on the machine hits them all alike.
 */
function cpuNs(fns: (() => unknown)[], n: number, runs: number): number[] {
  for (const fn of fns) for (let i = 0; i < Math.min(n, 2000); i++) fn(); // warm up
  const xs: number[][] = fns.map(() => []);
  for (let r = 0; r < runs; r++) {
    fns.forEach((fn, k) => {
      const c0 = process.cpuUsage();
      for (let i = 0; i < n; i++) fn();
      const c = process.cpuUsage(c0);
      xs[k].push(((c.user + c.system) * 1e3) / n);
    });
  }
  return xs.map((v) => v.sort((a, b) => a - b)[Math.floor(v.length / 2)]);
}

export async function cryptoFloor(quick: boolean): Promise<FloorRow[]> {
  const n = quick ? 3_000 : 20_000;
  const runs = quick ? 5 : 9;
  // A sealed record for the open-only rows.
  const c = createCipheriv('aes-128-gcm', key, nonce);
  c.setAAD(aad);
  const ct = c.update(plaintext);
  c.final();
  const tag = c.getAuthTag();

  const sealWith = (k: typeof key | Buffer) => () => {
    const x = createCipheriv('aes-128-gcm', k, nonce);
    x.setAAD(aad);
    const body = x.update(plaintext);
    x.final();
    return [body, x.getAuthTag()];
  };
  const bareSeal = sealWith(key);
  const bareSealRawKey = sealWith(keyBytes);
  const bareOpen = () => {
    const x = createDecipheriv('aes-128-gcm', key, nonce);
    x.setAAD(aad);
    x.setAuthTag(tag);
    const body = x.update(ct);
    x.final();
    return body;
  };
  // The object alone: how much of the floor is constructing the cipher, not encrypting.
  const construct = () => createCipheriv('aes-128-gcm', key, nonce);

  const suite = CIPHER_SUITES.find((s) => s.id === CipherSuiteId.TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256)!;
  const sender = new RecordProtection(suite, keyBytes, Buffer.alloc(4, 9));
  const receiver = new RecordProtection(suite, keyBytes, Buffer.alloc(4, 9));
  let seq = 0;
  const tsrtcSealOpen = () => {
    const s = seq++;
    const record = sender.seal(23, 0xfefd, 1, s, plaintext);
    const opened = receiver.open(23, 0xfefd, 1, s, record.subarray(13));
    if (opened === undefined) throw new Error('open failed');
    return opened;
  };

  const rows: FloorRow[] = [];
  const add = (name: string, ns: number) => rows.push({ name, ns, mbps: (SIZE / ns) * 1e3 });
  const [constructNs, sealNs, sealRawNs, openNs, tsrtcNs] = cpuNs([construct, bareSeal, bareSealRawKey, bareOpen, tsrtcSealOpen], n, runs);
  add('node:crypto createCipheriv aes-128-gcm (object only)', constructNs);
  add('node:crypto seal 1200 B (KeyObject key)', sealNs);
  add('node:crypto seal 1200 B (raw Buffer key)', sealRawNs);
  add('node:crypto open 1200 B', openNs);
  add('node:crypto floor: seal + open 1200 B', sealNs + openNs);
  add('@tsrtc/dtls RecordProtection seal + open 1200 B', tsrtcNs);

  // webcrypto: async, runs on libuv's thread pool; batching many records per await could
  // amortise the promise cost. Measured as wall ns per seal with 64 in flight (CPU of the pool
  // threads is included in process.cpuUsage).
  const wkey = await webcrypto.subtle.importKey('raw', keyBytes, 'AES-GCM', false, ['encrypt']);
  const batch = 64;
  const wcSeal = async () => {
    const ps: Promise<ArrayBuffer>[] = [];
    for (let i = 0; i < batch; i++) ps.push(webcrypto.subtle.encrypt({ name: 'AES-GCM', iv: nonce, additionalData: aad }, wkey, plaintext));
    await Promise.all(ps);
  };
  await wcSeal();
  const xs: number[] = [];
  for (let r = 0; r < runs; r++) {
    const c0 = process.cpuUsage();
    for (let i = 0; i < n / batch; i++) await wcSeal();
    const cu = process.cpuUsage(c0);
    xs.push(((cu.user + cu.system) * 1e3) / (Math.floor(n / batch) * batch));
  }
  xs.sort((a, b) => a - b);
  add('webcrypto AES-GCM encrypt 1200 B (64 per await, CPU)', xs[Math.floor(xs.length / 2)]);
  return rows;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  for (const r of await cryptoFloor(process.argv.includes('--quick'))) console.log(`${r.name.padEnd(58)} ${r.ns.toFixed(0).padStart(6)} ns  ${r.mbps.toFixed(0).padStart(5)} MB/s`);
}
