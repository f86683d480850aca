import { describe, expect, it } from 'vitest';
import { Adam, clipGradNorm } from '../../../trainers/cartpole/adam.js';
import { Mlp, mlpParamCount, orthogonalInit } from '../../../trainers/cartpole/mlp.js';
import { Rng } from '../../../trainers/cartpole/rng.js';

function makeMlp(sizes: number[], seed: number): Mlp {
  const n = mlpParamCount(sizes);
  const mlp = new Mlp(sizes, new Float64Array(n), new Float64Array(n));
  const rng = new Rng(seed);
  for (let i = 0; i < n; i++) mlp.params[i] = rng.normal() * 0.7;
  return mlp;
}

function randomArray(n: number, rng: Rng): Float64Array {
  const a = new Float64Array(n);
  for (let i = 0; i < n; i++) a[i] = rng.normal();
  return a;
}

describe('when an MLP runs forward', () => {
  it('computes tanh hidden layers and a linear output', () => {
    // sizes [2, 1, 1]: w1 (1x2), b1, w2 (1x1), b2
    const p = new Float64Array([0.5, -0.25, 0.1, 2.0, -0.3]);
    const mlp = new Mlp([2, 1, 1], p, new Float64Array(5));
    const out = mlp.forward(new Float64Array([1, 2, -1, 0.5]), 2);
    const h0 = Math.tanh(0.5 * 1 - 0.25 * 2 + 0.1);
    const h1 = Math.tanh(0.5 * -1 - 0.25 * 0.5 + 0.1);
    expect(out[0]).toBeCloseTo(2 * h0 - 0.3, 15);
    expect(out[1]).toBeCloseTo(2 * h1 - 0.3, 15);
  });

  it('counts weights and biases of every layer', () => {
    expect(mlpParamCount([4, 32, 32, 2])).toBe(4 * 32 + 32 + 32 * 32 + 32 + 32 * 2 + 2);
  });
});

describe('when an MLP runs backward', () => {
  // widths that exercise both the 4-row blocks and the remainder rows
  for (const sizes of [
    [3, 5, 4, 2],
    [4, 8, 8, 1],
    [2, 7, 3],
  ]) {
    it(`matches central-difference gradients for layers ${sizes.join('x')}`, () => {
      const mlp = makeMlp(sizes, 11);
      const rng = new Rng(5);
      const batch = 3;
      const x = randomArray(batch * sizes[0]!, rng);
      const c = randomArray(batch * sizes[sizes.length - 1]!, rng);
      const loss = (): number => {
        const out = mlp.forward(x, batch);
        let s = 0;
        for (let i = 0; i < out.length; i++) s += out[i]! * c[i]! + 0.5 * out[i]! * out[i]!;
        return s;
      };
      const out = mlp.forward(x, batch);
      const dOut = new Float64Array(out.length);
      for (let i = 0; i < out.length; i++) dOut[i] = c[i]! + out[i]!;
      mlp.grads.fill(0);
      mlp.backward(dOut);
      const analytic = Float64Array.from(mlp.grads);
      const eps = 1e-6;
      for (let i = 0; i < mlp.params.length; i++) {
        const orig = mlp.params[i]!;
        mlp.params[i] = orig + eps;
        const up = loss();
        mlp.params[i] = orig - eps;
        const down = loss();
        mlp.params[i] = orig;
        const numeric = (up - down) / (2 * eps);
        expect(Math.abs(numeric - analytic[i]!)).toBeLessThan(1e-6 * Math.max(1, Math.abs(numeric)));
      }
    });
  }

  it('accumulates into the gradient buffer instead of overwriting it', () => {
    const mlp = makeMlp([2, 4, 1], 2);
    const x = new Float64Array([0.3, -0.2]);
    mlp.forward(x, 1);
    mlp.grads.fill(0);
    mlp.backward(new Float64Array([1]));
    const once = Float64Array.from(mlp.grads);
    mlp.forward(x, 1);
    mlp.backward(new Float64Array([1]));
    for (let i = 0; i < once.length; i++) expect(mlp.grads[i]).toBeCloseTo(2 * once[i]!, 12);
  });
});

describe('when weights are initialized orthogonally', () => {
  for (const [rows, cols] of [
    [8, 4],
    [4, 8],
    [6, 6],
  ] as const) {
    it(`gives ${rows}x${cols} orthonormal ${rows >= cols ? 'columns' : 'rows'} scaled by the gain`, () => {
      const w = new Float64Array(rows * cols);
      orthogonalInit(w, rows, cols, 2, new Rng(1));
      const k = Math.min(rows, cols);
      for (let a = 0; a < k; a++) {
        for (let b = 0; b < k; b++) {
          let dot = 0;
          for (let t = 0; t < Math.max(rows, cols); t++) {
            dot += rows >= cols ? w[t * cols + a]! * w[t * cols + b]! : w[a * cols + t]! * w[b * cols + t]!;
          }
          expect(dot).toBeCloseTo(a === b ? 4 : 0, 10);
        }
      }
    });
  }
});

describe('when Adam updates parameters', () => {
  it('moves each parameter by about lr against its gradient sign on the first step', () => {
    const adam = new Adam(2, { beta1: 0.9, beta2: 0.999, eps: 1e-8 });
    const p = new Float64Array([1, 1]);
    adam.update(p, new Float64Array([0.5, -3]), 0.1);
    expect(p[0]).toBeCloseTo(0.9, 6);
    expect(p[1]).toBeCloseTo(1.1, 6);
  });

  it('follows the bias-corrected moment formula on later steps', () => {
    const adam = new Adam(1, { beta1: 0.9, beta2: 0.999, eps: 1e-8 });
    const p = new Float64Array([0]);
    adam.update(p, new Float64Array([1]), 0.01);
    adam.update(p, new Float64Array([2]), 0.01);
    const m = 0.9 * 0.1 + 0.1 * 2;
    const v = 0.999 * 0.001 + 0.001 * 4;
    const mhat = m / (1 - 0.81);
    const vhat = v / (1 - 0.999 ** 2);
    const first = -0.01 / (1 + 1e-8);
    expect(p[0]).toBeCloseTo(first - (0.01 * mhat) / (Math.sqrt(vhat) + 1e-8), 14);
  });
});

describe('when gradients are clipped by global norm', () => {
  it('scales them down to the limit and reports the original norm', () => {
    const g = new Float64Array([3, 4]);
    expect(clipGradNorm(g, 1)).toBe(5);
    expect(Math.hypot(g[0]!, g[1]!)).toBeCloseTo(1, 5);
    expect(g[0]! / g[1]!).toBeCloseTo(0.75, 12);
  });

  it('leaves small gradients alone', () => {
    const g = new Float64Array([0.3, 0.4]);
    clipGradNorm(g, 1);
    expect(Array.from(g)).toEqual([0.3, 0.4]);
  });
});
