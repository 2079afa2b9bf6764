// Headless Chromium for the page tests (playwright-core driving the Debian `chromium`).
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { Browser } from 'playwright-core';

const require = createRequire(import.meta.url);
/** Why npm package `name` cannot be used here, or undefined when it can. */
export function missingPackage(name: string): string | undefined {
  try {
    require.resolve(name);
    return undefined;
  } catch {
    return `npm package ${name} is not installed (a devDependency of the workspace)`;
  }
}

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/** Why the browser tests cannot run here, or undefined when they can. */
export function browserMissing(): string | undefined {
  if (!existsSync(CHROMIUM)) return `${CHROMIUM} not found: install Debian package "chromium" (or set CHROMIUM_PATH) to run the browser tests`;
  return missingPackage('playwright-core');
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
  if (!existsSync(FIREFOX)) return `${FIREFOX} not found: install Debian package "firefox-esr" (or set FIREFOX_PATH) to run the Firefox tests`;
  return missingPackage('puppeteer-core');
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
