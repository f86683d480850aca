/** The command line of bench:proposers: `--suite core|loop|all --only a,b --seeds N --first-seed N --budget N --jobs N --json`. */

/** The command line of bench:proposers. */
export interface Args {
  /** `core`: the proposers called directly; `loop`: through `autopilot loop`; `all`: both (the default). */
  suite: Suite;
  only: string[] | null;
  seeds: number;
  firstSeed: number;
  budget: number;
  jobs: number;
  json: boolean;
}

/** The suites bench:proposers can run. */
export const SUITES = ['core', 'loop', 'all'] as const;
/** Which suite(s) to run. */
export type Suite = (typeof SUITES)[number];

/** A bad command line (exit 2). */
export class UsageError extends Error {}

const VALUE_FLAGS = ['suite', 'only', 'seeds', 'first-seed', 'budget', 'jobs'] as const;

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
  return {
    suite: suite as Suite,
    only: values.get('only')?.split(',').filter(Boolean) ?? null,
    seeds: int('seeds', 10, 1),
    firstSeed: int('first-seed', 0, 0),
    budget: int('budget', 30, 3),
    jobs: int('jobs', 2, 1),
    json,
  };
}

