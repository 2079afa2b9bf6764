// The `npm start` demo, for real: headless Chromium opens the page, connects, sends text and
// a file, and sees the echo, the file verified and live round-trip times.
import t, { type Test } from 'tap';
import { randomBytes } from 'node:crypto';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { startDemoServer } from '../../src/demo/demo-server.js';
import { createEchoEngine, type EngineName } from '../../src/demo/echo-engine.js';
import { browserMissing, firefoxMissing, launchChromium, launchFirefox, missingPackage } from './browser.js';

// Functions given to page.waitForFunction / page.evaluate run in the page, where this exists.
declare const document: { getElementById(id: string): { textContent: string | null }; querySelectorAll(selector: string): { length: number } };

const missing = browserMissing();

async function exercise(t: Test, engineName: EngineName) {
  const engine = await createEchoEngine(engineName);
  const demo = await startDemoServer(engine, 0, '127.0.0.1');
  t.teardown(() => demo.close());
  const browser = await launchChromium();
  t.teardown(() => browser.close());
  const page = await browser.newPage({ viewport: { width: 1200, height: 1000 } });
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));

  await page.goto(demo.url);
  await page.waitForFunction(() => document.getElementById('engine').textContent !== '…');
  t.equal(await page.textContent('#engine'), engine.name, 'the page names the server engine');
  await page.click('#connect');
  await page.waitForFunction(() => document.getElementById('channel-state').textContent === '3/3 open', null, { timeout: 30_000 });
  t.equal(await page.textContent('#pc-state'), 'connected');

  await page.fill('#text', 'hello from chromium ✓');
  await page.click('#send-text');
  const echo = await page.waitForSelector('#log li.echo', { timeout: 10_000 });
  t.match(await echo.textContent(), /^echo: hello from chromium ✓\d+\.\d ms$/, 'text echoed, with its round-trip time');

  const file = randomBytes(300_000 + 123); // not a multiple of the chunk size
  await page.setInputFiles('#file', { name: 'random.bin', mimeType: 'application/octet-stream', buffer: file });
  await page.click('#send-file');
  await page.waitForFunction(() => /verified|MISMATCH|failed/.test(document.getElementById('file-status').textContent!), null, { timeout: 30_000 });
  t.match(await page.textContent('#file-status'), /^verified: random\.bin, 300123 bytes echoed, SHA-256 [0-9a-f]{16}… matches/);

  await page.waitForFunction(() => Number(document.getElementById('rtt-count').textContent!) >= 5, null, { timeout: 10_000 });
  const rtt = Number(await page.textContent('#rtt-last'));
  t.ok(rtt > 0 && Number.isFinite(rtt), `a live RTT number (${rtt} ms)`);
  await page.waitForFunction(() => document.querySelectorAll('#stats tr').length > 3, null, { timeout: 5_000 });
  t.match(await page.textContent('#stats'), /selected pair/);

  const stats = (await (await fetch(`${demo.url}stats`)).json()) as { peers: number; channels: number; messages: number; bytes: number };
  t.equal(stats.peers, 1);
  t.equal(stats.channels, 3);
  t.ok(stats.bytes >= file.length, `the server echoed ${stats.bytes} bytes`);

  const shot = join(tmpdir(), `tsrtc-demo-${engineName}.png`);
  await page.screenshot({ path: shot, fullPage: true });
  t.comment(`screenshot: ${shot}`);

  await page.click('#disconnect');
  t.equal(await page.textContent('#pc-state'), 'closed');
  t.same(errors, [], 'no script errors on the page');
}

t.test('demo page against node-datachannel (the comparison engine)', { skip: missing ?? missingPackage('node-datachannel') }, (t) => exercise(t, 'node-datachannel'));
t.test('demo page against tsrtc (the default engine)', { skip: missing }, (t) => exercise(t, 'tsrtc'));

t.test('demo page in Firefox ESR against tsrtc', { skip: firefoxMissing() }, async (t) => {
  const engine = await createEchoEngine('tsrtc');
  const demo = await startDemoServer(engine, 0, '127.0.0.1');
  t.teardown(() => demo.close());
  const browser = await launchFirefox();
  t.teardown(() => browser.close());
  const page = await browser.newPage();
  await page.goto(demo.url);
  await page.click('#connect');
  await page.waitForFunction(() => document.getElementById('channel-state').textContent === '3/3 open', { timeout: 30_000 });
  await page.type('#text', 'hello from firefox');
  await page.click('#send-text');
  await page.waitForSelector('#log li.echo', { timeout: 10_000 });
  t.match(await page.$eval('#log li.echo', (e) => e.textContent), /^echo: hello from firefox\d+\.\d ms$/);

  const path = join(await mkdtemp(join(tmpdir(), 'tsrtc-demo-')), 'random.bin');
  await writeFile(path, randomBytes(200_000));
  t.teardown(() => rm(dirname(path), { recursive: true, force: true }));
  const input = await page.$('#file');
  await (input as unknown as { uploadFile(p: string): Promise<void> }).uploadFile(path);
  await page.click('#send-file');
  await page.waitForFunction(() => /verified|MISMATCH|failed/.test(document.getElementById('file-status').textContent!), { timeout: 30_000 });
  t.match(await page.$eval('#file-status', (e) => e.textContent), /^verified: random\.bin, 200000 bytes echoed/);
  await page.waitForFunction(() => Number(document.getElementById('rtt-count').textContent!) >= 5, { timeout: 10_000 });
  t.ok(Number(await page.$eval('#rtt-last', (e) => e.textContent)) > 0, 'a live RTT number');
});
