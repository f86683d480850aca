/**
 * Final metrics read back from the tail of a trainer's output, for runs whose
 * `trainer_summary.json` is missing or invalid (the log fallback of issue 5).
 *
 * Two sources, in this order:
 * 1. JSON metric lines (`{"agent_steps": 4096, "mean_reward": 87.5}`), merged in order so later
 *    lines win;
 * 2. PufferLib's terminal dashboard (rich tables redrawn in place: box-drawing borders, colour
 *    codes and a cursor-home escape before every frame). The last frame gives `agent_steps`
 *    (`Steps` / `Agent Steps`, with K/M/B/T suffixes), `sps` (`SPS` / `Steps/sec`), `epoch`,
 *    `uptime` (seconds), `losses/<name>`, and every "User Stats" entry both bare (`score`) and as
 *    `environment/<name>` — the name PufferLib logs it under.
 *
 * Pure: no I/O, no clock.
 */

/** Where the metrics came from. */
export type LogMetricsSource = 'json' | 'dashboard';

/** Metrics recovered from a trainer's output. */
export interface LogMetrics {
  source: LogMetricsSource;
  metrics: Record<string, number>;
}

// Escape sequences. String-type sequences (OSC, DCS, SOS, PM, APC) run to BEL or ST (ESC \),
// or to the end of the text when unterminated; CSI is ESC [ (or the 8-bit 0x9b) params final;
// the rest are ESC followed by intermediates and one final byte (charset selection, ESC 7, ...).
const STRING_SEQ = /\x1b[\]PX^_][\s\S]*?(?:\x07|\x1b\\|$)/g;
const CSI_SEQ = /(?:\x1b\[|\x9b)[0-?]*[ -/]*[@-~]/g;
const OTHER_ESC = /\x1b[ -/]*[0-~]?/g;
// C0 controls and DEL, except tab, line feed and carriage return.
const CONTROL = /[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]/g;
// Cursor positioning (CUP/HVP) and erase-in-display: what redraws a whole screen, so a new frame.
const SCREEN_REDRAW = /(?:\x1b\[|\x9b)[0-9;?]*[HfJ]/;

/**
 * Removes terminal escape sequences (colours, cursor moves, OSC titles and hyperlinks) and other
 * control characters from `text`, keeping tabs, line feeds and carriage returns.
 */
export function stripAnsi(text: string): string {
  return text.replace(STRING_SEQ, '').replace(CSI_SEQ, '').replace(OTHER_ESC, '').replace(CONTROL, '');
}

/** A line reduced to what the trainer printed last on it, plus what the raw line said about frames. */
interface CleanLine {
  /**
   * The last carriage-return segment with any text, escapes removed. A terminal would overlay the
   * segments, but a shorter rewrite that does not clear the line would then splice two values
   * (`score 12.5\rscore 3` shows `score 32.5`), so the last segment written is the truth.
   */
  text: string;
  /** The line repositions the cursor or erases the screen: a dashboard redraw starts here. */
  redraw: boolean;
}

function cleanLine(raw: string): CleanLine {
  let text = '';
  for (const segment of raw.split('\r')) {
    const t = stripAnsi(segment);
    if (t !== '') text = t;
  }
  return { text, redraw: SCREEN_REDRAW.test(raw) };
}

/** Parses a line as a JSON metric object, keeping its finite numeric top-level fields. */
export function parseJsonMetricLine(line: string): Record<string, number> | null {
  const t = line.trim();
  if (!t.startsWith('{') || !t.endsWith('}')) return null;
  let obj: unknown;
  try {
    obj = JSON.parse(t);
  } catch {
    return null;
  }
  if (typeof obj !== 'object' || obj === null || Array.isArray(obj)) return null;
  const out: Record<string, number> = {};
  for (const [k, v] of Object.entries(obj)) if (typeof v === 'number' && Number.isFinite(v)) out[k] = v;
  return Object.keys(out).length > 0 ? out : null;
}

function fromJsonLines(lines: readonly CleanLine[]): Record<string, number> | null {
  let merged: Record<string, number> | null = null;
  for (const l of lines) {
    const m = parseJsonMetricLine(l.text);
    if (m) merged = { ...(merged ?? {}), ...m };
  }
  return merged;
}

// ---------------------------------------------------------------- dashboard

/** One redraw of the dashboard: the lines between a redraw (or top border) and the bottom border. */
interface Frame {
  lines: string[];
  /** The bottom border was seen, so the frame was printed whole. */
  closed: boolean;
  /** Some line holds more than borders and blanks. */
  content: boolean;
}

// Box drawing (U+2500–U+257F) and the ASCII fallback's vertical bar become spaces.
const BOX_CHARS = /[\u2500-\u257f|]/g;
const TOP_BORDER = /^\s*[╭┌┏╔]/;
const BOTTOM_BORDER = /^\s*[╰└┗╚]/;
const ASCII_BORDER = /^\s*\+[-=+]+\+\s*$/;

const NUM = String.raw`[-+]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][-+]?\d+)?`;
const NUM_SUFFIXED = String.raw`${NUM}[KkMBGT]?`;
const END = String.raw`(?=\s|$)`;
const STEPS = new RegExp(String.raw`(?:^|\s)(?:Agent\s+)?Steps\s+(${NUM_SUFFIXED})${END}`);
const SPS = new RegExp(String.raw`(?:^|\s)(?:SPS|Steps/sec)\s+(${NUM_SUFFIXED})${END}`);
const EPOCH = new RegExp(String.raw`(?:^|\s)Epoch\s+(${NUM_SUFFIXED})${END}`);
const UPTIME = new RegExp(String.raw`(?:^|\s)Uptime\s+((?:\d+h\s*)?(?:\d+m\s*)?\d+s)${END}`);
// Loss rows are lowercase snake_case names with a fixed-point value; other monitor rows are capitalised.
const LOSS_PAIR = new RegExp(String.raw`(?:^|\s)([a-z][a-z0-9_]*)\s+(-?\d+\.\d+)${END}`, 'g');
const STAT_PAIR = new RegExp(String.raw`(?:^|\s)([A-Za-z_][\w./-]*):?\s+(${NUM})${END}`, 'g');
const ENV_PAIR_SOURCE = String.raw`(?:^|\s)(environment/[\w./-]+)[:=]?\s+(${NUM})${END}`;
const ENV_PAIR = new RegExp(ENV_PAIR_SOURCE, 'g');
const ENV_KEY = new RegExp(ENV_PAIR_SOURCE);
const USER_STATS = /\bUser Stats\b/;
const MARKER = /\bPufferLib\s+v?\d|\bUser Stats\b|\bSummary\s+Value\b/;
const ENV_PREFIX = 'environment/';

const SUFFIX_EXPONENT: Record<string, number> = { K: 3, k: 3, M: 6, B: 9, G: 9, T: 12 };

/** A dashboard number such as `512`, `123.4K`, `1.2M` (PufferLib's abbreviations). */
function parseAbbreviated(text: string): number | null {
  const suffix = text.at(-1) ?? '';
  const exp = SUFFIX_EXPONENT[suffix];
  // Scaling through the exponent keeps `12.3M` exactly 12300000.
  const n = exp === undefined ? Number(text) : Number(`${text.slice(0, -1)}e${exp}`);
  return Number.isFinite(n) ? n : null;
}

/** A dashboard duration such as `1h 2m 3s`, in seconds. */
function parseDuration(text: string): number {
  const part = (unit: string) => Number(new RegExp(String.raw`(\d+)${unit}`).exec(text)?.[1] ?? 0);
  return part('h') * 3600 + part('m') * 60 + part('s');
}

// A line with something besides borders and blanks.
const CONTENT = /[^\s\u2500-\u257f|+=-]/;

/** Splits the output into dashboard redraws; `loose` holds the lines outside every frame. */
function splitFrames(lines: readonly CleanLine[]): { frames: Frame[]; loose: string[] } {
  const frames: Frame[] = [];
  const loose: string[] = [];
  let current: Frame | null = null;
  for (const { text, redraw } of lines) {
    const open: boolean = current !== null && !current.closed;
    // An open frame holding only borders and blanks is where this line belongs anyway
    // (the cursor-home escape and the top border may come on separate lines).
    const fresh = current !== null && open && !current.content;
    const ascii = ASCII_BORDER.test(text);
    if ((redraw || TOP_BORDER.test(text) || (ascii && !open)) && !fresh) {
      current = { lines: [], closed: false, content: false };
      frames.push(current);
    }
    if (current === null || current.closed) {
      loose.push(text);
      continue;
    }
    current.lines.push(text);
    const border = BOTTOM_BORDER.test(text) || ascii;
    if (border && current.content) current.closed = true;
    else if (!border && CONTENT.test(text)) current.content = true;
  }
  return { frames, loose };
}

function addStat(out: Record<string, number>, key: string, value: number): void {
  const bare = key.startsWith(ENV_PREFIX) ? key.slice(ENV_PREFIX.length) : key;
  if (bare === '' || bare.includes('…')) return;
  out[bare] = value;
  out[ENV_PREFIX + bare] = value;
}

function scanPairs(line: string, pattern: RegExp, onPair: (key: string, value: number) => void): void {
  for (const m of line.matchAll(pattern)) {
    const v = Number(m[2]);
    if (m[1] !== undefined && Number.isFinite(v)) onPair(m[1], v);
  }
}

/** Reads one frame; null when it is not a PufferLib dashboard or shows no metric. */
function readFrame(frame: readonly string[]): Record<string, number> | null {
  const lines = frame.map((l) => l.replace(BOX_CHARS, ' '));
  if (!lines.some((l) => MARKER.test(l) || ENV_KEY.test(l))) return null;
  const stats: Record<string, number> = {};
  const losses: Record<string, number> = {};
  const summary: Record<string, number> = {};
  let inStats = false;
  for (const line of lines) {
    if (USER_STATS.test(line)) {
      inStats = true;
      continue;
    }
    scanPairs(line, ENV_PAIR, (k, v) => addStat(stats, k, v));
    if (inStats) {
      scanPairs(line, STAT_PAIR, (k, v) => addStat(stats, k, v));
      continue;
    }
    const steps = STEPS.exec(line)?.[1];
    const sps = SPS.exec(line)?.[1];
    const epoch = EPOCH.exec(line)?.[1];
    const uptime = UPTIME.exec(line)?.[1];
    if (steps !== undefined) setIfNumber(summary, 'agent_steps', parseAbbreviated(steps));
    if (sps !== undefined) setIfNumber(summary, 'sps', parseAbbreviated(sps));
    if (epoch !== undefined) setIfNumber(summary, 'epoch', parseAbbreviated(epoch));
    if (uptime !== undefined) summary['uptime'] = parseDuration(uptime);
    scanPairs(line, LOSS_PAIR, (k, v) => {
      losses[`losses/${k}`] = v;
    });
  }
  // The summary's own fields win over a user stat of the same name.
  const metrics = { ...stats, ...losses, ...summary };
  return Object.keys(metrics).length > 0 ? metrics : null;
}

function setIfNumber(out: Record<string, number>, key: string, value: number | null): void {
  if (value !== null) out[key] = value;
}

function fromDashboard(lines: readonly CleanLine[]): Record<string, number> | null {
  const { frames, loose } = splitFrames(lines);
  let lastClosed: Record<string, number> | null = null;
  let last: Record<string, number> | null = null;
  for (const frame of frames) {
    const m = readFrame(frame.lines);
    if (!m) continue;
    last = m;
    if (frame.closed) lastClosed = m;
  }
  // A frame cut short (the trainer died mid-redraw) yields to the last one printed whole.
  const chosen = lastClosed ?? last;
  if (chosen) return chosen;
  // No dashboard frame: `environment/<key> <value>` lines printed some other way still count.
  const env: Record<string, number> = {};
  for (const line of loose) scanPairs(line.replace(BOX_CHARS, ' '), ENV_PAIR, (k, v) => addStat(env, k, v));
  return Object.keys(env).length > 0 ? env : null;
}

/**
 * The final metrics in the tail of a trainer's output (each line possibly carrying ANSI escapes
 * and `\r` rewrites, of which the last counts): JSON metric lines when there are any, merged so later lines win;
 * otherwise the last frame of PufferLib's dashboard. Null when neither yields a number.
 */
export function metricsFromLog(lines: readonly string[]): LogMetrics | null {
  const clean = lines.flatMap((l) => l.split('\n')).map(cleanLine);
  const json = fromJsonLines(clean);
  if (json) return { source: 'json', metrics: json };
  const dashboard = fromDashboard(clean);
  if (dashboard) return { source: 'dashboard', metrics: dashboard };
  return null;
}
