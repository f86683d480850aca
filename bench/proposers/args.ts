/** The command line of bench:proposers: `--suite core|loop|all|sim --only a,b --seeds N --first-seed N --budget N --jobs N --tpe JSON --json`. */
import { UsageError } from '../../domain/errors.js';

/** The command line of bench:proposers. */
export interface Args {
  /** `core`: the proposers called directly; `loop`: through `autopilot loop`; `all`: both (the default); `sim`: the loop suite in process (bench/loop/sim.ts). */
  suite: Suite;
  only: string[] | null;
  seeds: number;
  firstSeed: number;
  budget: number;
  jobs: number;
  json: boolean;
  /** Options of the built-in TPE for `--suite sim` (`--tpe '{"jumpEvery":1,"exploit":false}'`), for choosing settings; {} is the defaults. */
  tpe: Record<string, unknown>;
}

/** The suites bench:proposers can run. */
export const SUITES = ['core', 'loop', 'all', 'sim'] as const;
/** Which suite(s) to run. */
export type Suite = (typeof SUITES)[number];

/** A bad command line (exit 2): autopilot's one UsageError. */
export { UsageError };

const VALUE_FLAGS = ['suite', 'only', 'seeds', 'first-seed', 'budget', 'jobs', 'tpe'] as const;

/** `--tpe`'s JSON object of TPE options (numbers and booleans: the schedule's and the model's counts and switches). */
function parseTpe(raw: string | undefined): Record<string, unknown> {
  if (raw === undefined) return {};
  let v: unknown;
  try {
    v = JSON.parse(raw);
  } catch {
    throw new UsageError(`--tpe must be a JSON object such as '{"jumpEvery":1}' (got ${raw})`);
  }
  if (typeof v !== 'object' || v === null || Array.isArray(v) || !Object.values(v).every((x) => typeof x === 'boolean' || (typeof x === 'number' && Number.isFinite(x))))
    throw new UsageError(`--tpe must be a JSON object of numeric or boolean TPE options such as '{"jumpEvery":1,"exploit":false}' (got ${raw})`);
  return v as Record<string, unknown>;
}

/** Parses the flags; throws a {@link UsageError} on an unknown flag or a bad value. */
export function parseArgs(argv: readonly string[]): Args {
  const values = new Map<string, string>();
  let json = false;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string;
    const name = arg.replace(/^--/, '');
    if (arg === '--json') json = true;
    else if (arg.startsWith('--') && (VALUE_FLAGS as readonly string[]).includes(name) && i + 1 < argv.length) values.set(name, argv[++i] as string);
    else throw new UsageError(`unknown or incomplete flag ${arg} (flags: ${VALUE_FLAGS.map((f) => `--${f} X`).join(', ')}, --json)`);
  }
  const int = (name: string, dflt: number, min: number) => {
    const raw = values.get(name);
    const v = raw === undefined ? dflt : Number(raw);
    if (!Number.isInteger(v) || v < min) throw new UsageError(`--${name} must be an integer >= ${min} (got ${raw})`);
    return v;
  };
  const suite = values.get('suite') ?? 'all';
  if (!(SUITES as readonly string[]).includes(suite)) throw new UsageError(`--suite must be one of ${SUITES.join(', ')} (got ${suite})`);
  const tpe = parseTpe(values.get('tpe'));
  if (Object.keys(tpe).length > 0 && suite !== 'sim') throw new UsageError('--tpe is only for --suite sim (the other suites run the built-in TPE as it ships)');
  return {
    suite: suite as Suite,
    tpe,
    only: values.get('only')?.split(',').filter(Boolean) ?? null,
    seeds: int('seeds', 10, 1),
    firstSeed: int('first-seed', 0, 0),
    budget: int('budget', 30, 3),
    jobs: int('jobs', 2, 1),
    json,
  };
}
