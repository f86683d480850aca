import { describe, expect, it } from 'vitest';
import { etaSeconds, fitColumns, formatCount, formatEta, formatRate, pickMetric, progressText } from '../../domain/trainer-io/progress-format.js';
import { CLEAR_LINE, createProgressReporter, type ProgressMode, type ProgressReporterOptions } from '../../orchestrator/progress.js';

/** A fake clock the test moves by hand. */
function fakeClock(start = 1_000_000) {
  let t = start;
  return { now: () => t, advance: (ms: number) => void (t += ms) };
}

/** What a terminal shows after the writes: finished lines, and the line the cursor is on. */
function screen(out: string): { lines: string[]; current: string } {
  const lines: string[] = [];
  let current = '';
  let col = 0;
  for (let i = 0; i < out.length; i++) {
    if (out.startsWith(CLEAR_LINE, i)) {
      current = '';
      col = 0;
      i += CLEAR_LINE.length - 1;
    } else if (out[i] === '\r') col = 0;
    else if (out[i] === '\n') {
      lines.push(current);
      current = '';
      col = 0;
    } else {
      current = current.slice(0, col) + out[i] + current.slice(col + 1);
      col += 1;
    }
  }
  return { lines, current };
}

function reporter(mode: ProgressMode, extra: Partial<ProgressReporterOptions> = {}) {
  const clock = fakeClock();
  const writes: string[] = [];
  const r = createProgressReporter({ mode, write: (s) => writes.push(s), now: clock.now, ...extra });
  return { r, clock, writes, out: () => writes.join('') };
}

const at = (steps: number, extra: Record<string, number> = {}) => ({ agent_steps: steps, total_timesteps: 40_960, sps: 21_300, ...extra });

describe('when formatting progress', () => {
  it('groups counts, compacts rates and prints ETAs as m:ss or h:mm:ss', () => {
    expect(formatCount(12_288)).toBe('12,288');
    expect(formatCount(999)).toBe('999');
    expect(formatCount(1_234_567.6)).toBe('1,234,568');
    expect(formatRate(950.4)).toBe('950');
    expect(formatRate(21_300)).toBe('21.3k');
    expect(formatRate(123_456)).toBe('123k');
    expect(formatRate(999_700)).toBe('1M');
    expect(formatRate(2_500_000)).toBe('2.5M');
    expect(formatRate(3.4e9)).toBe('3.4B');
    expect(formatEta(4.2)).toBe('0:04');
    expect(formatEta(125)).toBe('2:05');
    expect(formatEta(3725)).toBe('1:02:05');
    expect(formatEta(-3)).toBe('0:00');
  });

  it('builds the run line from steps, total, SPS, ETA and the latest metric', () => {
    expect(progressText('003', at(12_288, { mean_reward: 87.5, epoch: 3 }), { etaS: 4 })).toBe('run 003 ▸ 12,288/40,960 steps (30%) · 21.3k SPS · ETA 0:04 · mean_reward 87.5');
  });

  it('leaves out what it does not know', () => {
    expect(progressText('007', { agent_steps: 500 }, { etaS: null })).toBe('run 007 ▸ 500 steps');
    expect(progressText('007', {}, { etaS: null })).toBe('run 007 ▸ running');
    expect(progressText('007', { SPS: 1500, score: 0.12345 }, { etaS: null })).toBe('run 007 ▸ 1.5k SPS · score 0.1235');
  });

  it('prefers the configured metric, then mean_reward and score, then anything that is not bookkeeping', () => {
    const m = { agent_steps: 1, epoch: 2, sps: 3, loss: 0.5, score: 7, mean_reward: 9, success_rate: 0.5 };
    expect(pickMetric(m, 'success_rate')).toEqual(['success_rate', 0.5]);
    expect(pickMetric(m)).toEqual(['mean_reward', 9]);
    expect(pickMetric({ agent_steps: 1, 'environment/score': 4 })).toEqual(['environment/score', 4]);
    expect(pickMetric({ agent_steps: 1, epoch: 2, loss: 0.5 })).toEqual(['loss', 0.5]);
    expect(pickMetric({ agent_steps: 1, epoch: 2 })).toBeNull();
  });

  it('computes the ETA only from a positive rate and known total', () => {
    expect(etaSeconds(10_000, 40_000, 1000)).toBe(30);
    expect(etaSeconds(50_000, 40_000, 1000)).toBe(0);
    expect(etaSeconds(10_000, undefined, 1000)).toBeNull();
    expect(etaSeconds(10_000, 40_000, 0)).toBeNull();
  });

  it('cuts a line to the terminal width', () => {
    expect(fitColumns('abcdef', 4)).toBe('abc…');
    expect(fitColumns('abc', 4)).toBe('abc');
  });
});

describe('when the console is a TTY', () => {
  it('draws one live line at the first update, rewriting it in place', () => {
    const { r, clock, writes, out } = reporter('tty');
    r.update('003', at(4_096, { mean_reward: 12.5 }));
    clock.advance(1_000);
    r.update('003', at(12_288, { mean_reward: 87.5 }));
    expect(writes.every((w) => w.startsWith(CLEAR_LINE) && !w.includes('\n'))).toBe(true);
    // 8,192 steps in 1 s: 28,672 left take 3.5 s, shown as 0:04.
    expect(screen(out())).toEqual({ lines: [], current: 'run 003 ▸ 12,288/40,960 steps (30%) · 21.3k SPS · ETA 0:04 · mean_reward 87.5' });
  });

  it('redraws at most every 200 ms', () => {
    const { r, clock, writes } = reporter('tty');
    r.update('003', at(1_000));
    clock.advance(50);
    r.update('003', at(2_000));
    clock.advance(100);
    r.update('003', at(3_000));
    expect(writes).toHaveLength(1);
    clock.advance(50);
    r.update('003', at(4_000));
    expect(writes).toHaveLength(2);
    expect(screen(writes.join('')).current).toContain('4,000/40,960');
  });

  it('uses the trainer SPS for the ETA until it has seen the steps move', () => {
    const { r, out } = reporter('tty');
    r.update('003', { agent_steps: 0, total_timesteps: 42_600, sps: 21_300 });
    expect(screen(out()).current).toContain('ETA 0:02');
  });

  it('prints other lines above the live line and redraws it with the latest state', () => {
    const { r, clock, out } = reporter('tty');
    r.update('003', at(4_096));
    clock.advance(10);
    r.update('003', at(8_192)); // throttled, but line() shows it
    r.line('run 002: improved (+3.1 vs 001)');
    const s = screen(out());
    expect(s.lines).toEqual(['run 002: improved (+3.1 vs 001)']);
    expect(s.current).toContain('8,192/40,960');
  });

  it('prints lines as they are when no run is in flight', () => {
    const { r, out } = reporter('tty');
    r.line('loop 0001: 5 quick run(s)');
    r.line('run 001: planned (baseline)');
    expect(out()).toBe('loop 0001: 5 quick run(s)\nrun 001: planned (baseline)\n');
  });

  it('shows every run in flight on the live line and drops a finished one', () => {
    const { r, clock, out } = reporter('tty');
    r.update('003', at(4_096));
    clock.advance(300);
    r.update('004', at(1_024));
    expect(screen(out()).current).toMatch(/^run 003 ▸ .*run 004 ▸ /);
    r.finish('003');
    expect(screen(out()).current).toMatch(/^run 004 ▸ /);
    r.finish('004');
    expect(screen(out())).toEqual({ lines: [], current: '' });
  });

  it('cuts the live line to the terminal width', () => {
    const { r, out } = reporter('tty', { columns: 30 });
    r.update('003', at(12_288, { mean_reward: 87.5 }));
    const { current } = screen(out());
    expect([...current]).toHaveLength(29);
    expect(current.endsWith('…')).toBe(true);
  });

  it('clears the live line when done, and starts afresh afterwards', () => {
    const { r, clock, out } = reporter('tty');
    r.update('003', at(4_096));
    r.done();
    expect(screen(out())).toEqual({ lines: [], current: '' });
    r.line('loop completed: 3 run(s)');
    expect(screen(out()).lines).toEqual(['loop completed: 3 run(s)']);
    clock.advance(1_000);
    r.update('004', at(100));
    expect(screen(out()).current).toMatch(/^run 004 ▸ 100\/40,960 steps \(0%\)/);
  });

  it('measures the rate afresh when a retried attempt starts over', () => {
    const { r, clock, out } = reporter('tty');
    r.update('003', at(0, { sps: 0 }));
    clock.advance(1_000);
    r.update('003', at(20_480, { sps: 0 }));
    clock.advance(1_000);
    r.update('003', at(1_000, { sps: 0 }));
    expect(screen(out()).current).not.toContain('ETA');
    clock.advance(1_000);
    r.update('003', at(5_000, { sps: 0 }));
    // 4,000 steps/s from the new start: 35,960 left take 9 s.
    expect(screen(out()).current).toContain('ETA 0:09');
  });
});

describe('when the console is not a TTY', () => {
  it('prints a plain line per run at the first update, then every 10 s', () => {
    const { r, clock, out } = reporter('plain');
    r.update('003', at(4_096, { mean_reward: 1 }));
    clock.advance(5_000);
    r.update('003', at(8_192, { mean_reward: 2 }));
    r.update('004', at(1_000));
    clock.advance(5_000);
    r.update('003', at(12_288, { mean_reward: 3 }));
    const lines = out().split('\n').filter(Boolean);
    expect(lines).toHaveLength(3);
    expect(lines[0]).toBe('run 003 ▸ 4,096/40,960 steps (10%) · 21.3k SPS · ETA 0:02 · mean_reward 1');
    expect(lines[1]).toMatch(/^run 004 ▸ 1,000\/40,960/);
    // 8,192 steps in 10 s: 28,672 left take 35 s.
    expect(lines[2]).toBe('run 003 ▸ 12,288/40,960 steps (30%) · 21.3k SPS · ETA 0:35 · mean_reward 3');
    expect(out()).not.toContain('\r');
    expect(out()).not.toContain('\x1b');
  });

  it('honours everyMs and passes other lines straight through', () => {
    const { r, clock, out } = reporter('plain', { everyMs: 1_000 });
    r.update('003', at(1));
    clock.advance(999);
    r.update('003', at(2));
    r.line('run 002: inconclusive');
    clock.advance(1);
    r.update('003', at(3));
    r.done();
    expect(
      out()
        .split('\n')
        .filter(Boolean)
        .map((l) => l.slice(0, 12)),
    ).toEqual(['run 003 ▸ 1/', 'run 002: inc', 'run 003 ▸ 3/']);
  });
});

describe('when the output is JSON', () => {
  it('prints progress objects with the metrics and eta_s, every 10 s per run', () => {
    const { r, clock, out } = reporter('json');
    r.update('003', at(0, { mean_reward: 1 }));
    clock.advance(10_000);
    r.update('003', at(20_480, { mean_reward: 2 }));
    r.update('004', { epoch: 1 });
    clock.advance(1);
    r.update('003', at(30_000));
    const objects = out()
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(objects).toEqual([
      { type: 'progress', runId: '003', agent_steps: 0, total_timesteps: 40_960, sps: 21_300, mean_reward: 1, eta_s: 2 },
      // 20,480 steps in 10 s: 2,048 steps/s, 20,480 left.
      { type: 'progress', runId: '003', agent_steps: 20_480, total_timesteps: 40_960, sps: 21_300, mean_reward: 2, eta_s: 10 },
      { type: 'progress', runId: '004', epoch: 1, eta_s: null },
    ]);
  });

  it('never lets a metric overwrite type, runId or eta_s', () => {
    const { r, out } = reporter('json');
    r.update('003', { type: 1, runId: 2, eta_s: 3, score: 4 });
    expect(JSON.parse(out())).toEqual({ type: 'progress', runId: '003', score: 4, eta_s: null });
  });

  it('prints other lines as they are', () => {
    const { r, out } = reporter('json');
    r.line('{"seq":1,"type":"LoopStarted"}');
    expect(out()).toBe('{"seq":1,"type":"LoopStarted"}\n');
  });

  it('escapes control characters in lines and metric names, keeping only its own line control', () => {
    const raw = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u202a-\u202e]/g;
    for (const mode of ['tty', 'plain', 'json'] as const) {
      const { r, out, clock } = reporter(mode);
      r.update('003', { 'x\x1b]0;pwned\x07': 1 });
      clock.advance(60_000);
      r.line('run 003: said \x1b[2J\r\u009b\u202e\nforged');
      r.done();
      const text = out();
      // What is left once the reporter's own clear-line sequences are taken out: printable text and newlines.
      expect(text.split(CLEAR_LINE).join('').match(raw), mode).toBeNull();
      if (mode === 'json') expect(JSON.parse(text.split('\n')[0]!)).toMatchObject({ 'x\x1b]0;pwned\x07': 1 });
      else expect(text).toContain('x\\x1b]0;pwned\\x07 1');
      expect(text).toContain('run 003: said \\x1b[2J\\r\\x9b\\u202e\\nforged\n');
    }
  });
});
