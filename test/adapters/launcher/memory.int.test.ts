import { closeSync, openSync, readFileSync, readSync, rmSync, statSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OVER_CAP_ALLOWANCE } from '../../../adapters/launcher/capped-log.js';
import { fakeSpec, killRecorded, survivors, tempDir } from './support.js';

const HARNESS = fileURLToPath(new URL('./rss-harness.mjs', import.meta.url));
const LIMIT = 200 * 1024 * 1024;

interface Report {
  result: { exitCode: number | null; stoppedFor: string | null; recorded: boolean; lastMetrics: Record<string, number> | null; tail: number; lastTailChars: number };
  peakRssBytes: number;
  sampledRssBytes: number;
}

/** Peak VmRSS of `pid` as /proc reports it, sampled until the process ends (VmHWM, the kernel's own peak, when readable). */
function watchRss(pid: number): { stop(): number } {
  let max = 0;
  const read = () => {
    try {
      const status = readFileSync(`/proc/${pid}/status`, 'utf8');
      for (const key of ['VmRSS', 'VmHWM']) {
        const m = new RegExp(`^${key}:\\s+(\\d+) kB`, 'm').exec(status);
        if (m) max = Math.max(max, Number(m[1]) * 1024);
      }
    } catch {
      // ended
    }
  };
  const t = setInterval(read, 50);
  return {
    stop() {
      clearInterval(t);
      return max;
    },
  };
}

/** The last line of a file, read from its end. */
function lastLine(path: string): string {
  const size = statSync(path).size;
  const fd = openSync(path, 'r');
  try {
    const n = Math.min(size, 64 * 1024);
    const buf = Buffer.alloc(n);
    readSync(fd, buf, 0, n, size - n);
    const lines = buf.toString('utf8').split('\n');
    return lines.at(-1) === '' ? lines.at(-2)! : lines.at(-1)!;
  } finally {
    closeSync(fd);
  }
}

/** Runs the launch in a separate orchestrator-like process and measures its memory. */
async function launchMeasured(dir: string, behaviour: string, maxOutputBytes = 4 * 2 ** 30) {
  const spec = fakeSpec(dir, behaviour, { wall: 110_000, noOutput: 60_000, grace: 1000 }, 'process-group', maxOutputBytes);
  const child = execa(process.execPath, [HARNESS, JSON.stringify(spec)], { reject: false });
  const rss = watchRss(child.pid!);
  const done = await child;
  const observed = rss.stop();
  expect(done.exitCode, done.stderr).toBe(0);
  const report = JSON.parse(done.stdout) as Report;
  const peak = Math.max(observed, report.peakRssBytes, report.sampledRssBytes);
  console.log(`${behaviour}: orchestrator peak RSS ${(peak / 2 ** 20).toFixed(1)} MiB (ru_maxrss ${(report.peakRssBytes / 2 ** 20).toFixed(1)}, /proc ${(observed / 2 ** 20).toFixed(1)})`);
  return { report, peak, spec };
}

describe('when a trainer prints 1 GiB of output', () => {
  const dir = tempDir();
  const bytes = 2 ** 30;
  let run: Awaited<ReturnType<typeof launchMeasured>>;
  beforeAll(async () => {
    run = await launchMeasured(dir, `bytes:${bytes}`);
  });
  afterAll(() => {
    killRecorded(dir);
    rmSync(dir, { recursive: true, force: true });
  });

  it("keeps the orchestrator's resident memory under 200 MB", () => {
    expect(run.peak).toBeLessThan(LIMIT);
  });

  it('writes every byte to the log when the cap allows', () => {
    const tail = lastLine(run.spec.logFile);
    expect(JSON.parse(tail)).toHaveProperty('mean_reward');
    expect(statSync(run.spec.logFile).size).toBe(bytes + Buffer.byteLength(`${tail}\n`));
  });

  it('still reads the metric line printed after it, and ends normally', () => {
    expect(run.report.result).toMatchObject({ exitCode: 0, stoppedFor: null, recorded: true, tail: 200 });
    expect(run.report.result.lastMetrics?.mean_reward).toBeGreaterThan(0);
    expect(survivors(dir)).toEqual([]);
  });
});

describe('when a trainer prints one line of 100 MB', () => {
  const dir = tempDir();
  const bytes = 100 * 1000 * 1000;
  let run: Awaited<ReturnType<typeof launchMeasured>>;
  beforeAll(async () => {
    run = await launchMeasured(dir, `line:${bytes}`);
  });
  afterAll(() => {
    killRecorded(dir);
    rmSync(dir, { recursive: true, force: true });
  });

  it("keeps the orchestrator's resident memory under 200 MB", () => {
    expect(run.peak).toBeLessThan(LIMIT);
  });

  it('writes the whole line to the log', () => {
    const tail = lastLine(run.spec.logFile);
    expect(statSync(run.spec.logFile).size).toBe(bytes + Buffer.byteLength(`${tail}\n`));
  });

  it('keeps only a bounded piece of the line, and reads the metric line after it', () => {
    expect(run.report.result).toMatchObject({ exitCode: 0, stoppedFor: null, recorded: true });
    expect(run.report.result.lastMetrics?.mean_reward).toBeGreaterThan(0);
    expect(survivors(dir)).toEqual([]);
  });
});

describe('when a trainer prints 1 GiB of output and the cap is 64 MiB', () => {
  const dir = tempDir();
  const cap = 64 * 2 ** 20;
  let run: Awaited<ReturnType<typeof launchMeasured>>;
  beforeAll(async () => {
    run = await launchMeasured(dir, `bytes:${2 ** 30}`, cap);
  });
  afterAll(() => {
    killRecorded(dir);
    rmSync(dir, { recursive: true, force: true });
  });

  it('stores the head and the tail within the cap, saying how much it left out', () => {
    const size = statSync(run.spec.logFile).size;
    expect(size).toBeGreaterThan(cap);
    // The cap, plus the beats' budget while output was held back and the closing note.
    expect(size).toBeLessThanOrEqual(cap + OVER_CAP_ALLOWANCE);
    const text = readFileSync(run.spec.logFile, 'latin1');
    expect(text).toMatch(/\[autopilot\] output over the limit of 67108864 bytes: \d+ bytes held back so far/);
    const left = /\[autopilot\] (\d+) bytes of output left out here \(limits\.max_output_bytes 67108864\); the last (\d+) bytes follow/.exec(text);
    expect(left).not.toBeNull();
    expect(Number(left![1]) + Number(left![2]) + cap / 2).toBeGreaterThanOrEqual(2 ** 30);
    expect(JSON.parse(lastLine(run.spec.logFile))).toHaveProperty('mean_reward');
  });

  it('still sees the metric line at the end, and ends normally', () => {
    expect(run.report.result).toMatchObject({ exitCode: 0, stoppedFor: null, recorded: true });
    expect(run.report.result.lastMetrics?.mean_reward).toBeGreaterThan(0);
  });
});
