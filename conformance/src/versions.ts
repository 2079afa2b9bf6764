/** Versions of everything in the run, for the report. */
import { packageVersion } from './package-version.js';
import { browserVersion, CHROMIUM_PATH, FIREFOX_PATH } from './peers/browser.js';

const pkgVersion = packageVersion;

export function collectVersions(): Record<string, string> {
  return {
    node: process.version,
    chromium: browserVersion(CHROMIUM_PATH),
    firefox: browserVersion(FIREFOX_PATH),
    'playwright-core': pkgVersion('playwright-core'),
    'puppeteer-core': pkgVersion('puppeteer-core'),
    '@roamhq/wrtc': pkgVersion('@roamhq/wrtc'),
    werift: pkgVersion('werift'),
    'node-datachannel': pkgVersion('node-datachannel'),
  };
}
