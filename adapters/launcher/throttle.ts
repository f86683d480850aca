/**
 * A leading-and-trailing throttle on timers, for progress reports: the first value is passed on at
 * once and opens a window of `ms`; values arriving inside the window replace each other, and the
 * newest is passed on when the window ends, which opens the next window (as rxjs's
 * `throttleTime(ms, undefined, { leading: true, trailing: true })` does, without loading rxjs into
 * every loop process). `stop()` drops a value still waiting and passes nothing on afterwards;
 * `flush()` passes it on first (the last report of a run that ended inside a window).
 */
export interface Throttle<T> {
  push(value: T): void;
  stop(): void;
  flush(): void;
}

/** Passes values to `emit` at most once per `ms` (see {@link Throttle}). */
export function throttle<T>(ms: number, emit: (value: T) => void): Throttle<T> {
  let timer: ReturnType<typeof setTimeout> | null = null;
  let pending: { value: T } | null = null;
  let stopped = false;
  const send = (value: T): void => {
    emit(value);
    timer = setTimeout(windowEnded, ms);
  };
  function windowEnded(): void {
    timer = null;
    if (stopped || pending === null) return;
    const { value } = pending;
    pending = null;
    send(value);
  }
  return {
    push(value) {
      if (stopped) return;
      if (timer === null) send(value);
      else pending = { value };
    },
    stop,
    flush() {
      const last = stopped ? null : pending;
      stop();
      if (last) emit(last.value);
    },
  };
  function stop(): void {
    stopped = true;
    pending = null;
    if (timer !== null) clearTimeout(timer);
    timer = null;
  }
}
