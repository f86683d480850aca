import { describe, expect, it } from 'vitest';
import { metricsFromLog, parseJsonMetricLine, stripAnsi } from '../../../domain/trainer-io/log-metrics.js';

// ----------------------------------------------------------------------------------------------
// Captured-style PufferLib 3.0 output. `pufferl.py` (PuffeRL.print_dashboard) renders a rich
// Table with a ROUNDED border in bright_cyan: a banner row (PufferLib 3.0, CPU/GPU/DRAM/VRAM),
// a monitor row of three tables side by side — Summary/Value (Env, Params, Steps, SPS, Epoch,
// Uptime, Remaining), Performance (no header: Evaluate, Forward, Env, Copy, Misc, Train, ...),
// Losses/Value (policy_loss, value_loss, ...; `.3f`) — and two "User Stats / Value" tables side by
// side holding the environment's stats under their bare names (`.3f`). Every frame is printed as
// '\x1b[0;0H' + the captured rendering, the first one after a clear screen.
// ----------------------------------------------------------------------------------------------

const ESC = '\x1b';
const paint = (code: string) => (s: string) => `${ESC}[${code}m${s}${ESC}[0m`;
const c1 = paint('36'); // cyan: headers
const c2 = paint('37'); // white: labels
const b1 = paint('1;96'); // bright cyan: section labels
const b2 = paint('1;97'); // bright white: values
const border = paint('96');
const WIDTH = 100;

type Cell = [text: string, width: number, align: 'l' | 'r', colour?: (s: string) => string];

/** One bordered dashboard row: cells padded to their widths, then coloured as rich does. */
function row(...cells: Cell[]): string {
  let plain = 0;
  const body = cells
    .map(([text, width, align, colour]) => {
      const padded = align === 'l' ? text.padEnd(width) : text.padStart(width);
      plain += padded.length;
      const trimmed = padded.trim();
      if (!colour || trimmed === '') return padded;
      const at = padded.indexOf(trimmed);
      return padded.slice(0, at) + colour(trimmed) + padded.slice(at + trimmed.length);
    })
    .join('');
  return `${border('│')} ${body}${' '.repeat(Math.max(0, WIDTH - 4 - plain))} ${border('│')}`;
}

interface FrameValues {
  steps: string;
  sps: string;
  epoch: number;
  uptime: string;
  remaining: string;
  losses: Record<string, number>;
  stats: Record<string, number>;
}

/** One dashboard frame as PufferLib 3.0 prints it (colours on: a terminal). */
function frame(v: FrameValues, colours = true): string[] {
  const perf: [string, string, string, boolean][] = [
    ['Evaluate', '1m 2s', '45', true],
    ['  Forward', '20s', '15', false],
    ['  Env', '31s', '22', false],
    ['  Copy', '4s', ' 3', false],
    ['  Misc', '7s', ' 5', false],
    ['Train', '1m 15s', '54', true],
    ['  Forward', '30s', '21', false],
    ['  Learn', '35s', '25', false],
    ['  Copy', '5s', ' 3', false],
    ['  Misc', '5s', ' 3', false],
  ];
  const summary: [string, string][] = [
    ['Env', 'puffer_breakout'],
    ['Params', '1.2M'],
    ['Steps', v.steps],
    ['SPS', v.sps],
    ['Epoch', String(v.epoch)],
    ['Uptime', v.uptime],
    ['Remaining', v.remaining],
  ];
  const losses = Object.entries(v.losses);
  const lines: string[] = [];
  lines.push(border(`╭${'─'.repeat(WIDTH - 2)}╮`));
  lines.push(row(['PufferLib 3.0 🐡', 30, 'l', b1], ['CPU: 98.2%', 16, 'l', c1], ['GPU: 0.0%', 16, 'l', c1], ['DRAM: 41.3%', 16, 'l', c1], ['VRAM: 0.0%', 14, 'r', c1]));
  lines.push(row(['', 10, 'l']));
  for (let i = 0; i < 11; i++) {
    const s = i === 0 ? (['Summary', 'Value'] as const) : summary[i - 1];
    const p = perf[i];
    const l = i === 0 ? (['Losses', 'Value'] as const) : losses[i - 1];
    lines.push(
      row(
        [s?.[0] ?? '', 10, 'l', i === 0 ? c1 : c2],
        [s?.[1] ?? '', 16, 'r', i === 0 ? c1 : b2],
        ['  ', 2, 'l'],
        [p?.[0] ?? '', 11, 'l', p?.[3] ? b1 : c2],
        [p?.[1] ?? '', 8, 'r', b2],
        [p ? `${p[2]}%` : '', 5, 'r', b2],
        ['   ', 3, 'l'],
        [l?.[0] ?? '', 20, 'l', i === 0 ? c1 : c2],
        [l ? (typeof l[1] === 'number' ? l[1].toFixed(3) : l[1]) : '', 8, 'r', i === 0 ? c1 : b2],
      ),
    );
  }
  lines.push(row(['', 10, 'l']));
  const stats = Object.entries(v.stats);
  lines.push(row(['User Stats', 20, 'l', c1], ['Value', 10, 'r', c1], ['    ', 4, 'l'], ['User Stats', 20, 'l', c1], ['Value', 10, 'r', c1]));
  for (let i = 0; i < stats.length; i += 2) {
    const a = stats[i];
    const b = stats[i + 1];
    lines.push(row([a?.[0] ?? '', 20, 'l', c2], [a ? a[1].toFixed(3) : '', 10, 'r', b2], ['    ', 4, 'l'], [b?.[0] ?? '', 20, 'l', c2], [b ? b[1].toFixed(3) : '', 10, 'r', b2]));
  }
  lines.push(border(`╰${'─'.repeat(WIDTH - 2)}╯`));
  // print('\033[0;0H' + capture.get()): the cursor-home escape leads the frame, print adds a blank line.
  lines[0] = `${ESC}[0;0H${lines[0]}`;
  lines.push('');
  return colours ? lines : lines.map(stripAnsi);
}

const LOSSES_1 = { policy_loss: 0.021, value_loss: 0.512, entropy: 1.386, old_approx_kl: 0.004, approx_kl: 0.003, clipfrac: 0.06, importance: 1, explained_variance: 0.42 };
const LOSSES_3 = { ...LOSSES_1, policy_loss: -0.012, value_loss: 0.345, explained_variance: 0.871 };

const FRAME_1: FrameValues = {
  steps: '4.1M',
  sps: '98.7K',
  epoch: 31,
  uptime: '42s',
  remaining: '1m 40s',
  losses: LOSSES_1,
  stats: { score: 3.25, episode_length: 211, perfect_deliv: 0.125, lives: 2, n: 64 },
};
const FRAME_2: FrameValues = { ...FRAME_1, steps: '8.2M', sps: '110.2K', epoch: 62, uptime: '1m 12s', stats: { ...FRAME_1.stats, score: 8.5 } };
const FRAME_3: FrameValues = {
  steps: '12.3M',
  sps: '123.4K',
  epoch: 94,
  uptime: '1m 40s',
  remaining: 'A hair past a freckle',
  losses: LOSSES_3,
  stats: { score: 12.345, episode_length: 456, perfect_deliv: 0.875, episode_return: -1.5, n: 128 },
};

/** What the last frame (FRAME_3) says. */
const FRAME_3_METRICS = {
  agent_steps: 12_300_000,
  sps: 123_400,
  epoch: 94,
  uptime: 100,
  score: 12.345,
  'environment/score': 12.345,
  episode_length: 456,
  'environment/episode_length': 456,
  perfect_deliv: 0.875,
  'environment/perfect_deliv': 0.875,
  episode_return: -1.5,
  'environment/episode_return': -1.5,
  n: 128,
  'environment/n': 128,
  'losses/policy_loss': -0.012,
  'losses/value_loss': 0.345,
  'losses/entropy': 1.386,
  'losses/old_approx_kl': 0.004,
  'losses/approx_kl': 0.003,
  'losses/clipfrac': 0.06,
  'losses/importance': 1,
  'losses/explained_variance': 0.871,
};

/** A whole captured run: startup chatter, a cleared screen, three redraws, closing chatter. */
function capturedRun(colours = true): string[] {
  return [
    'Loading environment puffer_breakout with 1024 envs',
    `${ESC}[2J${ESC}[H`,
    ...frame(FRAME_1, colours),
    ...frame(FRAME_2, colours),
    ...frame(FRAME_3, colours),
    'Saved checkpoint experiments/puffer_breakout_1712345678/model_puffer_breakout_000094.pt',
  ];
}

describe('when the output holds PufferLib dashboard frames', () => {
  it('reads the last frame: steps, SPS, epoch, uptime, losses and every user stat, bare and as environment/*', () => {
    const r = metricsFromLog(capturedRun());
    expect(r).toEqual({ source: 'dashboard', metrics: FRAME_3_METRICS });
  });

  it('does not carry over stats that only earlier frames showed', () => {
    const r = metricsFromLog(capturedRun());
    expect(r?.metrics).not.toHaveProperty('lives');
    expect(r?.metrics).not.toHaveProperty('environment/lives');
  });

  it('reads the same frame without colours (output piped to a file)', () => {
    expect(metricsFromLog(capturedRun(false))).toEqual({ source: 'dashboard', metrics: FRAME_3_METRICS });
  });

  it('keeps no label of the banner, summary or performance tables as a metric', () => {
    const keys = Object.keys(metricsFromLog(capturedRun())?.metrics ?? {});
    for (const k of ['PufferLib', 'CPU', 'Params', 'Evaluate', 'Forward', 'Remaining', 'Env', 'Value']) expect(keys).not.toContain(k);
  });

  it('takes the last frame printed whole when the trainer died in the middle of a redraw', () => {
    const cut = frame(FRAME_3).slice(0, 9);
    const r = metricsFromLog([...frame(FRAME_1), ...frame(FRAME_2), ...cut]);
    expect(r?.metrics['agent_steps']).toBe(8_200_000);
    expect(r?.metrics['score']).toBe(8.5);
    expect(r?.metrics['epoch']).toBe(62);
  });

  it('reads the last frame when the tail starts in the middle of an earlier one', () => {
    const tail = [...frame(FRAME_2).slice(12), ...frame(FRAME_3)];
    expect(metricsFromLog(tail)).toEqual({ source: 'dashboard', metrics: FRAME_3_METRICS });
  });

  it('reads a lone frame that was cut short when it is all there is', () => {
    const r = metricsFromLog(frame(FRAME_3).slice(0, 10));
    expect(r?.source).toBe('dashboard');
    expect(r?.metrics['agent_steps']).toBe(12_300_000);
    expect(r?.metrics['sps']).toBe(123_400);
    expect(r?.metrics).not.toHaveProperty('score');
  });

  it('reads frames whose lines arrive joined in one chunk', () => {
    expect(metricsFromLog([capturedRun().join('\n')])).toEqual({ source: 'dashboard', metrics: FRAME_3_METRICS });
  });

  it('reads small counts printed without a suffix and the B suffix', () => {
    const small = metricsFromLog(frame({ ...FRAME_3, steps: '512', sps: '87.25', uptime: '1h 2m 3s' }));
    expect(small?.metrics).toMatchObject({ agent_steps: 512, sps: 87.25, uptime: 3723 });
    expect(metricsFromLog(frame({ ...FRAME_3, steps: '2.5B' }))?.metrics['agent_steps']).toBe(2_500_000_000);
  });
});

describe('when the dashboard has an older or plainer layout', () => {
  it('reads "Agent Steps", "Steps/sec" and environment/* rows (PufferLib 1.x/2.0 style, ASCII box)', () => {
    const lines = [
      `${ESC}[H${ESC}[2J`,
      '+--------------------------------------------------------------+',
      '| :blowfish: PufferLib 2.0.0   CPU: 12.0%   GPU: 80.1%           |',
      '| Summary          Value   Performance   Time                    |',
      '| Agent Steps       1.5M   Training     0.123                    |',
      '| Steps/sec         980    Evaluation   0.456                    |',
      '| Epoch              12                                          |',
      '| User Stats        Value                                        |',
      '| environment/score     0.910   environment/episode_length  99.000 |',
      '+--------------------------------------------------------------+',
    ];
    expect(metricsFromLog(lines)).toEqual({
      source: 'dashboard',
      metrics: {
        agent_steps: 1_500_000,
        sps: 980,
        epoch: 12,
        score: 0.91,
        'environment/score': 0.91,
        episode_length: 99,
        'environment/episode_length': 99,
      },
    });
  });

  it('reads the last rewrite of a line overwritten with \\r, not a splice of the rewrites', () => {
    const lines = [`environment/score 12.5\renvironment/score 3`, `environment/lives 1.000\r${ESC}[2Kenvironment/lives 0.000\r`];
    expect(metricsFromLog(lines)?.metrics).toEqual({ score: 3, 'environment/score': 3, lives: 0, 'environment/lives': 0 });
  });

  it('reads environment/* lines printed without any dashboard, the last value winning', () => {
    const lines = ['epoch 1', 'environment/score: 0.5', 'environment/perfect_deliv 0.25', 'environment/score: 0.75'];
    expect(metricsFromLog(lines)).toEqual({
      source: 'dashboard',
      metrics: { score: 0.75, 'environment/score': 0.75, perfect_deliv: 0.25, 'environment/perfect_deliv': 0.25 },
    });
  });
});

describe('when the output holds JSON metric lines', () => {
  it('merges them in order, later lines winning, keeping only finite numbers', () => {
    const lines = [
      '{"phase":"train","agent_steps":4096,"total_timesteps":40960,"sps":21000,"mean_reward":12.5}',
      'some chatter',
      '{"phase":"train","agent_steps":40960,"total_timesteps":40960,"sps":22000,"mean_reward":87.5,"note":"x","nested":{"a":1}}',
      '{"eval_success":0.9}',
    ];
    expect(metricsFromLog(lines)).toEqual({
      source: 'json',
      metrics: { agent_steps: 40960, total_timesteps: 40960, sps: 22000, mean_reward: 87.5, eval_success: 0.9 },
    });
  });

  it('reads a JSON line behind colour codes and after a progress bar it overwrote with \\r', () => {
    const lines = [`${ESC}[32m{"mean_reward": 3}${ESC}[0m`, ` 50%|█████     | 5/10 [00:01<00:01]\r{"mean_reward": 4, "epoch": 2}`];
    expect(metricsFromLog(lines)).toEqual({ source: 'json', metrics: { mean_reward: 4, epoch: 2 } });
  });

  it('prefers JSON lines over a dashboard in the same tail', () => {
    const lines = [...capturedRun(), '{"mean_reward": 42, "agent_steps": 12300000}'];
    expect(metricsFromLog(lines)).toEqual({ source: 'json', metrics: { mean_reward: 42, agent_steps: 12_300_000 } });
  });
});

describe('when the output holds nothing usable', () => {
  it('returns null for no lines, blank lines and chatter', () => {
    expect(metricsFromLog([])).toBeNull();
    expect(metricsFromLog(['', '   ', '\r'])).toBeNull();
    expect(metricsFromLog(['Traceback (most recent call last):', '  File "train.py", line 3', 'RuntimeError: CUDA out of memory'])).toBeNull();
  });

  it('returns null for words like Epoch and SPS outside a dashboard', () => {
    expect(metricsFromLog(['Epoch 5 finished', 'SPS 1200', 'Steps 40960', 'score 0.5'])).toBeNull();
  });

  it('returns null for a box that is not the dashboard (a config table)', () => {
    const box = ['╭──────────────────────────╮', '│ learning_rate      0.003 │', '│ gamma              0.990 │', '╰──────────────────────────╯'];
    expect(metricsFromLog(box)).toBeNull();
  });

  it('returns null for JSON that is not a metric object', () => {
    expect(metricsFromLog(['[1, 2, 3]', '{"status": "ok"}', '{not json}', '{"x": null}', '42'])).toBeNull();
  });

  it('returns null for a dashboard with no values in it', () => {
    expect(metricsFromLog([`${ESC}[0;0H╭──────╮`, '│ PufferLib 3.0 │', '│ User Stats  Value │', '╰──────╯'])).toBeNull();
  });
});

describe('when parsing a single JSON metric line', () => {
  it('keeps finite numbers and rejects everything else', () => {
    expect(parseJsonMetricLine('  {"a": 1, "b": "2", "c": true, "d": 1e400}  ')).toEqual({ a: 1 });
    expect(parseJsonMetricLine('{"a": "x"}')).toBeNull();
    expect(parseJsonMetricLine('{"a": 1')).toBeNull();
  });
});

describe('when stripping ANSI escapes', () => {
  it('removes colours, cursor moves, screen clears and charset selection', () => {
    expect(stripAnsi(`${ESC}[1;97m12.3M${ESC}[0m`)).toBe('12.3M');
    expect(stripAnsi(`${ESC}[0;0H${ESC}[2J${ESC}[3A${ESC}[10C${ESC}[?25lx${ESC}[?25h`)).toBe('x');
    expect(stripAnsi(`${ESC}(Bplain${ESC}7${ESC}8`)).toBe('plain');
    expect(stripAnsi(`\x9b31mred\x9b0m`)).toBe('red');
  });

  it('removes OSC titles and hyperlinks, terminated by BEL or ST, and an unterminated one to the end', () => {
    expect(stripAnsi(`${ESC}]0;training${ESC}\\a${ESC}]8;;https://puffer.ai\x07link${ESC}]8;;\x07`)).toBe('alink');
    expect(stripAnsi(`ok${ESC}]0;never ends`)).toBe('ok');
  });

  it('keeps tabs, carriage returns and line feeds, and drops other control characters', () => {
    expect(stripAnsi('a\tb\r\nc\x07\x08d')).toBe('a\tb\r\ncd');
  });

  it('leaves text without escapes as it is', () => {
    expect(stripAnsi('│ score   12.345 │')).toBe('│ score   12.345 │');
  });
});
