/**
 * The argv a run's trainer is started with: `trainer.command`, then the run's config rendered as
 * PufferLib-style flags (`--train.learning-rate 0.003`), then the tracker flags. A script named in
 * `trainer.command` receives the flags as its arguments ("$@") and passes them on. Never a shell
 * string: each value is one argv element.
 */
import type { Config } from '../../domain/config.js';
import { renderArgs } from '../../domain/render-args.js';
import type { Settings } from '../../domain/settings.js';

/** The trainer argv of a run with `config`, in session `session`. */
export function trainerArgv(settings: Pick<Settings, 'trainer' | 'wandb'>, config: Config, session: string, runId: string): string[] {
  const wandb = settings.wandb;
  return [
    ...settings.trainer.command,
    ...renderArgs(config),
    ...(wandb.enabled ? ['--wandb', '--wandb-project', wandb.project, '--wandb-group', session, '--tag', runId] : []),
  ];
}
