/**
 * The loop's console progress for running trainers, fed with their metric lines:
 * - `tty`: one live line rewritten in place (`\r` + clear-line), at most every `everyMs` (200 ms);
 *   other output goes through `line()`, which clears the live line, prints, and redraws it;
 * - `plain`: a plain progress line per run at most every `everyMs` (10 s);
 * - `json`: `{"type":"progress","runId",...metrics,"eta_s"}` per run at most every `everyMs` (10 s).
 * The first update of a run is shown at once. No timers: output happens inside the calls, so a
 * fake clock drives it completely.
 */
import { etaSeconds, fitColumns, progressText, spsOf, stepsOf } from '../domain/trainer-io/progress-format.js';
import { escapeText, jsonText } from '../domain/text/escape.js';

/** How progress is shown. */
export type ProgressMode = 'tty' | 'plain' | 'json';

/** Options of {@link createProgressReporter}. */
export interface ProgressReporterOptions {
  mode: ProgressMode;
  /** Receives output verbatim (no newline is added); what it gets is already escaped, but for the reporter's own `\r\x1b[2K`. */
  write: (s: string) => void;
  /** Least time between two outputs: of the live line (tty, default 200 ms), or per run (plain and json, default 10 s). */
  everyMs?: number;
  /** The clock in epoch ms (default `Date.now`). */
  now?: () => number;
  /** The metric to show as "the latest metric" when present (the loop's configured metric). */
  metric?: string;
  /** Terminal width (tty): the live line is cut to fit so it never wraps. */
  columns?: number;
}

/** Shows the progress of running trainers. */
export interface ProgressReporter {
  /** Records a run's latest metrics and shows them when the throttle allows. */
  update(runId: string, metrics: Record<string, number>): void;
  /** Prints a line of other output (no trailing newline needed; control characters in it are escaped), keeping the live line below it on a TTY. */
  line(text: string): void;
  /** Forgets one run (it finished): it leaves the live line. */
  finish(runId: string): void;
  /** Clears the live line and forgets every run; the reporter stays usable. */
  done(): void;
}

/** Carriage return and erase-in-line: the live line is redrawn from column 0. */
export const CLEAR_LINE = '\r\x1b[2K';
const DEFAULT_TTY_MS = 200;
const DEFAULT_LOG_MS = 10_000;
const RESERVED_JSON_KEYS = new Set(['type', 'runId', 'eta_s']);

interface RunState {
  metrics: Record<string, number>;
  /** The first observation of the current attempt, for the step rate. */
  origin: { at: number; steps: number } | null;
  /** The steps of the previous observation, to notice an attempt starting over. */
  lastSteps: number | null;
  etaS: number | null;
  lastShown: number;
}

/** Creates a progress reporter writing to `options.write`. */
export function createProgressReporter(options: ProgressReporterOptions): ProgressReporter {
  const { mode, write, metric, columns } = options;
  const now = options.now ?? Date.now;
  const everyMs = options.everyMs ?? (mode === 'tty' ? DEFAULT_TTY_MS : DEFAULT_LOG_MS);
  const runs = new Map<string, RunState>();
  /** The live line on screen (tty), or null when there is none. */
  let shown: string | null = null;
  let lastDraw = -Infinity;

  // Metric names come from the trainer's output: escaped before they reach the terminal.
  const textOf = (runId: string, s: RunState) => escapeText(progressText(runId, s.metrics, metric === undefined ? { etaS: s.etaS } : { etaS: s.etaS, metric }));

  const liveText = (): string => {
    const text = [...runs].map(([id, s]) => textOf(id, s)).join('   ');
    return columns === undefined ? text : fitColumns(text, columns - 1);
  };

  /** What redraws the live line, including clearing what it showed before. */
  const redraw = (): string => {
    if (runs.size === 0) {
      const out = shown === null ? '' : CLEAR_LINE;
      shown = null;
      return out;
    }
    shown = liveText();
    lastDraw = now();
    return CLEAR_LINE + shown;
  };

  const observe = (s: RunState, metrics: Record<string, number>, at: number) => {
    s.metrics = { ...metrics };
    const steps = stepsOf(metrics);
    // A new attempt starts over from fewer steps: measure its rate afresh.
    if (steps !== undefined && (s.origin === null || (s.lastSteps !== null && steps < s.lastSteps))) s.origin = { at, steps };
    if (steps !== undefined) s.lastSteps = steps;
    let rate: number | undefined;
    if (steps !== undefined && s.origin !== null && at > s.origin.at && steps > s.origin.steps) rate = ((steps - s.origin.steps) * 1000) / (at - s.origin.at);
    s.etaS = etaSeconds(steps, metrics['total_timesteps'], rate ?? spsOf(metrics));
  };

  return {
    update(runId, metrics) {
      const at = now();
      let s = runs.get(runId);
      if (!s) {
        s = { metrics: {}, origin: null, lastSteps: null, etaS: null, lastShown: -Infinity };
        runs.set(runId, s);
      }
      observe(s, metrics, at);
      if (mode === 'tty') {
        if (at - lastDraw < everyMs) return;
        const text = liveText();
        if (text === shown) return;
        write(redraw());
        return;
      }
      if (at - s.lastShown < everyMs) return;
      s.lastShown = at;
      if (mode === 'plain') {
        write(`${textOf(runId, s)}\n`);
        return;
      }
      const fields: Record<string, unknown> = { type: 'progress', runId };
      for (const [k, v] of Object.entries(s.metrics)) if (!RESERVED_JSON_KEYS.has(k)) fields[k] = v;
      fields['eta_s'] = s.etaS === null ? null : Math.round(s.etaS);
      write(`${jsonText(fields)}\n`);
    },

    line(raw) {
      const text = escapeText(raw);
      if (mode !== 'tty') {
        write(`${text}\n`);
        return;
      }
      const clear = shown === null ? '' : CLEAR_LINE;
      shown = null;
      write(`${clear}${text}\n${runs.size > 0 ? redraw() : ''}`);
    },

    finish(runId) {
      if (!runs.delete(runId) || mode !== 'tty' || shown === null) return;
      write(redraw());
    },

    done() {
      runs.clear();
      if (mode === 'tty' && shown !== null) write(CLEAR_LINE);
      shown = null;
    },
  };
}
