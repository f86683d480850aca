/**
 * The argv a run's trainer is started with: `trainer.command`, then the run's config rendered as
 * PufferLib-style flags (`--train.learning-rate 0.003`), then the tracker's flags when one is set
 * (`--wandb --wandb-project P --wandb-group SESSION --tag RUN`, or Neptune's). A script named in
 * `trainer.command` receives the flags as its arguments ("$@") and passes them on. Never a shell
 * string: each value is one argv element. One function, so the loop's launch and
 * `autopilot loop --dry-run` cannot differ.
 */
import type { Config } from '../../domain/config/config.js';
import { renderArgs } from '../../domain/trainer-io/render-args.js';
import { trackerArgs } from '../../domain/trainer-io/tracker-args.js';
import type { Settings } from '../../domain/config/settings.js';

/** The full argv the trainer of run `runId` (of `session`) is started with. */
export function trainerArgv(settings: Pick<Settings, 'trainer' | 'trackers'>, config: Config, session: string, runId: string): string[] {
  return [...settings.trainer.command, ...renderArgs(config, settings.trainer.flag_names), ...trackerArgs(settings.trackers, { session, runId })];
}
