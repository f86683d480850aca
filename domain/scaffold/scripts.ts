/** The `scripts/run_training.sh` and `prompts/propose.md` texts `autopilot init` writes. Pure. */
import { shellQuote } from './argv.js';

const UNBUFFERED = [
  '# A Python trainer buffers stdout in a pipe: its metric lines would come late, and a run that',
  '# seems to print nothing is stopped as hung.',
  'export PYTHONUNBUFFERED=1',
];

/** The shipped workspace's script: the built-in CartPole trainer (or AUTOPILOT_TRAINER), run by node. */
export const BUILTIN_SCRIPT = [
  '#!/usr/bin/env bash',
  "# Launches the built-in CartPole trainer for one run. autopilot appends the run's config to",
  '# trainer.command as PufferLib-style flags (--train.learning-rate 0.003 …, then any --wandb',
  '# flags): they arrive here as "$@" and are passed on as they are, never through a shell string.',
  '# One script for both modes (the mode is in the flags). To tune another trainer, run',
  "# `autopilot init` for it, or set AUTOPILOT_TRAINER (in autopilot.json's trainer.env) to another",
  '# node entry point.',
  'set -euo pipefail',
  '',
  'home="${AUTOPILOT_HOME:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)}"',
  'node="${AUTOPILOT_NODE:-node}"',
  'trainer="${AUTOPILOT_TRAINER:-$home/dist/trainers/cartpole/main.js}"',
  '',
  ...UNBUFFERED,
  'exec "$node" "$trainer" "$@"',
  '',
].join('\n');

/**
 * The script of a scaffolded workspace: exports PYTHONUNBUFFERED and execs `argv` (each word
 * quoted for bash) followed by "$@", the flags autopilot appends.
 */
export function trainerScript(argv: readonly string[]): string {
  // exec takes options of its own (-a, -c, -l): a command that starts with "-" comes after "--".
  const exec = argv[0]?.startsWith('-') ? 'exec --' : 'exec';
  return [
    '#!/usr/bin/env bash',
    "# Launches the trainer for one run; written by `autopilot init`. autopilot appends the run's",
    '# config to trainer.command as PufferLib-style flags (--train.learning-rate 0.003 …, then any',
    '# --wandb flags): they arrive here as "$@" and are passed on as they are, never through a shell',
    '# string. The trainer runs in trainer.cwd of autopilot.json. Its command is the exec line below,',
    '# one bash word per argument: edit it there (quote a word that holds spaces or $).',
    'set -euo pipefail',
    '',
    ...UNBUFFERED,
    `${exec} ${argv.map(shellQuote).join(' ')} "$@"`,
    '',
  ].join('\n');
}

/** The prompt template of a scaffolded workspace: the shipped one without CartPole. */
export const GENERIC_PROMPT = [
  '# Propose run {{run_id}} (attempt {{attempt}} of {{max_attempts}}, {{mode}} mode)',
  '',
  'You are tuning the hyperparameters of a reinforcement-learning trainer. Goal:',
  '{{metric.direction}} `{{metric.name}}`, as the trainer reports it after each run. Propose one',
  "change to the incumbent's config, grounded in the runs below; you do not train anything yourself.",
  '',
  '## What you may change',
  '{{policy_table}}',
  '',
  '## How runs are judged',
  '{{statistics}}',
  '',
  '## The incumbent',
  '{{incumbent}}',
  '',
  '## Recent runs',
  '{{recent_runs}}',
  '',
  '## Last run',
  '{{last_run}}',
  '',
  '{{rejection_errors}}',
  '',
  '## Reply',
  '{{reply_format}}',
  '',
].join('\n');

/** `.gitignore` of a scaffolded workspace: the generated state (the log, its projections, the trainer's output). */
export const GITIGNORE = [
  "# Generated state of this workspace (the log, its projections, the trainer's output).",
  '/events.db*',
  '/blobs/',
  '/autopilot.lock*',
  '/STOP',
  '/runs/*',
  '!/runs/.gitkeep',
  '/logs/*',
  '!/logs/.gitkeep',
  '/models/*',
  '!/models/.gitkeep',
  '/journal/*',
  '!/journal/.gitkeep',
  '/proposals/run_*.json',
  '',
].join('\n');
