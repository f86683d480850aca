/**
 * The actor-critic: two separate MLPs (policy logits and state value) whose
 * parameters share one flat buffer so one optimizer and one gradient clip
 * cover both.
 */
import { NUM_ACTIONS, OBS_SIZE } from './env.js';
import { Mlp, mlpParamCount } from './mlp.js';
import type { Rng } from './rng.js';

/** Network shape, stored in checkpoints and compared on load. */
export interface Architecture {
  readonly kind: 'mlp_actor_critic';
  readonly obs_size: number;
  readonly num_actions: number;
  /** Hidden layer widths, the same for actor and critic. */
  readonly hidden_sizes: readonly number[];
  readonly activation: 'tanh';
}

/** The architecture used for a given `--train.hidden-size` (two tanh hidden layers). */
export function architectureFor(hiddenSize: number): Architecture {
  return { kind: 'mlp_actor_critic', obs_size: OBS_SIZE, num_actions: NUM_ACTIONS, hidden_sizes: [hiddenSize, hiddenSize], activation: 'tanh' };
}

/**
 * Describe how two architectures differ.
 * @returns null when they are the same, else a human-readable difference
 */
export function architectureMismatch(expected: Architecture, got: Architecture): string | null {
  const a = JSON.stringify(expected);
  const b = JSON.stringify({ kind: got.kind, obs_size: got.obs_size, num_actions: got.num_actions, hidden_sizes: got.hidden_sizes, activation: got.activation });
  return a === b ? null : `expected ${a}, checkpoint has ${b}`;
}

/** Actor (logits) and critic (value) MLPs over one parameter buffer. */
export class ActorCritic {
  readonly arch: Architecture;
  /** All parameters: actor first, then critic. */
  readonly params: Float64Array;
  /** Gradients, same layout as {@link params}. */
  readonly grads: Float64Array;
  readonly actor: Mlp;
  readonly critic: Mlp;
  readonly actorSize: number;

  constructor(arch: Architecture) {
    this.arch = arch;
    const actorSizes = [arch.obs_size, ...arch.hidden_sizes, arch.num_actions];
    const criticSizes = [arch.obs_size, ...arch.hidden_sizes, 1];
    this.actorSize = mlpParamCount(actorSizes);
    const total = this.actorSize + mlpParamCount(criticSizes);
    this.params = new Float64Array(total);
    this.grads = new Float64Array(total);
    this.actor = new Mlp(actorSizes, this.params.subarray(0, this.actorSize), this.grads.subarray(0, this.actorSize));
    this.critic = new Mlp(criticSizes, this.params.subarray(this.actorSize), this.grads.subarray(this.actorSize));
  }

  /** CleanRL-style init: orthogonal, gain sqrt(2) for hidden layers, 0.01 for the policy head, 1 for the value head. */
  init(rng: Rng): void {
    const hidden = this.arch.hidden_sizes.map(() => Math.SQRT2);
    this.actor.init([...hidden, 0.01], rng);
    this.critic.init([...hidden, 1.0], rng);
  }

  /** Zero the gradient buffer. */
  zeroGrad(): void {
    this.grads.fill(0);
  }
}

/**
 * Log-softmax of each row of `logits` (`batch x k`) into `out`.
 */
export function logSoftmaxRows(logits: Float64Array, batch: number, k: number, out: Float64Array): void {
  for (let b = 0; b < batch; b++) {
    const o = b * k;
    let m = -Infinity;
    for (let j = 0; j < k; j++) if (logits[o + j]! > m) m = logits[o + j]!;
    let s = 0;
    for (let j = 0; j < k; j++) s += Math.exp(logits[o + j]! - m);
    const lse = m + Math.log(s);
    for (let j = 0; j < k; j++) out[o + j] = logits[o + j]! - lse;
  }
}

/** Index of the largest entry of row `b` (ties go to the lowest index). */
export function argmaxRow(values: Float64Array, b: number, k: number): number {
  const o = b * k;
  let best = 0;
  for (let j = 1; j < k; j++) if (values[o + j]! > values[o + best]!) best = j;
  return best;
}
