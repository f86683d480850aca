/**
 * Debian's Chromium for the browser tests, through playwright-core (which never downloads a browser):
 * launched in a test file, or once as a server for the whole browser tier (test/support/chromium-server.ts)
 * that the tier's files connect to.
 */
import { existsSync } from 'node:fs';
import { chromium, type Browser, type BrowserServer, type LaunchOptions } from 'playwright-core';

/** Where Debian installs Chromium (`apt-get install chromium`). */
export const CHROMIUM = '/usr/bin/chromium';

/** How the tests launch it: headless, Debian's binary; throws (the test fails, never skips) when it is not installed. */
function launchOptions(): LaunchOptions {
  if (!existsSync(CHROMIUM))
    throw new Error(
      `${CHROMIUM} is missing: the browser tests need Debian's chromium. Install it with: apt-get update && apt-get install -y --no-install-recommends chromium (bin/test-all.sh does, as root)`,
    );
  return { executablePath: CHROMIUM, args: ['--no-sandbox'], headless: true };
}

/** Launches headless Chromium for this process alone. */
export function launchChromium(): Promise<Browser> {
  return chromium.launch(launchOptions());
}

/** Launches headless Chromium as a server that test files connect to ({@link connectChromium}). */
export function launchChromiumServer(): Promise<BrowserServer> {
  return chromium.launchServer(launchOptions());
}

/** Connects to the Chromium server at `endpoint`; closing the Browser closes this file's contexts, not the server. */
export function connectChromium(endpoint: string): Promise<Browser> {
  return chromium.connect(endpoint);
}
