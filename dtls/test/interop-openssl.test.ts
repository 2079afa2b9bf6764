import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import t from 'tap';
import { CipherSuiteId, DtlsCertificate, NamedGroup, generateCertificate, type DtlsEvent } from '@tsrtc/dtls';
import { UdpDtlsDriver } from './udp-driver.js';

/**
 * Interop against OpenSSL 3 `s_server` / `s_client -dtls1_2` on loopback
 * (../shared/peers/openssl). Each case is one row of the pass matrix in dtls/README.md.
 */
const PEERS = fileURLToPath(new URL('../../../shared/peers/openssl/', import.meta.url));
const haveOpenssl = spawnSync('openssl', ['version']).status === 0;
const enc = new TextEncoder();
const dec = new TextDecoder();

interface Spawned {
  proc: ChildProcess;
  lines: string[];
  waitLine(re: RegExp, ms: number): Promise<RegExpExecArray>;
  exited: Promise<number | null>;
  stop(): Promise<void>;
}

function spawnScript(script: string, args: string[], env: Record<string, string>): Spawned {
  const proc = spawn(PEERS + script, args, { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  const lines: string[] = [];
  const listeners: (() => void)[] = [];
  const onLine = (l: string) => {
    lines.push(l);
    for (const f of [...listeners]) f();
  };
  createInterface({ input: proc.stdout! }).on('line', onLine);
  createInterface({ input: proc.stderr! }).on('line', onLine);
  const exited = new Promise<number | null>((r) => proc.once('exit', (code) => r(code)));
  return {
    proc,
    lines,
    exited,
    waitLine(re, ms) {
      return new Promise((resolve, reject) => {
        const check = () => {
          for (const l of lines) {
            const m = re.exec(l);
            if (m) {
              clearTimeout(timer);
              listeners.splice(listeners.indexOf(check), 1);
              resolve(m);
              return true;
            }
          }
          return false;
        };
        const timer = setTimeout(() => {
          listeners.splice(listeners.indexOf(check), 1);
          reject(new Error(`no line ${re} within ${ms} ms; got:\n${lines.join('\n')}`));
        }, ms);
        listeners.push(check);
        check();
      });
    },
    async stop() {
      if (proc.exitCode === null && proc.signalCode === null) proc.kill('SIGTERM');
      await exited;
    },
  };
}

const certificate = generateCertificate({ now: Date.now() });

interface Case {
  name: string;
  env?: Record<string, string>;
  mtu?: number;
  expectSuite?: string;
  expectGroup?: number;
  namedGroups?: number[];
  srtp?: boolean;
  /** Peer runs with EMS off: we connect with requireExtendedMasterSecret false. */
  noEms?: boolean;
}

const clientCases: Case[] = [
  { name: 'X25519, EMS, cookie (s_server always sends HelloVerifyRequest)', expectGroup: NamedGroup.x25519 },
  { name: 'P-256', env: { DTLS_GROUPS: 'P-256' }, expectGroup: NamedGroup.secp256r1 },
  { name: 'stateless cookie (-listen)', env: { DTLS_COOKIE: '1' } },
  { name: 'MTU 256 both sides (fragmented flights)', env: { DTLS_MTU: '256' }, mtu: 256 },
  { name: 'AES-256-GCM-SHA384', env: { DTLS_CIPHER: 'ECDHE-ECDSA-AES256-GCM-SHA384' }, expectSuite: 'TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384' },
  { name: 'ChaCha20-Poly1305', env: { DTLS_CIPHER: 'ECDHE-ECDSA-CHACHA20-POLY1305' }, expectSuite: 'TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256' },
  { name: 'use_srtp SRTP_AES128_CM_SHA1_80', env: { DTLS_SRTP: 'SRTP_AES128_CM_SHA1_80' }, srtp: true },
  { name: 'P-256 + stateless cookie + MTU 256', env: { DTLS_GROUPS: 'P-256', DTLS_COOKIE: '1', DTLS_MTU: '256' }, mtu: 256, expectGroup: NamedGroup.secp256r1 },
  { name: 'peer without EMS, EMS not required', env: { DTLS_NO_EMS: '1' }, noEms: true },
];

t.test('tsrtc client ↔ openssl s_server', { skip: haveOpenssl ? false : 'openssl not installed' }, async (t) => {
  for (const c of clientCases) {
    await t.test(c.name, async (t) => {
      const server = spawnScript('dtls-server.sh', ['0'], c.env ?? {});
      const driver = new UdpDtlsDriver();
      try {
        const fp = await server.waitLine(/^FINGERPRINT (\S+) (\S+)/, 10_000);
        const ready = await server.waitLine(/^READY (\d+)/, 10_000);
        await driver.bind();
        driver.open(
          {
            role: 'client',
            certificate,
            remoteFingerprints: [{ algorithm: fp[1], value: fp[2] }],
            ...(c.mtu ? { mtu: c.mtu } : {}),
            ...(c.srtp ? { srtpProfiles: [0x0001] } : {}),
            ...(c.noEms ? { requireExtendedMasterSecret: false } : {}),
          },
          { address: '127.0.0.1', port: Number(ready[1]) },
        );
        driver.start();
        const ev = await driver.waitFor((e) => e.type === 'connected' || e.type === 'failed', 10_000, 'connected');
        if (ev.type !== 'connected') return void t.fail(`handshake failed: ${JSON.stringify(ev)}`);
        const connected: Extract<DtlsEvent, { type: 'connected' }> = ev;
        t.equal(connected.cipherSuite, c.expectSuite ?? 'TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256');
        t.equal(connected.extendedMasterSecret, !c.noEms, c.noEms ? 'no EMS' : 'EMS negotiated');
        if (c.expectGroup) t.equal(connected.namedGroup, c.expectGroup);
        if (c.srtp) t.equal(connected.srtpProfile, 'SRTP_AES128_CM_HMAC_SHA1_80');
        const message = `hello openssl ${c.name}\n`;
        driver.send(enc.encode(message));
        let echoed = '';
        await driver.waitFor((e) => e.type === 'data' && (echoed += dec.decode(e.data)).includes(message), 10_000, 'echo');
        t.ok(echoed.includes(message), 'application data echoed back');
        await server.waitLine(/^Ciphersuite: /, 5000);
        t.ok(server.lines.some((l) => /^Peer certificate: .*WebRTC/.test(l) || /Peer certificate/.test(l)), 's_server saw our client certificate');
        driver.endpoint.close(driver.now());
        driver.flush();
      } finally {
        driver.close();
        await server.stop();
      }
    });
  }
});

const serverCases: Case[] = [
  { name: 'X25519, EMS', expectGroup: NamedGroup.x25519 },
  { name: 'P-256', env: { DTLS_GROUPS: 'P-256' }, expectGroup: NamedGroup.secp256r1 },
  { name: 'our HelloVerifyRequest cookie', env: {}, mtu: undefined },
  { name: 'MTU 256 both sides (fragmented flights)', env: { DTLS_MTU: '256' }, mtu: 256 },
  { name: 'ChaCha20-Poly1305', env: { DTLS_CIPHER: 'ECDHE-ECDSA-CHACHA20-POLY1305' }, expectSuite: 'TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256' },
  { name: 'use_srtp + EXTRACTOR-dtls_srtp matches', env: { DTLS_SRTP: 'SRTP_AES128_CM_SHA1_80' }, srtp: true },
  { name: 'P-256 + our cookie + MTU 256', env: { DTLS_GROUPS: 'P-256', DTLS_MTU: '256' }, mtu: 256, expectGroup: NamedGroup.secp256r1 },
  { name: 'peer without EMS, EMS not required', env: { DTLS_NO_EMS: '1' }, noEms: true },
];

t.test('tsrtc server ↔ openssl s_client', { skip: haveOpenssl ? false : 'openssl not installed' }, async (t) => {
  for (const c of serverCases) {
    await t.test(c.name, async (t) => {
      const driver = new UdpDtlsDriver();
      const port = await driver.bind();
      driver.open({
        role: 'server',
        certificate,
        helloVerifyRequest: c.name.includes('cookie'),
        ...(c.mtu ? { mtu: c.mtu } : {}),
        ...(c.srtp ? { srtpProfiles: [0x0001] } : {}),
        ...(c.noEms ? { requireExtendedMasterSecret: false } : {}),
      });
      const message = `hello from openssl ${c.name}`;
      const client = spawnScript('dtls-client.sh', [`127.0.0.1:${port}`, message], { DTLS_WAIT: '0.7', ...(c.env ?? {}) });
      try {
        // The fingerprint may arrive after the handshake started: the endpoint waits for it.
        const fp = await client.waitLine(/^FINGERPRINT (\S+) (\S+)/, 10_000);
        driver.endpoint.setRemoteFingerprints([{ algorithm: fp[1], value: fp[2] }], driver.now());
        driver.flush();
        const ev = await driver.waitFor((e) => e.type === 'connected' || e.type === 'failed', 10_000, 'connected');
        if (ev.type !== 'connected') return void t.fail(`handshake failed: ${JSON.stringify(ev)}`);
        const connected: Extract<DtlsEvent, { type: 'connected' }> = ev;
        t.equal(connected.cipherSuite, c.expectSuite ?? 'TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256');
        if (c.expectGroup) t.equal(connected.namedGroup, c.expectGroup);
        let got = '';
        await driver.waitFor((e) => e.type === 'data' && (got += dec.decode(e.data)).includes(message), 10_000, 'data from s_client');
        driver.send(enc.encode('echo: ' + got));
        const closed = await driver.waitFor((e) => e.type === 'closed' || e.type === 'failed', 10_000, 'close_notify');
        t.equal(closed.type, 'closed', 'close_notify received');
        const code = await client.exited;
        t.equal(code, 0, 's_client exit status');
        t.ok(client.lines.some((l) => l.includes(`Extended master secret: ${c.noEms ? 'no' : 'yes'}`)), `s_client: EMS ${c.noEms ? 'no' : 'yes'}`);
        t.ok(client.lines.some((l) => l.includes('echo: ' + message)), 's_client received our data');
        if (c.srtp) {
          t.ok(client.lines.some((l) => l.includes('SRTP Extension negotiated, profile=SRTP_AES128_CM_SHA1_80')));
          const km = client.lines.map((l) => /Keying material: ([0-9A-F]+)/.exec(l)).find(Boolean);
          t.ok(km, 's_client printed keying material');
          const ours = Buffer.from(driver.endpoint.exportKeyingMaterial('EXTRACTOR-dtls_srtp', undefined, 60)).toString('hex').toUpperCase();
          t.equal(ours, km![1], 'EXTRACTOR-dtls_srtp keying material equal on both sides');
        }
      } finally {
        driver.close();
        await client.stop();
      }
    });
  }
});

t.test('fingerprint mismatch fails with bad_certificate', { skip: haveOpenssl ? false : 'openssl not installed' }, async (t) => {
  const server = spawnScript('dtls-server.sh', ['0'], {});
  const driver = new UdpDtlsDriver();
  try {
    await server.waitLine(/^FINGERPRINT/, 10_000);
    const ready = await server.waitLine(/^READY (\d+)/, 10_000);
    await driver.bind();
    const other = DtlsCertificate.prototype.fingerprint.call(certificate, 'sha-256');
    driver.open({ role: 'client', certificate, remoteFingerprints: [other] }, { address: '127.0.0.1', port: Number(ready[1]) });
    driver.start();
    const ev = await driver.waitFor((e) => e.type === 'connected' || e.type === 'failed', 10_000, 'failure');
    t.equal(ev.type, 'failed');
    t.equal((ev as { alert?: number }).alert, 42, 'bad_certificate alert');
  } finally {
    driver.close();
    await server.stop();
  }
});

t.test('EMS required (default) refuses a peer without it, both roles', { skip: haveOpenssl ? false : 'openssl not installed' }, async (t) => {
  const server = spawnScript('dtls-server.sh', ['0'], { DTLS_NO_EMS: '1' });
  const driver = new UdpDtlsDriver();
  try {
    const fp = await server.waitLine(/^FINGERPRINT (\S+) (\S+)/, 10_000);
    const ready = await server.waitLine(/^READY (\d+)/, 10_000);
    await driver.bind();
    driver.open({ role: 'client', certificate, remoteFingerprints: [{ algorithm: fp[1], value: fp[2] }] }, { address: '127.0.0.1', port: Number(ready[1]) });
    driver.start();
    const ev = await driver.waitFor((e) => e.type === 'connected' || e.type === 'failed', 10_000, 'failure');
    t.equal(ev.type, 'failed');
    t.equal((ev as { alert?: number }).alert, 40, 'client: handshake_failure');
  } finally {
    driver.close();
    await server.stop();
  }
  const ours = new UdpDtlsDriver();
  const port = await ours.bind();
  ours.open({ role: 'server', certificate });
  const client = spawnScript('dtls-client.sh', [`127.0.0.1:${port}`, 'x'], { DTLS_WAIT: '0.3', DTLS_NO_EMS: '1' });
  try {
    const fp = await client.waitLine(/^FINGERPRINT (\S+) (\S+)/, 10_000);
    ours.endpoint.setRemoteFingerprints([{ algorithm: fp[1], value: fp[2] }], ours.now());
    const ev = await ours.waitFor((e) => e.type === 'connected' || e.type === 'failed', 10_000, 'failure');
    t.equal(ev.type, 'failed');
    t.equal((ev as { alert?: number }).alert, 40, 'server: handshake_failure');
    t.not(await client.exited, 0, 's_client reports the failure');
  } finally {
    ours.close();
    await client.stop();
  }
});

t.test('ECDHE_RSA: tsrtc client ↔ s_server with an RSA certificate', { skip: haveOpenssl ? false : 'openssl not installed' }, async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'tsrtc-dtls-rsa-'));
  const key = join(dir, 'k.pem'), crt = join(dir, 'c.pem');
  spawnSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-sha256', '-days', '2', '-subj', '/CN=rsa', '-keyout', key, '-out', crt]);
  const rsa = DtlsCertificate.fromPem(readFileSync(key, 'utf8'), readFileSync(crt, 'utf8'));
  const server = spawnScript('dtls-server.sh', ['0', '-cert', crt, '-key', key], { DTLS_CIPHER: 'ECDHE-RSA-AES128-GCM-SHA256' });
  const driver = new UdpDtlsDriver();
  try {
    const ready = await server.waitLine(/^READY (\d+)/, 10_000);
    await driver.bind();
    driver.open({ role: 'client', certificate, remoteFingerprints: rsa.getFingerprints() }, { address: '127.0.0.1', port: Number(ready[1]) });
    driver.start();
    const ev = await driver.waitFor((e) => e.type === 'connected' || e.type === 'failed', 10_000, 'connected');
    t.equal(ev.type === 'connected' ? ev.cipherSuite : JSON.stringify(ev), 'TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256');
    const message = 'hello rsa\n';
    driver.send(enc.encode(message));
    let echoed = '';
    await driver.waitFor((e) => e.type === 'data' && (echoed += dec.decode(e.data)).includes(message), 10_000, 'echo');
    t.pass('application data echoed back');
  } finally {
    driver.close();
    await server.stop();
    rmSync(dir, { recursive: true, force: true });
  }
});

t.test('ECDHE_RSA: tsrtc server with an RSA certificate ↔ s_client', { skip: haveOpenssl ? false : 'openssl not installed' }, async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'tsrtc-dtls-rsa-'));
  const key = join(dir, 'k.pem'), crt = join(dir, 'c.pem');
  spawnSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-sha256', '-days', '2', '-subj', '/CN=rsa', '-keyout', key, '-out', crt]);
  const rsa = DtlsCertificate.fromPem(readFileSync(key, 'utf8'), readFileSync(crt, 'utf8'));
  const driver = new UdpDtlsDriver();
  const port = await driver.bind();
  driver.open({ role: 'server', certificate: rsa });
  const message = 'hello from openssl, rsa';
  const client = spawnScript('dtls-client.sh', [`127.0.0.1:${port}`, message], { DTLS_WAIT: '0.5', DTLS_CIPHER: 'ECDHE-RSA-AES128-GCM-SHA256' });
  try {
    const fp = await client.waitLine(/^FINGERPRINT (\S+) (\S+)/, 10_000);
    driver.endpoint.setRemoteFingerprints([{ algorithm: fp[1], value: fp[2] }], driver.now());
    driver.flush();
    const ev = await driver.waitFor((e) => e.type === 'connected' || e.type === 'failed', 10_000, 'connected');
    t.equal(ev.type === 'connected' ? ev.cipherSuite : JSON.stringify(ev), 'TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256');
    let got = '';
    await driver.waitFor((e) => e.type === 'data' && (got += dec.decode(e.data)).includes(message), 10_000, 'data');
    t.pass('data from s_client');
    t.equal(await client.exited, 0, 's_client exit status');
    t.ok(client.lines.some((l) => l.includes('Cipher is ECDHE-RSA-AES128-GCM-SHA256')), 's_client: ECDHE-RSA');
  } finally {
    driver.close();
    await client.stop();
    rmSync(dir, { recursive: true, force: true });
  }
});

void CipherSuiteId;
