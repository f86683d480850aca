import { describe, expect, it } from 'vitest';
import { testFunctions } from '../../bench/objectives/functions.js';
import { runBuiltin, runOptuna, runRandom } from '../../bench/proposers/methods.js';
import { OptunaServer, optunaVersion } from '../../bench/proposers/optuna.js';

// Needs Debian's python3-optuna for /usr/bin/python3, which `npm run test:all` and .ci/run install; without it
// these tests fail (never skip), and the first one names the package to install.

describe('when the bench drives Optuna by ask and tell', () => {
  it('finds Optuna installed (apt-get install -y python3-optuna)', () => {
    expect(optunaVersion(), "install Debian's python3-optuna: npm run test:all does").toMatchObject({ ok: true });
  });
  it('runs several studies on one server, each deterministic for its seed, and the other methods alike', async () => {
    const branin = testFunctions()[0];
    if (branin === undefined) throw new Error('no branin');
    const server = new OptunaServer();
    try {
      const [a, b, c] = await Promise.all([runOptuna(server, branin, 1, 8), runOptuna(server, branin, 1, 8), runOptuna(server, branin, 2, 8)]);
      expect(a?.values).toHaveLength(8);
      expect(a?.rejected).toBe(0);
      expect(b?.values).toEqual(a?.values);
      expect(c?.values).not.toEqual(a?.values);
      // Past the 5 random trials, Optuna's TPE proposes too.
      expect(a?.values.every((v) => v !== null && v >= 0.397887 - 1e-6)).toBe(true);
    } finally {
      server.close();
    }
    const builtin = await runBuiltin(branin, 1, 8);
    expect(builtin.rejected).toBe(0);
    expect(await runBuiltin(branin, 1, 8)).toEqual(builtin);
    expect((await runRandom(branin, 1, 8)).values).toHaveLength(8);
  });
});
