import { closeSync, openSync, readFileSync, readSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
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
async function launchMeasured(dir: string, behaviour: string) {
  const spec = fakeSpec(dir, behaviour, { wall: 110_000, noOutput: 60_000, grace: 1000 });
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

  it('writes every byte to the log and to the run folder copy', () => {
    const tail = lastLine(run.spec.logFile);
    expect(JSON.parse(tail)).toHaveProperty('mean_reward');
    expect(statSync(run.spec.logFile).size).toBe(bytes + Buffer.byteLength(`${tail}\n`));
    expect(statSync(run.spec.copyFiles[0]!).size).toBe(statSync(run.spec.logFile).size);
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

  it('writes the whole line to both log files', () => {
    const tail = lastLine(run.spec.logFile);
    expect(statSync(run.spec.logFile).size).toBe(bytes + Buffer.byteLength(`${tail}\n`));
    expect(statSync(run.spec.copyFiles[0]!).size).toBe(statSync(run.spec.logFile).size);
  });

  it('keeps only a bounded piece of the line, and reads the metric line after it', () => {
    expect(run.report.result).toMatchObject({ exitCode: 0, stoppedFor: null, recorded: true });
    expect(run.report.result.lastMetrics?.mean_reward).toBeGreaterThan(0);
    expect(survivors(dir)).toEqual([]);
  });
});
