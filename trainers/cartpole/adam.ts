/**
 * Adam optimizer (Kingma & Ba, with PyTorch's bias correction) over one flat
 * parameter array, plus global-norm gradient clipping.
 */

/** Hyperparameters of {@link Adam}. */
export interface AdamOptions {
  readonly beta1: number;
  readonly beta2: number;
  readonly eps: number;
}

/** Serializable optimizer state (moments and step count). */
export interface AdamState {
  readonly step: number;
  readonly m: number[];
  readonly v: number[];
}

/** Adam over a flat Float64Array of parameters. */
export class Adam {
  readonly m: Float64Array;
  readonly v: Float64Array;
  /** Number of updates applied so far. */
  step = 0;
  private readonly opts: AdamOptions;

  /** @param size number of parameters */
  constructor(size: number, opts: AdamOptions = { beta1: 0.9, beta2: 0.999, eps: 1e-8 }) {
    this.m = new Float64Array(size);
    this.v = new Float64Array(size);
    this.opts = opts;
  }

  /** Apply one update `params -= lr * mhat / (sqrt(vhat) + eps)` from `grads`. */
  update(params: Float64Array, grads: Float64Array, lr: number): void {
    const { beta1, beta2, eps } = this.opts;
    this.step += 1;
    const bc1 = 1 - Math.pow(beta1, this.step);
    const bc2 = 1 - Math.pow(beta2, this.step);
    const stepSize = lr / bc1;
    const sqrtBc2 = Math.sqrt(bc2);
    const m = this.m;
    const v = this.v;
    for (let i = 0; i < params.length; i++) {
      const g = grads[i]!;
      const mi = beta1 * m[i]! + (1 - beta1) * g;
      const vi = beta2 * v[i]! + (1 - beta2) * g * g;
      m[i] = mi;
      v[i] = vi;
      params[i] = params[i]! - (stepSize * mi) / (Math.sqrt(vi) / sqrtBc2 + eps);
    }
  }

  /** Snapshot for checkpoints. */
  getState(): AdamState {
    return { step: this.step, m: Array.from(this.m), v: Array.from(this.v) };
  }

  /** Restore a snapshot taken by {@link getState} (sizes must match). */
  setState(s: AdamState): void {
    if (s.m.length !== this.m.length || s.v.length !== this.v.length) {
      throw new RangeError(`optimizer state has ${s.m.length} entries, expected ${this.m.length}`);
    }
    this.step = s.step;
    this.m.set(s.m);
    this.v.set(s.v);
  }
}

/**
 * Scale `grads` in place so that their global L2 norm is at most `maxNorm`.
 * @returns the norm before clipping
 */
export function clipGradNorm(grads: Float64Array, maxNorm: number): number {
  let sq = 0;
  for (let i = 0; i < grads.length; i++) sq += grads[i]! * grads[i]!;
  const norm = Math.sqrt(sq);
  if (norm > maxNorm && norm > 0) {
    const scale = maxNorm / (norm + 1e-6);
    for (let i = 0; i < grads.length; i++) grads[i] = grads[i]! * scale;
  }
  return norm;
}
