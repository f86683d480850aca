/** The progress throttle on a fake clock: leading, trailing with the newest value, a new window after each report, nothing after stop, the waiting value on flush. */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { throttle } from '../../../adapters/launcher/throttle.js';

beforeEach(() => {
  vi.useFakeTimers({ now: 0 });
});
afterEach(() => {
  vi.useRealTimers();
});

function recorder(): { seen: [number, number][]; emit: (v: number) => void } {
  const seen: [number, number][] = [];
  return { seen, emit: (v) => seen.push([Date.now(), v]) };
}

describe('throttle', () => {
  it('passes the first value at once and the newest of the window when it ends', () => {
    const r = recorder();
    const t = throttle(100, r.emit);
    t.push(1);
    vi.advanceTimersByTime(10);
    t.push(2);
    t.push(3);
    expect(r.seen).toEqual([[0, 1]]);
    vi.advanceTimersByTime(90);
    expect(r.seen).toEqual([
      [0, 1],
      [100, 3],
    ]);
  });

  it('opens a new window after a trailing report, so reports stay at least the window apart', () => {
    const r = recorder();
    const t = throttle(100, r.emit);
    for (let i = 0; i < 35; i++) {
      t.push(i);
      vi.advanceTimersByTime(10);
    }
    vi.advanceTimersByTime(1000);
    expect(r.seen.map(([at]) => at)).toEqual([0, 100, 200, 300, 400]);
    expect(r.seen.map(([, v]) => v)).toEqual([0, 9, 19, 29, 34]);
  });

  it('passes a value at once again after a quiet window', () => {
    const r = recorder();
    const t = throttle(100, r.emit);
    t.push(1);
    vi.advanceTimersByTime(250);
    t.push(2);
    expect(r.seen).toEqual([
      [0, 1],
      [250, 2],
    ]);
  });

  it('drops a waiting value on stop and passes nothing afterwards', () => {
    const r = recorder();
    const t = throttle(100, r.emit);
    t.push(1);
    t.push(2);
    t.stop();
    t.push(3);
    vi.advanceTimersByTime(1000);
    expect(r.seen).toEqual([[0, 1]]);
    expect(vi.getTimerCount()).toBe(0);
  });

  it('passes the waiting value at once on flush, then nothing more', () => {
    const r = recorder();
    const t = throttle(100, r.emit);
    t.push(1);
    vi.advanceTimersByTime(30);
    t.push(2);
    t.push(3);
    t.flush();
    expect(r.seen).toEqual([
      [0, 1],
      [30, 3],
    ]);
    t.push(4);
    t.flush();
    vi.advanceTimersByTime(1000);
    expect(r.seen).toHaveLength(2);
    expect(vi.getTimerCount()).toBe(0);
  });

  it('passes nothing on flush when no value waits, nor after a stop', () => {
    const r = recorder();
    const t = throttle(100, r.emit);
    t.push(1);
    t.flush();
    expect(r.seen).toEqual([[0, 1]]);
    const s = throttle(100, r.emit);
    s.push(5);
    s.push(6);
    s.stop();
    s.flush();
    expect(r.seen).toEqual([
      [0, 1],
      [0, 5],
    ]);
  });
});
