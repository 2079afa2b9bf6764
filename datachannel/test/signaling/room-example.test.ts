// examples/room.ts for real: three headless Chromium pages join one room through the
// WebSocket room server, connect peer to peer, and chat over data channels.
import t from 'tap';
import { browserMissing, launchChromium } from './browser.js';
import { startExample } from './example-process.js';

// Functions given to page.waitForFunction / page.evaluate run in the page, where this exists.
declare const document: { getElementById(id: string): { textContent: string | null }; querySelectorAll(selector: string): { length: number } };

t.test('browser-to-browser room via the WebSocket signaling server', { skip: browserMissing() }, async (t) => {
  const example = await startExample('room.ts');
  t.teardown(() => example.stop());
  const browser = await launchChromium();
  t.teardown(() => browser.close());
  const url = example.url.replace('#lobby', '#test-room');

  const pages = [];
  for (let i = 0; i < 3; i++) {
    const page = await (await browser.newContext()).newPage();
    await page.goto(url);
    await page.waitForFunction(() => document.getElementById('me').textContent !== '…');
    pages.push(page);
  }
  const ids = await Promise.all(pages.map((p) => p.textContent('#me')));
  t.equal(new Set(ids).size, 3, `three distinct peer ids: ${ids.join(', ')}`);
  // a full mesh: every page has a data channel open to both others
  for (const page of pages) {
    await page.waitForFunction(() => document.querySelectorAll('#peers li.open').length === 2, null, { timeout: 30_000 });
  }
  await pages[0]!.fill('#text', 'hi all');
  await pages[0]!.press('#text', 'Enter');
  for (const page of pages.slice(1)) {
    await page.waitForFunction((from) => document.getElementById('log').textContent!.includes(`${from}: hi all`), ids[0], { timeout: 10_000 });
    t.match(await page.textContent('#log'), `${ids[0]}: hi all`, 'delivered peer to peer');
  }
  t.match(await pages[0]!.textContent('#log'), /me → 2 peer\(s\): hi all/);

  await pages[2]!.context().close();
  await pages[0]!.waitForFunction((gone) => document.getElementById('log').textContent!.includes(`${gone} left`), ids[2], { timeout: 10_000 });
  t.equal(await pages[0]!.locator('#peers li').count(), 1, 'the peer that left is gone from the list');
});

t.test('a tsrtc peer (--bot) in a browser room: Chromium connects to it and gets echoes', { skip: browserMissing() }, async (t) => {
  const example = await startExample('room.ts', ['--bot', 'bots']);
  t.teardown(() => example.stop());
  t.match(example.url, /#bots$/);
  const browser = await launchChromium();
  t.teardown(() => browser.close());
  const page = await browser.newPage();
  await page.goto(example.url);
  await page.waitForFunction(() => document.querySelectorAll('#peers li.open').length === 1, null, { timeout: 30_000 });
  t.match(await page.textContent('#peers'), /^tsrtc-bot · open$/, 'the browser offered to the bot already in the room');
  await page.fill('#text', 'hi bot');
  await page.press('#text', 'Enter');
  await page.waitForFunction(() => document.getElementById('log').textContent!.includes('tsrtc-bot: echo: hi bot'), null, { timeout: 10_000 });
  t.match(await page.textContent('#log'), 'tsrtc-bot: echo: hi bot');
});
