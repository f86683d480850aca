#!/usr/bin/env node
// Runs one launch with the compiled launcher, as the orchestrator would, and reports how it ended
// and this process's peak memory. Usage: node rss-harness.mjs '<LaunchSpec as JSON>'
import { launchLocal } from '../../../dist/adapters/launcher/local.js';

const spec = JSON.parse(process.argv[2]);
let sampledRss = process.memoryUsage().rss;
const sampler = setInterval(() => {
  sampledRss = Math.max(sampledRss, process.memoryUsage().rss);
}, 20);
const r = await launchLocal(spec).result;
clearInterval(sampler);
sampledRss = Math.max(sampledRss, process.memoryUsage().rss);
process.stdout.write(
  `${JSON.stringify({
    result: { ...r, tail: r.tail?.length ?? null, lastTailChars: r.tail?.at(-1)?.length ?? null },
    // ru_maxrss: the peak resident set over the whole process lifetime, in KiB.
    peakRssBytes: process.resourceUsage().maxRSS * 1024,
    sampledRssBytes: sampledRss,
  })}\n`,
);
