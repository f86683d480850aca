import { describe, expect, it } from 'vitest';
import { createCappedLog, OVER_CAP_ALLOWANCE } from '../../../adapters/launcher/capped-log.js';

/** A capped log over an in-memory store, with a clock the test moves. */
function capped(maxBytes: number) {
  const stored: Buffer[] = [];
  let t = 0;
  const log = createCappedLog(
    (b) => void stored.push(Buffer.from(b)),
    maxBytes,
    () => t,
  );
  return { log, tick: (ms: number) => (t += ms), bytes: () => stored.reduce((n, b) => n + b.length, 0), text: () => Buffer.concat(stored).toString('utf8') };
}

describe('a capped log', () => {
  it('stores at most the cap plus a fixed allowance over 24 hours of output a second', () => {
    const cap = 1 << 20;
    const c = capped(cap);
    const metric = `{"mean_reward": 1, "pad": "${'p'.repeat(4000)}"}\n`;
    for (let s = 0; s < 24 * 3600; s++) {
      c.log.write(Buffer.from(`step ${s} ${'x'.repeat(200)}\n${metric}`));
      c.tick(1000);
    }
    c.log.end();
    expect(c.bytes()).toBeLessThanOrEqual(cap + OVER_CAP_ALLOWANCE);
    expect(OVER_CAP_ALLOWANCE).toBeLessThanOrEqual(64 * 1024);
    const text = c.text();
    // Beats still came while output was held back, and the tail is kept for the end.
    expect(text).toMatch(/\[autopilot\] output over the limit of 1048576 bytes: \d+ bytes held back so far/);
    expect(text).toMatch(/bytes of output left out here \(limits\.max_output_bytes 1048576\)/);
    expect(text.trimEnd().endsWith('"}')).toBe(true);
  });

  it('beats at once and after a second when output goes over the cap, then ever more rarely', () => {
    const c = capped(100);
    const beats = () => (c.text().match(/held back so far/g) ?? []).length;
    c.log.write(Buffer.alloc(200, 'a'));
    expect(beats()).toBe(1);
    c.tick(1000);
    c.log.write(Buffer.from('b'));
    expect(beats()).toBe(2);
    c.tick(1000);
    c.log.write(Buffer.from('b'));
    expect(beats()).toBe(2);
    c.tick(1000);
    c.log.write(Buffer.from('b'));
    expect(beats()).toBe(3);
  });

  it('stores everything as it came under the cap', () => {
    const c = capped(1000);
    c.log.write(Buffer.from('hello\n'));
    c.log.end();
    expect(c.text()).toBe('hello\n');
  });
});
