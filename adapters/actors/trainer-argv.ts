/**
 * The argv of a run: `trainer.command`, then the run config rendered as PufferLib-style flags, then
 * the Weights & Biases flags when enabled. The trainer (or its script) gets the config's flags as
 * "$@". One function, so the loop's launch and `autopilot loop --dry-run` cannot differ.
 */
import type { Config } from '../../domain/config.js';
import { renderArgs } from '../../domain/render-args.js';
import type { Settings } from '../../domain/settings.js';

/** The full argv the trainer of run `runId` (of `session`) is started with; no shell is involved. */
export function trainerArgv(settings: Pick<Settings, 'trainer' | 'wandb'>, config: Config, session: string, runId: string): string[] {
  const wandb = settings.wandb;
  return [
    ...settings.trainer.command,
    ...renderArgs(config),
    ...(wandb.enabled ? ['--wandb', '--wandb-project', wandb.project, '--wandb-group', session, '--tag', runId] : []),
  ];
}
