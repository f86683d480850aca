#!/usr/bin/env node
/**
 * Regenerates the README's pictures of the inspector (docs/img/inspector-*.png): a fresh workspace
 * with the shipped CartPole trainer, a seeded 8-run loop in it, `autopilot inspect` over it, and each
 * view in Debian's Chromium (playwright-core, which downloads nothing). Needs a build (`npm run
 * screenshots:inspector` builds first) and /usr/bin/chromium.
 *
 *   node bin/inspector-screenshots.mjs [--out DIR] [--runs N] [--keep]
 */
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const CLI = join(ROOT, 'bin', 'autopilot.js');
const CHROMIUM = '/usr/bin/chromium';
const USAGE = 'usage: node bin/inspector-screenshots.mjs [--out DIR] [--runs N] [--keep]';

function parseArgs(argv) {
  const args = { out: join(ROOT, 'docs', 'img'), runs: 8, keep: false };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--out' && argv[i + 1]) args.out = resolve(argv[++i]);
    else if (a === '--runs' && /^[1-9]\d*$/.test(argv[i + 1] ?? '')) args.runs = Number(argv[++i]);
    else if (a === '--keep') args.keep = true;
    else if (a === '--help' || a === '-h') {
      process.stdout.write(`${USAGE}\n`);
      process.exit(0);
    } else {
      process.stderr.write(`${a}: not an option (or missing its value)\n${USAGE}\n`);
      process.exit(2);
    }
  }
  return args;
}

const cli = (...args) => execFileSync(process.execPath, [CLI, ...args], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });

/** Starts `autopilot inspect` and resolves with its URL and the child. */
function inspect(workspace) {
  const child = spawn(process.execPath, [CLI, 'inspect', '--workspace', workspace, '--port', '0'], { stdio: ['ignore', 'pipe', 'inherit'] });
  return new Promise((resolveUrl, reject) => {
    let out = '';
    child.stdout.on('data', (d) => {
      out += d;
      const m = /^inspector: (http:\/\/\S+)$/m.exec(out);
      if (m) resolveUrl({ url: m[1], child });
    });
    child.once('exit', (code) => reject(new Error(`autopilot inspect exited ${code} before printing its URL`)));
  });
}

/** Each picture: its name, the hash it shows, and what must be on the page before it is taken. */
function views(status) {
  const runs = status.runs.map((r) => r.run_id);
  const best = status.incumbent?.run_id ?? runs.at(-1);
  const middle = Math.round(status.events * 0.6);
  return [
    { name: 'runs', hash: '#/runs', ready: '[data-run-id]' },
    { name: 'run', hash: `#/runs/${best}`, ready: '[data-testid=audit]' },
    { name: 'progress', hash: '#/progress', ready: '[data-testid=progress-chart] canvas' },
    { name: 'statechart', hash: '#/statechart', ready: '[data-testid=statechart] .current' },
    { name: 'time-travel', hash: `#/at/${middle}`, ready: `[data-testid=time-travel][data-seq="${middle}"]` },
    { name: 'params', hash: '#/params', ready: '[data-testid=parallel]' },
    { name: 'curves', hash: `#/curves/${[best, runs.at(-1)].filter((v, i, a) => a.indexOf(v) === i).join(',')}`, ready: '[data-testid=curves-chart] canvas' },
    { name: 'tail', hash: '#/tail', ready: '[data-testid=tail] li' },
  ];
}

async function main() {
  const args = parseArgs(process.argv.slice(2));
  if (!existsSync(join(ROOT, 'dist', 'inspector', 'web', 'index.html'))) throw new Error('no build: run npm run build first (npm run screenshots:inspector does)');
  if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: apt-get install -y chromium`);
  const dir = mkdtempSync(join(tmpdir(), 'autopilot-screenshots-'));
  const workspace = join(dir, 'cartpole');
  let server;
  let browser;
  try {
    process.stderr.write(`a ${args.runs}-run loop of the shipped CartPole trainer in ${workspace} (about 5 s a run)...\n`);
    cli('init', '--builtin', workspace);
    cli('loop', '--workspace', workspace, '--runs', String(args.runs), '--seed', '7');
    const status = JSON.parse(cli('status', '--workspace', workspace, '--json'));
    server = await inspect(workspace);
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'], headless: true });
    const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    mkdirSync(args.out, { recursive: true });
    await page.goto(server.url);
    for (const v of views(status)) {
      await page.evaluate((hash) => (globalThis.location.hash = hash), v.hash);
      await page.waitForSelector(v.ready, { timeout: 20_000 });
      // Charts draw on the next frames; the pictures are of the settled page.
      await page.waitForTimeout(400);
      const file = join(args.out, `inspector-${v.name}.png`);
      await page.screenshot({ path: file });
      process.stderr.write(`${file}\n`);
    }
  } finally {
    await browser?.close();
    server?.child.kill('SIGTERM');
    if (args.keep) process.stderr.write(`kept ${dir}\n`);
    else rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((error) => {
  process.stderr.write(`inspector-screenshots: ${error.message}\n`);
  process.exitCode = 1;
});
