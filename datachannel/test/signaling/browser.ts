// Headless Chromium for the page tests (playwright-core driving the Debian `chromium`).
import { existsSync } from 'node:fs';
import type { Browser } from 'playwright-core';

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/** Why the browser tests cannot run here, or undefined when they can. */
export function browserMissing(): string | undefined {
  return existsSync(CHROMIUM) ? undefined : `${CHROMIUM} not found: install Debian package "chromium" (or set CHROMIUM_PATH) to run the browser tests`;
}

export async function launchChromium(): Promise<Browser> {
  const { chromium } = await import('playwright-core');
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: [
      '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync',
    ],
  });
}

export const FIREFOX = process.env.FIREFOX_PATH ?? '/usr/bin/firefox-esr';

export function firefoxMissing(): string | undefined {
  return existsSync(FIREFOX) ? undefined : `${FIREFOX} not found: install Debian package "firefox-esr" (or set FIREFOX_PATH) to run the Firefox tests`;
}

/**
 * Headless Firefox ESR through puppeteer-core (WebDriver BiDi). Without both prefs Firefox
 * gathers no loopback candidate and cannot reach a server on 127.0.0.1 (INTEROP.md).
 */
export async function launchFirefox() {
  const { default: puppeteer } = await import('puppeteer-core');
  return puppeteer.launch({
    browser: 'firefox',
    executablePath: FIREFOX,
    headless: true,
    timeout: 90_000, // a first start (new profile) on a loaded machine is slow
    extraPrefsFirefox: { 'media.peerconnection.ice.loopback': true, 'permissions.default.microphone': 1 },
  });
}
