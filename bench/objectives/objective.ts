/** What bench:proposers optimizes: a policy (the search space), a base config and a score for a merged config. */
import type { Config } from '../../domain/config/config.js';
import type { Policy } from '../../domain/policy/policy.js';

/** Where an evaluation sits in a benchmark: the bench seed and the evaluation's index (0-based) in its sequence. */
export interface EvalContext {
  seed: number;
  index: number;
}

/**
 * One benchmark objective. Proposers see only `policy`, `base` and `direction`;
 * `evaluate` gets the config the validator merged (base, overrides, derived rules)
 * and returns its score, or null when the run failed.
 */
export interface Objective {
  name: string;
  /** One line on what it is and what its keys are. */
  description: string;
  policy: Policy;
  base: Config;
  direction: 'minimize' | 'maximize';
  /** The best value the objective can take, when known (the test functions); regret is measured from it. */
  optimum: number | null;
  /** A cap on the score that many configs reach (CartPole's 500): the bench also reports how soon each method reaches it. */
  ceiling?: number;
  evaluate(config: Config, at: EvalContext): Promise<number | null>;
}
