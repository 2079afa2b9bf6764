// examples/broadcast-offerer.ts for real: the server offers, two headless Chromium viewers
// answer (one RtcEndpoint, one UDP port), both receive frames on "video", and a command from
// one reaches both.
import t from 'tap';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { browserMissing, firefoxMissing, launchChromium, launchFirefox } from './browser.js';
import { startExample } from './example-process.js';

// Functions given to page.waitForFunction / page.evaluate run in the page, where this exists.
declare const document: { getElementById(id: string): { textContent: string | null }; querySelectorAll(selector: string): { length: number } };

t.test('broadcast: the server offers, two Chromium viewers watch and command', { skip: browserMissing() }, async (t) => {
  const example = await startExample('broadcast-offerer.ts');
  t.teardown(() => example.stop());
  const browser = await launchChromium();
  t.teardown(() => browser.close());
  const viewers = [];
  for (let i = 0; i < 2; i++) {
    const page = await (await browser.newContext()).newPage();
    await page.goto(example.url);
    await page.click('#connect');
    viewers.push(page);
  }
  for (const page of viewers) {
    await page.waitForFunction(() => Number(document.getElementById('frames').textContent!) >= 10, null, { timeout: 30_000 });
    t.equal(await page.textContent('#state'), 'connected');
    await page.waitForFunction(() => document.getElementById('viewers').textContent === '2', null, { timeout: 10_000 });
  }
  // the canvas shows the frame, not a blank: sample a pixel
  const pixel = (await viewers[0]!.evaluate("[...document.getElementById('video').getContext('2d').getImageData(0, 0, 1, 1).data]")) as number[];
  t.equal(pixel[3], 255, 'the canvas is painted');
  t.ok(pixel[2]! >= 60, `the background pattern is there (blue ${pixel[2]})`);

  await viewers[1]!.click('button[data-cmd="color"][data-value="120"]');
  for (const page of viewers) {
    await page.waitForFunction(() => /: color 120/.test(document.getElementById('log').textContent!), null, { timeout: 10_000 });
    t.match(await page.textContent('#log'), /[0-9a-f]{8}: color 120/, 'every viewer hears of the command');
  }
  const shot = join(tmpdir(), 'tsrtc-broadcast.png');
  await viewers[0]!.screenshot({ path: shot });
  t.comment(`screenshot: ${shot}`);
  const stats = (await (await fetch(`${example.url}stats`)).json()) as { frame: number; viewers: { state: string }[] };
  t.same(stats.viewers.map((v) => v.state), ['connected', 'connected']);
  t.ok(stats.frame >= 10, `${stats.frame} frames relayed`);
});

t.test('broadcast: a Firefox ESR viewer', { skip: firefoxMissing() }, async (t) => {
  const example = await startExample('broadcast-offerer.ts');
  t.teardown(() => example.stop());
  const browser = await launchFirefox();
  t.teardown(() => browser.close());
  const page = await browser.newPage();
  await page.goto(example.url);
  await page.click('#connect');
  await page.waitForFunction(() => Number(document.getElementById('frames').textContent!) >= 10, { timeout: 30_000 });
  t.equal(await page.$eval('#state', (e) => e.textContent), 'connected');
  await page.click('button[data-cmd="speed"][data-value="3"]');
  await page.waitForFunction(() => /: speed 3/.test(document.getElementById('log').textContent!), { timeout: 10_000 });
  t.match(await page.$eval('#log', (e) => e.textContent), /[0-9a-f]{8}: speed 3/, 'the command went out and came back to every viewer');
});
