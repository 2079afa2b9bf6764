/**
 * Headless browsers as remote echo peers: the echo driver (echo-driver.ts) bundled by esbuild,
 * loaded into a page served from 127.0.0.1, and called through `page.evaluate`. One browser
 * and one page per matrix column; every session is its own RTCPeerConnection in that page.
 */
import { createServer, type Server } from 'node:http';
import { fileURLToPath } from 'node:url';
import { execFileSync } from 'node:child_process';
import { build } from 'esbuild';
import { DriverRemote } from './in-process.js';
import type { RemotePeer } from './types.js';

export const CHROMIUM_PATH = process.env['CHROMIUM_PATH'] ?? '/usr/bin/chromium';
export const FIREFOX_PATH = process.env['FIREFOX_PATH'] ?? '/usr/bin/firefox-esr';

/** The flags the fixtures were captured with, plus loopback permission. */
export const CHROMIUM_ARGS = [
  '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync',
  // lets Chromium pair with 127.0.0.1 remote candidates; it still gathers host candidates only
  // on non-loopback interfaces (here eth0), which is fine: that traffic never leaves the machine
  '--allow-loopback-in-peer-connection',
];
export const CHROMIUM_MDNS_OFF = '--disable-features=WebRtcHideLocalIpsWithMdns';

/** INTEROP.md: without both prefs Firefox gathers no loopback candidate. */
export const FIREFOX_PREFS = { 'media.peerconnection.ice.loopback': true, 'permissions.default.microphone': 1 };

let bundle: Promise<string> | undefined;
/** The echo driver as one browser script that installs `globalThis.__echo`. */
export function driverBundle(): Promise<string> {
  bundle ??= build({
    stdin: {
      contents: `import { createEchoDriver } from './echo-driver.ts';
        globalThis.__echo = createEchoDriver(RTCPeerConnection, {}, navigator.userAgent);`,
      resolveDir: fileURLToPath(new URL('.', import.meta.url)),
      loader: 'ts',
    },
    bundle: true, format: 'iife', target: 'es2020', write: false, logLevel: 'silent',
  }).then((r) => r.outputFiles[0]!.text);
  return bundle;
}

/** A page on http://127.0.0.1:<port>/ that loads the driver. */
async function servePage(): Promise<{ url: string; server: Server }> {
  const js = await driverBundle();
  const server = createServer((req, res) => {
    if (req.url === '/driver.js') { res.writeHead(200, { 'content-type': 'text/javascript' }); res.end(js); return; }
    res.writeHead(200, { 'content-type': 'text/html' });
    res.end('<!doctype html><meta charset="utf-8"><title>tsrtc conformance</title><script src="/driver.js"></script>');
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const addr = server.address();
  if (!addr || typeof addr === 'string') throw new Error('no server address');
  return { url: `http://127.0.0.1:${addr.port}/`, server };
}

type Evaluate = (method: string, args: unknown[]) => Promise<unknown>;

function remoteOverPage(name: string, description: string, evaluate: Evaluate, stop: () => Promise<void>): RemotePeer {
  const call = (method: string, ...args: unknown[]) => evaluate(method, args);
  return new DriverRemote(name, description, call as never, stop);
}

export function browserVersion(path: string): string {
  try { return execFileSync(path, ['--version'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim(); } catch { return '?'; }
}

export async function chromiumRemote(name: string, { mdns }: { mdns: boolean }): Promise<RemotePeer> {
  const { chromium } = await import('playwright-core');
  const { url, server } = await servePage();
  const args = mdns ? CHROMIUM_ARGS : [...CHROMIUM_ARGS, CHROMIUM_MDNS_OFF];
  const browser = await chromium.launch({ executablePath: CHROMIUM_PATH, args, headless: true, timeout: 60_000 });
  try {
    const page = await browser.newPage();
    await page.goto(url);
    await page.waitForFunction(() => 'RTCPeerConnection' in globalThis && '__echo' in globalThis);
    const evaluate: Evaluate = (method, args) => page.evaluate(
      ([m, a]) => (globalThis as any).__echo[m as string](...(a as unknown[])),
      [method, args] as const,
    );
    const description = `${browserVersion(CHROMIUM_PATH)}, headless, mDNS host candidates ${mdns ? 'on (default)' : 'off'}`;
    return remoteOverPage(name, description, evaluate, async () => { await browser.close(); server.close(); });
  } catch (e) {
    await browser.close(); server.close();
    throw e;
  }
}

export async function firefoxRemote(name: string): Promise<RemotePeer> {
  const puppeteer = (await import('puppeteer-core')).default;
  const { url, server } = await servePage();
  const browser = await puppeteer.launch({
    browser: 'firefox', executablePath: FIREFOX_PATH, headless: true, extraPrefsFirefox: FIREFOX_PREFS, protocolTimeout: 120_000,
  });
  try {
    const page = await browser.newPage();
    await page.goto(url);
    await page.waitForFunction(() => 'RTCPeerConnection' in globalThis && '__echo' in globalThis);
    const evaluate: Evaluate = (method, args) => page.evaluate(
      (m: string, a: unknown[]) => (globalThis as any).__echo[m](...a),
      method, args,
    );
    const description = `${browserVersion(FIREFOX_PATH)}, headless, WebDriver BiDi, loopback ICE pref`;
    return remoteOverPage(name, description, evaluate, async () => { await browser.close(); server.close(); });
  } catch (e) {
    await browser.close(); server.close();
    throw e;
  }
}
