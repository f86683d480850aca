/**
 * bench:decisions (issue 14): how often a night of tuning is fooled by noise, and how often it finds
 * a real improvement, under the old replication rule (replicates pooled with the sample that
 * selected them, judged against the incumbent's first sample) and the new one (each replicate on its
 * own fresh sample against fresh re-runs of the incumbent, at the session's confirmation level).
 * Sessions are simulated with the product's own decision functions (bench/decisions/session.ts) on a
 * synthetic trainer (n values per run from N(mean, sd²)), every draw seeded from the session number.
 *
 * The old rule is the one that shipped before: pooled replicates and the percentile bootstrap.
 *
 * (a) pure noise: every config has the same true mean; the share of sessions that promote anything.
 * (b, c) one config better by 0.3, 0.5 or 1.0 sd (of the per-episode noise) hidden among noise
 *     configs: the share of sessions that end with it as the incumbent, and the median run at which
 *     it became one.
 * Target: the new rule promotes under pure noise in at most 5% of sessions. Exit 0 when met, 1 when
 * not, 2 on a usage error.
 *
 *   npm run bench:decisions [-- --sessions 200 --runs 30 --n 32 --first-seed 0 --json]
 */
import { parseSettings } from '../domain/config/settings.js';
import type { StatisticsSettings } from '../domain/judging/error-control.js';
import { describeErrorControl, errorControl } from '../domain/judging/error-control.js';
import { createRng } from '../domain/rng.js';
import { simulateSession } from './decisions/session.js';

interface Args {
  sessions: number;
  runs: number;
  n: number;
  firstSeed: number;
  json: boolean;
}

function parseArgs(argv: string[]): Args {
  const a: Args = { sessions: 200, runs: 30, n: 32, firstSeed: 0, json: false };
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i]!;
    if (flag === '--json') {
      a.json = true;
      continue;
    }
    const key = { '--sessions': 'sessions', '--runs': 'runs', '--n': 'n', '--first-seed': 'firstSeed' }[flag] as keyof Args | undefined;
    const value = Number(argv[++i]);
    if (!key || !Number.isInteger(value) || value < (key === 'firstSeed' ? 0 : 2))
      throw new Error(`bench:decisions: ${flag} ${argv[i] ?? ''} is not allowed; allowed: --sessions N, --runs N, --n N (integers >= 2), --first-seed N (>= 0), --json`);
    (a as unknown as Record<string, number>)[key] = value;
  }
  return a;
}

/** Wilson 95% interval of a proportion. */
function wilson(k: number, n: number): [number, number] {
  const z = 1.959964;
  const p = k / n;
  const d = 1 + (z * z) / n;
  const c = (p + (z * z) / (2 * n)) / d;
  const h = (z * Math.sqrt((p * (1 - p)) / n + (z * z) / (4 * n * n))) / d;
  return [Math.max(0, c - h), Math.min(1, c + h)];
}

const SD = 10;
const MEAN = 100;

function scenario(a: Args, stats: StatisticsSettings, effect: number) {
  let hits = 0;
  const at: number[] = [];
  for (let s = 0; s < a.sessions; s++) {
    const seed = a.firstSeed + s;
    const means = Array.from({ length: a.runs }, () => MEAN);
    // Where the better config hides among the proposals: drawn from the session's own seed.
    const good = effect > 0 ? 1 + Math.floor(createRng(seed ^ 0x5eed)() * (a.runs - 1)) : -1;
    if (good > 0) means[good] = MEAN + effect * SD;
    const out = simulateSession({ runs: a.runs, means, sd: SD, n: a.n, seed, stats });
    const hit = effect > 0 ? out.config === good : out.config !== 0;
    if (hit) {
      hits++;
      at.push(out.promotedAt);
    }
  }
  at.sort((x, y) => x - y);
  const [lo, hi] = wilson(hits, a.sessions);
  return { share: hits / a.sessions, interval: [lo, hi] as [number, number], medianRun: at.length > 0 ? at[Math.floor((at.length - 1) / 2)]! : null };
}

function main(): number {
  let a: Args;
  try {
    a = parseArgs(process.argv.slice(2));
  } catch (err) {
    process.stderr.write(`${(err as Error).message}\n`);
    return 2;
  }
  const defaults = parseSettings({
    trainer: { command: ['x'] },
    metric: { name: 'score', direction: 'maximize' },
    timeouts: { quick: { wall_seconds: 60, no_output_seconds: 60 } },
  }).statistics;
  // The old rule as it shipped: replicates pooled with the sample that selected them, the percentile bootstrap.
  const rules = { old: { ...defaults, confirmation: 'pooled' as const, interval: 'percentile' as const }, new: defaults };
  const rows: { rule: string; scenario: string; share: number; interval: [number, number]; medianRun: number | null }[] = [];
  const t0 = performance.now();
  for (const [rule, stats] of Object.entries(rules))
    for (const [name, effect] of [
      ['noise', 0],
      ['0.3 sd', 0.3],
      ['0.5 sd', 0.5],
      ['1.0 sd', 1.0],
    ] as const) {
      rows.push({ rule, scenario: name, ...scenario(a, stats, effect) });
      if (!a.json) process.stderr.write(`  ${rule} ${name}: done (${((performance.now() - t0) / 1000).toFixed(0)} s)\n`);
    }
  const noiseNew = rows.find((r) => r.rule === 'new' && r.scenario === 'noise')!;
  const pass = noiseNew.share <= 0.05;
  if (a.json) {
    process.stdout.write(`${JSON.stringify({ args: a, rows, pass })}\n`);
    return pass ? 0 : 1;
  }
  const pct = (p: number) => `${(p * 100).toFixed(1)}%`;
  console.log(`bench:decisions — ${a.sessions} sessions x ${a.runs} runs, ${a.n} values per run (sd ${SD}), seeds ${a.firstSeed}..${a.firstSeed + a.sessions - 1}`);
  console.log(`new rule's budget: ${describeErrorControl(errorControl(defaults, a.runs))}`);
  console.log('rule  scenario  share of sessions [95% CI]     median run');
  for (const r of rows) console.log(`${r.rule.padEnd(5)} ${r.scenario.padEnd(9)} ${`${pct(r.share)} [${pct(r.interval[0])}, ${pct(r.interval[1])}]`.padEnd(28)} ${r.medianRun ?? '-'}`);
  console.log('noise: sessions that promoted anything (all configs equal); 0.3/0.5/1.0 sd: sessions that ended with the better config as incumbent');
  console.log(`${pass ? 'PASS' : 'FAIL'}: the new rule promotes under pure noise in ${pct(noiseNew.share)} of sessions (target <= 5%)`);
  return pass ? 0 : 1;
}

process.exitCode = main();
