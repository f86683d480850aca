import { describe, expect, it } from 'vitest';
import { testFunctions } from '../../bench/objectives/functions.js';
import { runBuiltin, runOptuna, runRandom } from '../../bench/proposers/methods.js';
import { OptunaServer, optunaVersion } from '../../bench/proposers/optuna.js';

// Needs Debian's python3-optuna for /usr/bin/python3, which .ci/run installs; skipped (and said so) on a machine without it,
// but never in CI: there AUTOPILOT_REQUIRE_OPTUNA=1 turns a missing Optuna into a failure.
const hasOptuna = optunaVersion().ok;

describe('when the bench drives Optuna by ask and tell', () => {
  it.runIf(process.env.AUTOPILOT_REQUIRE_OPTUNA === '1')('finds Optuna installed, as CI requires', () => {
    expect(optunaVersion()).toMatchObject({ ok: true });
  });
  it.skipIf(!hasOptuna && process.env.AUTOPILOT_REQUIRE_OPTUNA !== '1')('runs several studies on one server, each deterministic for its seed, and the other methods alike', async () => {
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
