/** The validate actor: checks a proposal against the policy and merges it into the base config. */
import { fromCallback, type EventObject } from 'xstate';
import { join } from 'node:path';
import { baseConfigFor } from '../../domain/config/base-config.js';
import { planLaunch } from '../../domain/run/launch-plan.js';
import { capProblems } from '../../domain/policy/problems.js';
import { isPlainObject } from '../../domain/config/path.js';
import { fromRecordable, toRecordable } from '../../domain/policy/recordable.js';
import { validateOverrides, type ValidationError } from '../../domain/policy/validate.js';
import type { ValidateInput } from '../../machines/loop.machine.js';
import { boundBaseline } from './input-guard.js';
import { checkpointPointers, knownCheckpoints } from '../../projections/view.js';
import { makeEvent, type ActorDeps } from './deps.js';
import { reporter } from '../recorder.js';

/** Creates the `validate` actor. */
export function validateActor(deps: ActorDeps) {
  return fromCallback<EventObject, ValidateInput>(({ input, self }) => {
    const record = reporter(deps.recorder, self);
    const { run, incumbent } = input;
    // Proposals are deltas on the incumbent: the mode's baseline with the incumbent's overrides applied.
    const baseline = boundBaseline(deps, input.mode);
    const base = baseConfigFor(baseline, incumbent?.override);
    const proposal = run.kind === 'baseline' ? null : run.proposal;
    const overrides = proposal ? fromRecordable(proposal.overrides) : {};
    // Problems with the answer itself (unreadable file, missing rationale…) reject it like an invalid key.
    const problems = proposal?.problems ?? [];
    // Problems of the answer itself come with the errors of its overrides, when it had any: every error at once.
    const own = problems.length > 0 && isPlainObject(overrides) ? validateOverrides(overrides, base, deps.policy) : null;
    const checked = problems.length > 0 ? { ok: false as const, errors: [...problems, ...(own && !own.ok ? own.errors : [])] } : validateOverrides(overrides, base, deps.policy);
    const attempt = proposal?.attempt ?? 0;
    // Only the first limits.max_problems errors are kept; the rest are counted (a proposal of 20,000 bad keys stays small).
    const reject = (errors: ValidationError[], alreadyOmitted = 0) => {
      const capped = capProblems(errors, deps.settings.limits.max_problems, alreadyOmitted);
      record(
        makeEvent(
          'ProposalRejected',
          {
            runId: run.runId,
            attempt: Math.max(1, attempt),
            errors: capped.errors.map((e) => ({ ...e, value: toRecordable(e.value) })),
            ...(capped.omitted > 0 ? { omitted: capped.omitted } : {}),
          },
          input.session,
          deps.now(),
        ),
      );
    };
    if (!checked.ok) return reject(checked.errors, problems.length > 0 ? (proposal?.problemsOmitted ?? 0) : 0);
    // The orchestrator's own decisions (seed, checkpoint to resume from) come after the proposer's are accepted.
    const view = deps.history();
    const pointers = checkpointPointers(view);
    const planned = planLaunch({
      base,
      config: checked.config,
      override: checked.override,
      kind: run.kind,
      runIndex: run.index,
      runId: run.runId,
      seeds: deps.settings.seeds,
      checkpoints: { latest: pointers.latest?.path ?? null, best: pointers.best?.path ?? null, known: knownCheckpoints(view) },
      resolvePath: (p) => join(deps.paths.root, p),
    });
    if (!planned.ok) return reject(planned.errors);
    const result = { ...checked, config: planned.config, diff: planned.diff, normalizations: [...checked.normalizations, ...planned.normalizations] };
    record(
      makeEvent(
        'ProposalAccepted',
        {
          runId: run.runId,
          attempt,
          proposer: proposal?.proposer ?? 'baseline',
          base: incumbent && run.kind !== 'baseline' ? incumbent.runId : 'baseline',
          config: result.config,
          override: result.override,
          diff: result.diff,
          normalizations: result.normalizations,
          rationale: proposal?.rationale ?? 'baseline config, unchanged',
          hypothesis: proposal?.hypothesis ?? 'the baseline sets the reference every later run is compared with',
        },
        input.session,
        deps.now(),
      ),
    );
  });
}
