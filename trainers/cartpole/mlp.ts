/**
 * A multilayer perceptron over Float64Array with tanh hidden layers and a
 * linear output layer, with hand-written batched forward and backward passes.
 *
 * Parameters and gradients live in caller-provided flat arrays (views), so
 * several networks can share one optimizer over one contiguous buffer.
 * Layout per layer: weights `out x in` row-major, then `out` biases.
 */
import type { Rng } from './rng.js';

/** Number of parameters of an MLP with layer sizes `[in, h1, ..., out]`. */
export function mlpParamCount(sizes: readonly number[]): number {
  let n = 0;
  for (let l = 0; l + 1 < sizes.length; l++) n += sizes[l + 1]! * sizes[l]! + sizes[l + 1]!;
  return n;
}

/**
 * Fill `w` (a `rows x cols` row-major matrix) with a (semi-)orthogonal matrix
 * scaled by `gain`, like `torch.nn.init.orthogonal_`.
 */
export function orthogonalInit(w: Float64Array, rows: number, cols: number, gain: number, rng: Rng): void {
  const tall = rows >= cols;
  const n = tall ? rows : cols; // vector length
  const k = tall ? cols : rows; // number of orthonormal vectors
  const vecs: Float64Array[] = [];
  for (let v = 0; v < k; v++) {
    const a = new Float64Array(n);
    for (;;) {
      for (let i = 0; i < n; i++) a[i] = rng.normal();
      for (const u of vecs) {
        let dot = 0;
        for (let i = 0; i < n; i++) dot += a[i]! * u[i]!;
        for (let i = 0; i < n; i++) a[i] = a[i]! - dot * u[i]!;
      }
      let norm = 0;
      for (let i = 0; i < n; i++) norm += a[i]! * a[i]!;
      norm = Math.sqrt(norm);
      if (norm > 1e-8) {
        for (let i = 0; i < n; i++) a[i] = a[i]! / norm;
        break;
      }
    }
    vecs.push(a);
  }
  for (let r = 0; r < rows; r++) {
    for (let c = 0; c < cols; c++) {
      // tall: columns are the orthonormal vectors; wide: rows are.
      w[r * cols + c] = gain * (tall ? vecs[c]![r]! : vecs[r]![c]!);
    }
  }
}

/** Batched MLP bound to parameter and gradient views of length {@link mlpParamCount}. */
export class Mlp {
  readonly sizes: readonly number[];
  readonly params: Float64Array;
  readonly grads: Float64Array;
  private readonly wOff: number[] = [];
  private readonly bOff: number[] = [];
  /** acts[l]: input of layer l (acts[0] = network input), acts[L] = output. */
  private acts: Float64Array[] = [];
  private deltas: Float64Array[] = [];
  private capacity = 0;
  private lastBatch = 0;

  /**
   * @param sizes layer sizes `[in, hidden..., out]` (at least two entries)
   * @param params parameter view (length `mlpParamCount(sizes)`)
   * @param grads gradient view of the same length; {@link backward} adds into it
   */
  constructor(sizes: readonly number[], params: Float64Array, grads: Float64Array) {
    if (sizes.length < 2) throw new RangeError('an MLP needs at least an input and an output size');
    const n = mlpParamCount(sizes);
    if (params.length !== n || grads.length !== n) {
      throw new RangeError(`MLP ${sizes.join('x')} needs ${n} parameters, got ${params.length} / ${grads.length}`);
    }
    this.sizes = [...sizes];
    this.params = params;
    this.grads = grads;
    let off = 0;
    for (let l = 0; l + 1 < sizes.length; l++) {
      this.wOff.push(off);
      off += sizes[l + 1]! * sizes[l]!;
      this.bOff.push(off);
      off += sizes[l + 1]!;
    }
  }

  /** Number of weight layers. */
  get numLayers(): number {
    return this.sizes.length - 1;
  }

  /**
   * Orthogonal weights with one gain per layer, zero biases (the CleanRL/PufferLib PPO init).
   * @param gains one gain per weight layer
   */
  init(gains: readonly number[], rng: Rng): void {
    for (let l = 0; l < this.numLayers; l++) {
      const nin = this.sizes[l]!;
      const nout = this.sizes[l + 1]!;
      orthogonalInit(this.params.subarray(this.wOff[l], this.wOff[l]! + nout * nin), nout, nin, gains[l] ?? 1, rng);
      this.params.fill(0, this.bOff[l], this.bOff[l]! + nout);
    }
  }

  private ensure(batch: number): void {
    if (batch <= this.capacity) return;
    this.capacity = batch;
    this.acts = this.sizes.map((s) => new Float64Array(batch * s));
    this.deltas = this.sizes.map((s) => new Float64Array(batch * s));
  }

  /**
   * Forward pass for `batch` rows of `x` (`batch x in`, row-major).
   * @returns a view of the outputs (`batch x out`), valid until the next call
   */
  forward(x: Float64Array, batch: number): Float64Array {
    this.ensure(batch);
    const sizes = this.sizes;
    const p = this.params;
    const L = this.numLayers;
    const x0 = this.acts[0]!;
    const n0 = batch * sizes[0]!;
    for (let k = 0; k < n0; k++) x0[k] = x[k]!;
    for (let l = 0; l < L; l++) {
      const nin = sizes[l]!;
      const nout = sizes[l + 1]!;
      const inp = this.acts[l]!;
      const out = this.acts[l + 1]!;
      const wo = this.wOff[l]!;
      const bo = this.bOff[l]!;
      const hidden = l < L - 1;
      const nout4 = nout - (nout % 4);
      for (let b = 0; b < batch; b++) {
        const xo = b * nin;
        const oo = b * nout;
        // four output rows at a time: independent accumulators, one load of each input
        let j = 0;
        for (; j < nout4; j += 4) {
          const r0 = wo + j * nin;
          const r1 = r0 + nin;
          const r2 = r1 + nin;
          const r3 = r2 + nin;
          let s0 = p[bo + j]!;
          let s1 = p[bo + j + 1]!;
          let s2 = p[bo + j + 2]!;
          let s3 = p[bo + j + 3]!;
          for (let i = 0; i < nin; i++) {
            const xi = inp[xo + i]!;
            s0 += p[r0 + i]! * xi;
            s1 += p[r1 + i]! * xi;
            s2 += p[r2 + i]! * xi;
            s3 += p[r3 + i]! * xi;
          }
          if (hidden) {
            out[oo + j] = Math.tanh(s0);
            out[oo + j + 1] = Math.tanh(s1);
            out[oo + j + 2] = Math.tanh(s2);
            out[oo + j + 3] = Math.tanh(s3);
          } else {
            out[oo + j] = s0;
            out[oo + j + 1] = s1;
            out[oo + j + 2] = s2;
            out[oo + j + 3] = s3;
          }
        }
        for (; j < nout; j++) {
          let s = p[bo + j]!;
          const rw = wo + j * nin;
          for (let i = 0; i < nin; i++) s += p[rw + i]! * inp[xo + i]!;
          out[oo + j] = hidden ? Math.tanh(s) : s;
        }
      }
    }
    this.lastBatch = batch;
    return this.acts[L]!.subarray(0, batch * sizes[L]!);
  }

  /**
   * Backward pass for the last {@link forward} call: adds d(loss)/d(params)
   * into {@link grads}, given d(loss)/d(output) (`batch x out`, row-major).
   * (The gradient with respect to the network input is not computed.)
   */
  backward(dOut: Float64Array): void {
    const batch = this.lastBatch;
    const sizes = this.sizes;
    const p = this.params;
    const g = this.grads;
    const L = this.numLayers;
    const dL = this.deltas[L]!;
    const nL = batch * sizes[L]!;
    for (let k = 0; k < nL; k++) dL[k] = dOut[k]!;
    for (let l = L - 1; l >= 0; l--) {
      const nin = sizes[l]!;
      const nout = sizes[l + 1]!;
      const inp = this.acts[l]!;
      const delta = this.deltas[l + 1]!;
      const needIn = l > 0;
      const dIn = this.deltas[l]!;
      if (needIn) dIn.fill(0, 0, batch * nin);
      const wo = this.wOff[l]!;
      const bo = this.bOff[l]!;
      const nout4 = nout - (nout % 4);
      for (let b = 0; b < batch; b++) {
        const xo = b * nin;
        const oo = b * nout;
        let j = 0;
        for (; j < nout4; j += 4) {
          const d0 = delta[oo + j]!;
          const d1 = delta[oo + j + 1]!;
          const d2 = delta[oo + j + 2]!;
          const d3 = delta[oo + j + 3]!;
          if (d0 === 0 && d1 === 0 && d2 === 0 && d3 === 0) continue;
          g[bo + j] = g[bo + j]! + d0;
          g[bo + j + 1] = g[bo + j + 1]! + d1;
          g[bo + j + 2] = g[bo + j + 2]! + d2;
          g[bo + j + 3] = g[bo + j + 3]! + d3;
          const r0 = wo + j * nin;
          const r1 = r0 + nin;
          const r2 = r1 + nin;
          const r3 = r2 + nin;
          if (needIn) {
            for (let i = 0; i < nin; i++) {
              const xi = inp[xo + i]!;
              g[r0 + i] = g[r0 + i]! + d0 * xi;
              g[r1 + i] = g[r1 + i]! + d1 * xi;
              g[r2 + i] = g[r2 + i]! + d2 * xi;
              g[r3 + i] = g[r3 + i]! + d3 * xi;
              dIn[xo + i] = dIn[xo + i]! + p[r0 + i]! * d0 + p[r1 + i]! * d1 + p[r2 + i]! * d2 + p[r3 + i]! * d3;
            }
          } else {
            for (let i = 0; i < nin; i++) {
              const xi = inp[xo + i]!;
              g[r0 + i] = g[r0 + i]! + d0 * xi;
              g[r1 + i] = g[r1 + i]! + d1 * xi;
              g[r2 + i] = g[r2 + i]! + d2 * xi;
              g[r3 + i] = g[r3 + i]! + d3 * xi;
            }
          }
        }
        for (; j < nout; j++) {
          const d = delta[oo + j]!;
          if (d === 0) continue;
          g[bo + j] = g[bo + j]! + d;
          const rw = wo + j * nin;
          for (let i = 0; i < nin; i++) {
            g[rw + i] = g[rw + i]! + d * inp[xo + i]!;
            if (needIn) dIn[xo + i] = dIn[xo + i]! + p[rw + i]! * d;
          }
        }
      }
      if (needIn) {
        // inp holds tanh outputs of layer l-1: d tanh = 1 - a^2
        for (let k = 0; k < batch * nin; k++) {
          const a = inp[k]!;
          dIn[k] = dIn[k]! * (1 - a * a);
        }
      }
    }
  }
}
