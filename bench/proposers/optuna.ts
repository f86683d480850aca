/**
 * Optuna's TPESampler for bench:proposers: the policy's search space in Optuna's terms, and a
 * client of bench/optuna_ask_tell.py (one /usr/bin/python3 process serving every study).
 */
import { spawn, spawnSync, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import type { Scalar } from '../../domain/config/config.js';
import { powersOfTwoIn, type Policy } from '../../domain/policy/policy.js';
import { PROJECT_ROOT } from '../../adapters/workspace.js';

/** Debian's python3-optuna lives under the system interpreter, not a pyenv one first on PATH. */
export const PYTHON = '/usr/bin/python3';
const SERVER = join(PROJECT_ROOT, 'bench', 'optuna_ask_tell.py');

/** One parameter of an Optuna search space. */
export type OptunaParam = { kind: 'float' | 'int'; low: number; high: number; log: boolean } | { kind: 'cat'; choices: Scalar[] };

/** An Optuna search space for a policy, and the way back from Optuna's parameters to policy overrides. */
export interface OptunaSpace {
  space: Record<string, OptunaParam>;
  toOverrides: (params: Record<string, Scalar>) => Record<string, Scalar>;
  /** Optuna's parameters for policy values (the way there, as bench/optuna_propose.py maps a run's config). */
  toParams(overrides: Record<string, Scalar>): Record<string, Scalar>;
}

/**
 * The space a careful Optuna user would write for `policy`: log=True for log-scaled keys
 * (`log_normal`, or ranges of 100x and more, as random search treats them), 1 − x on a log scale
 * for `logit_normal` keys, the exponent as an integer for powers of two, IntDistribution for
 * integers (log=True for `log_normal`), categorical for enums and booleans. Values mapped back
 * are clamped to the policy's range (1 − (1 − x) can round past it).
 */
export function optunaSpace(policy: Policy): OptunaSpace {
  const space: Record<string, OptunaParam> = {};
  const back: Array<(p: Record<string, Scalar>, o: Record<string, Scalar>) => void> = [];
  const there: Array<(o: Record<string, Scalar>, p: Record<string, Scalar>) => void> = [];
  const clamp = (x: number, lo: number, hi: number) => Math.min(hi, Math.max(lo, x));
  for (const [key, spec] of Object.entries(policy.keys)) {
    if (spec.type === 'number' && spec.distribution === 'logit_normal') {
      const name = `one_minus:${key}`;
      space[name] = { kind: 'float', low: 1 - spec.max, high: 1 - spec.min, log: true };
      back.push((p, o) => (o[key] = clamp(1 - (p[name] as number), spec.min, spec.max)));
      there.push((o, p) => (p[name] = clamp(1 - (o[key] as number), 1 - spec.max, 1 - spec.min)));
    } else if (spec.type === 'number') {
      const log = spec.distribution === 'log_normal' || (spec.min > 0 && spec.max / spec.min >= 100);
      space[key] = { kind: 'float', low: spec.min, high: spec.max, log };
      back.push((p, o) => (o[key] = clamp(p[key] as number, spec.min, spec.max)));
      there.push((o, p) => (p[key] = o[key] as number));
    } else if (spec.type === 'integer' && spec.distribution === 'uniform_pow2') {
      const powers = powersOfTwoIn(spec.min, spec.max);
      const name = `log2:${key}`;
      space[name] = { kind: 'int', low: Math.log2(powers[0] ?? 1), high: Math.log2(powers.at(-1) ?? 1), log: false };
      back.push((p, o) => (o[key] = 2 ** (p[name] as number)));
      there.push((o, p) => (p[name] = Math.round(Math.log2(o[key] as number))));
    } else if (spec.type === 'integer') {
      space[key] = { kind: 'int', low: spec.min, high: spec.max, log: spec.distribution === 'log_normal' };
      back.push((p, o) => (o[key] = p[key] as number));
      there.push((o, p) => (p[key] = o[key] as number));
    } else if (spec.type === 'boolean') {
      space[key] = { kind: 'cat', choices: [false, true] };
      back.push((p, o) => (o[key] = p[key] as boolean));
      there.push((o, p) => (p[key] = o[key] as boolean));
    } else {
      space[key] = { kind: 'cat', choices: [...spec.choices] };
      back.push((p, o) => (o[key] = p[key] as Scalar));
      there.push((o, p) => (p[key] = o[key] as Scalar));
    }
  }
  return {
    space,
    toOverrides: (p) => {
      const o: Record<string, Scalar> = {};
      for (const b of back) b(p, o);
      return o;
    },
    toParams: (o) => {
      const p: Record<string, Scalar> = {};
      for (const t of there) t(o, p);
      return p;
    },
  };
}

/** Optuna's version under {@link PYTHON}, or an error message when it cannot be imported. */
export function optunaVersion(): { ok: true; version: string } | { ok: false; message: string } {
  const r = spawnSync(PYTHON, ['-c', 'import optuna; print(optuna.__version__)'], { encoding: 'utf8' });
  return r.status === 0 ? { ok: true, version: r.stdout.trim() } : { ok: false, message: `${r.error?.message ?? ''}${r.stderr}` };
}

/** The ask/tell server: requests are queued, so concurrent studies may share it. */
export class OptunaServer {
  readonly #child: ChildProcessWithoutNullStreams;
  readonly #lines: AsyncIterator<string>;
  #queue: Promise<unknown> = Promise.resolve();
  #studies = 0;

  constructor() {
    this.#child = spawn(PYTHON, [SERVER], { stdio: ['pipe', 'pipe', 'pipe'] });
    this.#child.stderr.on('data', (d: Buffer) => process.stderr.write(d));
    this.#lines = createInterface({ input: this.#child.stdout })[Symbol.asyncIterator]();
  }

  /** Sends one request and waits for its answer, after every earlier request. */
  call(msg: Record<string, unknown>): Promise<Record<string, unknown>> {
    const next = this.#queue.then(async () => {
      this.#child.stdin.write(`${JSON.stringify(msg)}\n`);
      const line = await this.#lines.next();
      if (line.done) throw new Error('the Optuna server ended');
      const reply = JSON.parse(line.value) as Record<string, unknown>;
      if (typeof reply['error'] === 'string') throw new Error(`Optuna server: ${reply['error']}`);
      return reply;
    });
    this.#queue = next.catch(() => undefined);
    return next;
  }

  /** A new study over `space` (TPESampler(multivariate=True), `startup` random trials first). */
  async study(space: OptunaSpace['space'], seed: number, startup: number, direction: 'minimize' | 'maximize'): Promise<OptunaStudy> {
    const id = String(++this.#studies);
    await this.call({ op: 'create', id, space, seed, startup, direction });
    return {
      ask: async () => (await this.call({ op: 'ask', id }))['params'] as Record<string, Scalar>,
      tell: async (value) => void (await this.call({ op: 'tell', id, value })),
      close: async () => void (await this.call({ op: 'close', id })),
    };
  }

  /** Optuna's next trial for a fresh study holding `trials` (value null: failed), as bench/optuna_propose.py asks on each loop call. */
  async propose(space: OptunaSpace['space'], trials: Array<{ params: Record<string, Scalar>; value: number | null }>, seed: number, startup: number, direction: 'minimize' | 'maximize') {
    return (await this.call({ op: 'propose', space, trials, seed, startup, direction }))['params'] as Record<string, Scalar>;
  }

  /** Ends the server process. */
  close(): void {
    this.#child.stdin.end();
  }
}

/** One Optuna study: ask for parameters, tell the score (null: the trial failed). */
export interface OptunaStudy {
  ask(): Promise<Record<string, Scalar>>;
  tell(value: number | null): Promise<void>;
  close(): Promise<void>;
}
