/**
 * Global setup of the browser tier: one headless Chromium for all of its files, which connect to it
 * (`inject('chromiumEndpoint')`) and make their own contexts, instead of a launch (~1.3 s of CPU) a file.
 */
import type { TestProject } from 'vitest/node';
import { launchChromiumServer } from './chromium.js';

declare module 'vitest' {
  export interface ProvidedContext {
    /** The browser tier's Chromium server; unset in the other tiers, whose files launch their own. */
    chromiumEndpoint?: string;
  }
}

/** Launches the server, provides its endpoint, and closes it when the tier ends. */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const server = await launchChromiumServer();
  project.provide('chromiumEndpoint', server.wsEndpoint());
  return () => server.close();
}
