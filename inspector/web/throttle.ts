/** Calls at most once per interval, the last request of a burst kept for the end of it. Pure but for the clock and timer it is given. */

/** What a throttle needs of time: the clock and a one-shot timer (the browser's by default). */
export interface Clock {
  now(): number;
  after(ms: number, fn: () => void): void;
}

const browserClock: Clock = { now: () => performance.now(), after: (ms, fn) => void setTimeout(fn, ms) };

/** Runs `fn` when asked, but never twice within `ms`: a request inside the interval runs once, at its end. */
export class Throttle {
  private last = -Infinity;
  private pending = false;

  constructor(
    private readonly fn: () => void,
    private readonly ms: number,
    private readonly clock: Clock = browserClock,
  ) {}

  /** Asks for a call. */
  request(): void {
    if (this.pending) return;
    const wait = this.last + this.ms - this.clock.now();
    if (wait <= 0) return this.run();
    this.pending = true;
    this.clock.after(wait, () => {
      this.pending = false;
      this.run();
    });
  }

  private run(): void {
    this.last = this.clock.now();
    this.fn();
  }
}
