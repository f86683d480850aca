#!/usr/bin/env python3
"""Runs PufferLib's trainer for autopilot and writes ``trainer_summary.json``.

For PufferLib versions without the autopilot patch (which writes the summary
itself)::

    python3 autopilot_shim.py train ENV [PufferLib flags...]

for example ``python3 autopilot_shim.py train puffer_drone_pp --train.learning-rate
0.003 --env.num-drones 8 --wandb``. What it does:

1. imports ``pufferlib.pufferl`` (a clear message and exit 3 when it cannot);
2. adds ``--train.data-dir $PUFFER_AUTOPILOT_RUN_DIR/checkpoints`` unless the flags set a
   data dir, so that PufferLib's checkpoints land in the run folder; then turns the flags into PufferLib's args with PufferLib's own ``load_config(ENV)``,
   which reads them from ``sys.argv`` with its argparse parser (defaults from the
   env's ``.ini``, values typed by ``ast.literal_eval``, unknown flags refused).
   A PufferLib without ``load_config`` gets the shim's own mapping instead:
   ``--section.key-name VALUE`` becomes ``args[section][key_name]``, a flag
   without a value is ``True``;
3. makes PufferLib's ``WandbLogger`` use ``$WANDB_RUN_ID`` (autopilot's id of the attempt) as its
   run id: PufferLib passes ``wandb.init(id=load_id or wandb.util.generate_id())``, which
   overrides the variable, so a resumed attempt would otherwise start a new W&B run
   (see :func:`keep_wandb_run_id`);
4. calls ``pufferlib.pufferl.train(ENV, args)`` and takes the logs it returns
   (dicts with ``environment/score``, ``environment/perfect_deliv``,
   ``environment/episode_length``, ``SPS``, ``agent_steps``, ``epoch`` ...),
   printing one JSON metric line per log on stdout as it is produced;
5. writes ``trainer_summary.json`` atomically (temp file, then rename) at
   ``$PUFFER_AUTOPILOT_SUMMARY``: ``timestamp``, ``run_id``
   (``$PUFFER_AUTOPILOT_RUN_ID``), the ``train`` / ``env`` / ``vec`` sections
   used, ``metrics`` mapped from the logs (see :func:`map_log`) and, when the
   per-report values of the final evaluation could be observed, ``samples``.

With ``--eval-only --load-checkpoint PATH --eval.episodes N --eval.seed S`` (what ``autopilot eval``
appends), it trains nothing: it loads the checkpoint as ``puffer eval`` does (``--load-model-path``,
``load_env`` and ``load_policy``), plays one episode per seed S, S+1, ... (``vecenv.reset(seed)``,
until the env's first report), and writes the same summary with one value per seed in ``samples``
(see :func:`evaluate_checkpoint`).

Exit codes: 0 trained and summarised; 2 bad usage or flags PufferLib refused;
3 pufferlib missing or unusable; 4 PufferLib raised; 5 no logs, or the summary
could not be written.

Standard library only, besides pufferlib itself.
"""

import ast
import json
import math
import numbers
import os
import sys
import tempfile
import time
import traceback

PROG = 'autopilot_shim'
USAGE = (
    f'usage: {PROG}.py train ENV [PufferLib flags...] [--eval-only --load-checkpoint PATH --eval.episodes N --eval.seed S]'
    '   (e.g. train puffer_drone_pp --train.learning-rate 0.003)'
)

#: Exit codes.
EXIT_USAGE = 2
EXIT_NO_PUFFERLIB = 3
EXIT_PUFFERLIB_FAILED = 4
EXIT_NO_RESULT = 5

#: Log keys renamed in the summary's metrics (every other ``environment/*`` key is kept as is).
RENAMED = {
    'environment/score': 'score',
    'environment/perfect_deliv': 'perfect_deliv',
    'environment/episode_length': 'episode_length',
    'SPS': 'sps',
    'agent_steps': 'agent_steps',
    'epoch': 'epoch',
}
ENV_PREFIX = 'environment/'
#: The stat holding a report's episode count (``vec_log`` divides the other stats by it).
EPISODES = 'n'
#: Metrics taken from training logs only (the final evaluation's measure its own rollouts).
TRAINING_ONLY = frozenset({'sps', 'agent_steps'})
#: PufferLib's top-level flags whose values are strings whatever they look like (argparse ``type=str`` there).
STRING_KEYS = frozenset({'tag', 'wandb_project', 'wandb_group', 'neptune_name', 'neptune_project', 'load_model_path', 'load_id'})
#: PufferLib's checkpoint folder flag (``train.data_dir``, ``experiments`` by default).
DATA_DIR_FLAG = '--train.data-dir'
#: The sections of PufferLib's args copied into the summary.
SECTIONS = ('train', 'env', 'vec')


class ShimError(Exception):
    """A failure with a message for the user and the exit code it ends with."""

    def __init__(self, message, code):
        super().__init__(message)
        self.code = code


def fail(message, code):
    """Prints ``message`` on stderr under the shim's name and exits with ``code``."""
    print(f'{PROG}: {message}', file=sys.stderr, flush=True)
    sys.exit(code)


# ---------------------------------------------------------------------------- values


def finite_number(value):
    """``value`` as a JSON-safe finite number, or None.

    Python and numpy numbers count (as do 0-d arrays and tensors, through ``item()``);
    booleans and NaN / infinity do not. Integers stay integers.
    """
    if not isinstance(value, numbers.Real):
        item = getattr(value, 'item', None)
        if not callable(item) or tuple(getattr(value, 'shape', (None,))) != ():
            return None
        try:
            value = item()
        except Exception:
            return None
        if not isinstance(value, numbers.Real):
            return None
    if isinstance(value, bool):
        return None
    if isinstance(value, numbers.Integral):
        return int(value)
    value = float(value)
    return value if math.isfinite(value) else None


def json_safe(value):
    """A copy of ``value`` that ``json.dumps`` accepts: non-finite floats become None, unknown objects their ``str``."""
    if value is None or isinstance(value, (bool, str)):
        return value
    if isinstance(value, dict):
        return {str(k): json_safe(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [json_safe(v) for v in value]
    if type(value).__name__ in ('bool_', 'bool'):  # numpy booleans
        return bool(value)
    number = finite_number(value)
    if number is not None:
        return number
    if isinstance(value, numbers.Real):
        return None  # NaN or infinity
    return str(value)


def metric_name(key):
    """The summary's name for a log key: ``SPS`` -> ``sps``, ``environment/score`` -> ``score``,
    another ``environment/*`` key unchanged; None for keys the summary leaves out (``environment/n``,
    the episode count of a report, is a weight, not a metric)."""
    if key in RENAMED:
        return RENAMED[key]
    if key.startswith(ENV_PREFIX) and len(key) > len(ENV_PREFIX) and key != ENV_PREFIX + EPISODES:
        return key
    return None


def map_log(log, evaluation=False):
    """The metrics of one PufferLib log dict: the renamed keys and every other numeric ``environment/*`` key;
    for the final evaluation's log (``evaluation``), without :data:`TRAINING_ONLY` (its SPS and step
    count measure the evaluation rollouts, not training)."""
    metrics = {}
    if not isinstance(log, dict):
        return metrics
    for key, value in log.items():
        name = metric_name(str(key))
        number = finite_number(value)
        if name is not None and number is not None and not (evaluation and name in TRAINING_ONLY):
            metrics[name] = number
    return metrics


def is_evaluation(log, previous):
    """Whether ``log`` is the final evaluation's: PufferLib logs it after the last training log, at the same epoch."""
    return isinstance(previous, dict) and isinstance(log, dict) and 'epoch' in log and log.get('epoch') == previous.get('epoch')


def map_logs(logs):
    """Metrics of a run: for each metric, its value in the latest log that has it (the final evaluation's
    log last, so it wins), except ``sps`` and ``agent_steps``, which come from the last training log."""
    metrics = {}
    previous = None
    for log in logs:
        metrics.update(map_log(log, evaluation=is_evaluation(log, previous)))
        previous = log
    return metrics


def weighted(values, counts):
    """Per-report values adjusted for their episode counts, and their n-weighted mean ``R``.

    Each report is the mean over ``n_i`` episodes, so the per-episode mean is ``R = sum(n_i x_i) / sum(n_i)``.
    The values returned are ``R + (n_i / mean(n)) (x_i - R)``: their mean is exactly ``R``, there is one
    per report (the unit a bootstrap may resample), and their spread is the linearized spread of ``R``
    (a ratio estimator). With equal counts they are the report values themselves. Reports with
    ``n_i <= 0`` or a non-finite value are left out."""
    pairs = [(x, n) for x, n in zip(values, counts) if x is not None and n is not None and n > 0]
    if not pairs:
        return [], None
    total = sum(n for _, n in pairs)
    mean_n = total / len(pairs)
    r = sum(x * n for x, n in pairs) / total
    return [r + (n / mean_n) * (x - r) for x, n in pairs], r


def map_samples(stats):
    """Samples of the final evaluation from PufferLib's ``stats`` (stat name -> one value per report), named as
    in the metrics, weighted by each report's episode count ``n`` (see :func:`weighted`); without a usable
    ``n`` (missing, or not one per report) the report values as they are. Returns ``(samples, means)``:
    ``means`` holds the n-weighted mean of each weighted stat, which replaces the log's unweighted mean."""
    samples, means = {}, {}
    stats = stats or {}
    counts = stats.get(EPISODES)
    counts = [finite_number(n) for n in counts] if isinstance(counts, (list, tuple)) else None
    for key, values in stats.items():
        if not isinstance(values, (list, tuple)):
            continue
        name = metric_name(ENV_PREFIX + str(key))
        if name is None:
            continue
        numbers = [finite_number(v) for v in values]
        if counts is not None and len(counts) == len(numbers):
            finite, mean = weighted(numbers, counts)
            if mean is not None:
                means[name] = mean
        else:
            finite = [n for n in numbers if n is not None]
        if finite:
            samples[name] = finite
    return samples, means


# ---------------------------------------------------------------------------- flags


def parse_literal(text):
    """A flag value typed as PufferLib types it: a Python literal (``3``, ``0.5``, ``True``, ``None``), else the string."""
    try:
        return ast.literal_eval(text)
    except (ValueError, SyntaxError, TypeError, MemoryError, RecursionError):
        return text


def args_from_flags(flags):
    """The shim's own mapping, for PufferLib without ``load_config``: ``--train.learning-rate 0.003``
    -> ``{'train': {'learning_rate': 0.003}}``; ``--name=value`` also works; a flag followed by
    another flag (or nothing) is ``True`` (``--wandb``). Values are typed by :func:`parse_literal`,
    except those of PufferLib's string flags (:data:`STRING_KEYS`: ``--tag 42`` stays ``'42'``)."""
    args = {}
    i = 0
    while i < len(flags):
        flag = flags[i]
        if not flag.startswith('--') or len(flag) == 2:
            raise ShimError(f'expected a --flag at position {i + 1}, got {flag!r}\n{USAGE}', EXIT_USAGE)
        name = flag[2:]
        if '=' in name:
            name, text = name.split('=', 1)
        elif i + 1 < len(flags) and not flags[i + 1].startswith('--'):
            i += 1
            text = flags[i]
        else:
            text = None
        path = [part.replace('-', '_') for part in name.split('.')]
        if any(part == '' for part in path):
            raise ShimError(f'malformed flag {flag!r}', EXIT_USAGE)
        value = True if text is None else text if '.'.join(path) in STRING_KEYS else parse_literal(text)
        section = args
        for part in path[:-1]:
            nested = section.setdefault(part, {})
            if not isinstance(nested, dict):
                raise ShimError(f'flag {flag!r} puts a key under {part!r}, which is already a value', EXIT_USAGE)
            section = nested
        section[path[-1]] = value
        i += 1
    return args


def load_args(pufferl, env_name, flags):
    """PufferLib's args for ``flags``: ``pufferl.load_config(env_name)`` reading them from ``sys.argv``
    (as ``python -m pufferlib.pufferl train ENV ...`` would), else :func:`args_from_flags`.
    Returns ``(args, how)``."""
    load_config = getattr(pufferl, 'load_config', None)
    if not callable(load_config):
        return args_from_flags(flags), 'shim'
    saved = sys.argv
    sys.argv = [saved[0] if saved else PROG] + list(flags)
    try:
        return load_config(env_name), 'load_config'
    except SystemExit as exit_:
        if exit_.code in (0, None):
            raise  # --help: PufferLib printed it
        raise ShimError(f'PufferLib refused the flags for {env_name} (its message is above): {" ".join(flags)}', EXIT_USAGE) from None
    except Exception as error:
        traceback.print_exc()
        raise ShimError(f"PufferLib's load_config({env_name!r}) failed: {type(error).__name__}: {error}", EXIT_PUFFERLIB_FAILED) from None
    finally:
        sys.argv = saved


def has_flag(flags, name):
    """Whether ``flags`` set ``name`` (``--name VALUE`` or ``--name=VALUE``)."""
    return any(flag == name or flag.startswith(name + '=') for flag in flags)


def with_data_dir(flags, run_dir):
    """``flags`` plus ``--train.data-dir RUN_DIR/checkpoints`` unless they set one (or there is no run folder):
    PufferLib's checkpoints then land in the run folder, where autopilot records and prunes them."""
    if not run_dir or has_flag(flags, DATA_DIR_FLAG):
        return list(flags)
    return list(flags) + [DATA_DIR_FLAG, os.path.join(run_dir, 'checkpoints')]


def resume_note(args):
    """What a resumed run loads, said plainly (None for a fresh run): PufferLib 3.0 loads the weights of
    ``load_model_path`` and nothing else; its ``trainer_state.pt`` (optimizer state, step count) is not read."""
    path = args.get('load_model_path') if isinstance(args, dict) else None
    if not path:
        return None
    return (
        f'resuming from {path}: PufferLib loads the policy weights only (--load-model-path); it has no way to load '
        'the trainer_state.pt saved beside them, so the optimizer state, the step count and the learning-rate '
        'schedule start afresh'
    )


def section(args, name):
    """``args[name]`` as a JSON-safe dict (empty when absent; ``get`` leaves PufferLib's defaultdict alone)."""
    value = args.get(name) if isinstance(args, dict) else None
    return json_safe(dict(value)) if isinstance(value, dict) else {}


# ---------------------------------------------------------------------------- observing train()


class Observer:
    """Watches ``PuffeRL.mean_and_log`` (when PufferLib has it): prints each log as a JSON metric line
    while training runs, and keeps the per-report values of the last call (the final evaluation)."""

    def __init__(self, total_timesteps):
        self.total_timesteps = total_timesteps
        self.printed = {}  # id -> log dict already printed (kept, so that ids stay unique)
        self.previous = None  # the log printed last (an evaluation's log repeats its epoch)
        self.logs = []
        self.stats = None

    def install(self, pufferl):
        """Wraps ``pufferl.PuffeRL.mean_and_log``; returns False when there is nothing to wrap."""
        cls = getattr(pufferl, 'PuffeRL', None)
        original = getattr(cls, 'mean_and_log', None)
        if cls is None or not callable(original):
            return False
        observer = self

        def mean_and_log(trainer, *a, **kw):
            snapshot = observer.snapshot(getattr(trainer, 'stats', None))
            logs = original(trainer, *a, **kw)
            if isinstance(logs, dict):
                observer.stats = snapshot
                observer.logs.append(logs)
                observer.emit(logs, snapshot)
            return logs

        mean_and_log.__doc__ = original.__doc__
        cls.mean_and_log = mean_and_log
        return True

    @staticmethod
    def snapshot(stats):
        """A copy of the per-report lists PuffeRL holds before ``mean_and_log`` averages them."""
        if not isinstance(stats, dict):
            return None
        try:
            return {k: list(v) for k, v in stats.items() if isinstance(v, (list, tuple))}
        except Exception:
            return None

    def emit(self, log, stats=None):
        """Prints one log as a JSON metric line (once per log); with the ``stats`` it was made from, the
        n-weighted means of its environment stats replace PufferLib's unweighted ones (see :func:`map_samples`)."""
        if id(log) in self.printed:
            return
        self.printed[id(log)] = log
        line = map_log(log, evaluation=is_evaluation(log, self.previous))
        line.update(map_samples(stats)[1])
        self.previous = log
        uptime = finite_number(log.get('uptime'))
        if uptime is not None:
            line['uptime'] = uptime
        if self.total_timesteps is not None:
            line['total_timesteps'] = self.total_timesteps
        print(json.dumps(line, sort_keys=True), flush=True)


# ---------------------------------------------------------------------------- summary


def write_atomic(path, payload):
    """Writes ``payload`` as JSON at ``path`` through a temp file in the same folder and a rename."""
    folder = os.path.dirname(os.path.abspath(path))
    os.makedirs(folder, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix='.trainer_summary.', suffix='.tmp', dir=folder)
    try:
        with os.fdopen(fd, 'w', encoding='utf-8') as out:
            json.dump(payload, out, indent=2, sort_keys=True, allow_nan=False)
            out.write('\n')
            out.flush()
            os.fsync(out.fileno())
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise


def build_summary(args, logs, stats):
    """The ``trainer_summary.json`` object of a finished run."""
    summary = {
        'timestamp': time.strftime('%Y-%m-%dT%H:%M:%SZ', time.gmtime()),
        **{name: section(args, name) for name in SECTIONS},
        'metrics': map_logs(logs),
    }
    run_id = os.environ.get('PUFFER_AUTOPILOT_RUN_ID')
    if run_id:
        summary['run_id'] = run_id
    samples, means = map_samples(stats)
    summary['metrics'].update(means)
    if samples:
        summary['samples'] = samples
    return summary


# ---------------------------------------------------------------------------- evaluating a checkpoint

#: The flags of ``autopilot eval`` (with a value, but ``--eval-only``), which PufferLib does not know.
EVAL_FLAGS = {'--load-checkpoint': 'checkpoint', '--eval.episodes': 'episodes', '--eval.seed': 'seed'}
#: Env steps one evaluation episode may take before its env must have reported.
MAX_EVAL_STEPS = 1_000_000


def split_eval_flags(flags):
    """``(flags without autopilot's eval flags, {'checkpoint', 'episodes', 'seed'} or None)``: None when
    ``--eval-only`` is absent; a ShimError (exit 2) when it is there without a checkpoint."""
    rest, found, evaluating, i = [], {}, False, 0
    while i < len(flags):
        flag = flags[i]
        name, _, inline = flag.partition('=')
        if flag == '--eval-only':
            evaluating = True
        elif name in EVAL_FLAGS:
            if not inline and i + 1 >= len(flags):
                raise ShimError(f'{name} needs a value', EXIT_USAGE)
            found[EVAL_FLAGS[name]] = inline if inline else flags[i + 1]
            i += 0 if inline else 1
        else:
            rest.append(flag)
        i += 1
    if not evaluating:
        return flags, None
    if 'checkpoint' not in found:
        raise ShimError('--eval-only needs --load-checkpoint PATH (the checkpoint to evaluate)', EXIT_USAGE)
    try:
        episodes, seed = int(found.get('episodes', 32)), int(found.get('seed', 0))
    except ValueError:
        raise ShimError(f'--eval.episodes and --eval.seed take integers, got {found}', EXIT_USAGE) from None
    if episodes < 1 or seed < 0:
        raise ShimError(f'--eval.episodes must be at least 1 and --eval.seed not negative, got {episodes} and {seed}', EXIT_USAGE)
    # PufferLib's own flag for the weights to load, as `puffer eval ENV --load-model-path PATH` takes it.
    rest = [f for j, f in enumerate(rest) if not (f.startswith('--load-model-path') or (j > 0 and rest[j - 1] == '--load-model-path'))]
    return rest + ['--load-model-path', found['checkpoint']], {'checkpoint': found['checkpoint'], 'episodes': episodes, 'seed': seed}


def first_report(infos):
    """The metrics of the first non-empty info dict of a step (nested dicts flattened on ``/``), named as
    in the training summary (``score``, ``episode_length``...; ``n`` left out); None when none reported."""
    for info in infos if isinstance(infos, (list, tuple)) else [infos]:
        if not isinstance(info, dict) or not info:
            continue
        flat, stack = {}, [('', info)]
        while stack:
            prefix, node = stack.pop()
            for key, value in node.items():
                if isinstance(value, dict):
                    stack.append((f'{prefix}{key}/', value))
                else:
                    name, number = metric_name(ENV_PREFIX + prefix + str(key)), finite_number(value)
                    if name is not None and number is not None:
                        flat[name] = number
        if flat:
            return flat
    return None


def play_episode(torch, sample_logits, policy, vecenv, seed, args):
    """One episode from ``vecenv.reset(seed)``, the policy acting as in ``puffer eval`` (``forward_eval``,
    ``sample_logits``), until the env's first report; returns that report's metrics."""
    device, rnn = args['train'].get('device', 'cpu'), args['train'].get('use_rnn')
    ob, _ = vecenv.reset(seed=seed)
    state = {}
    if rnn:
        agents = vecenv.observation_space.shape[0]
        state = {k: torch.zeros(agents, policy.hidden_size, device=device) for k in ('lstm_h', 'lstm_c')}
    for _ in range(MAX_EVAL_STEPS):
        with torch.no_grad():
            logits, _ = policy.forward_eval(torch.as_tensor(ob).to(device), state)
            action, _, _ = sample_logits(logits)
            action = action.cpu().numpy().reshape(vecenv.action_space.shape)
        ob, _, _, _, infos = vecenv.step(action)
        report = first_report(infos)
        if report is not None:
            return report
    raise ShimError(f'the env reported nothing in {MAX_EVAL_STEPS} steps from seed {seed}', EXIT_NO_RESULT)


def evaluate_checkpoint(pufferl, env_name, args, spec):
    """Plays ``spec['episodes']`` episodes of the checkpoint ``args`` loads, episode i from seed
    ``spec['seed'] + i``, and returns the summary: each metric every episode reported, its mean in
    ``metrics`` and its per-seed values in ``samples``. The env and policy come as ``puffer eval`` makes
    them (PufferAI/PufferLib ``pufferlib/pufferl.py`` ``eval()``, commit 02b8f4b1a72c4978359efbd6771023b19c62b577:
    one env, ``load_env``, ``load_policy`` loading ``load_model_path``); its endless render loop is not used."""
    load_env, load_policy = getattr(pufferl, 'load_env', None), getattr(pufferl, 'load_policy', None)
    if not callable(load_env) or not callable(load_policy):
        raise ShimError('pufferlib.pufferl has no load_env / load_policy; this PufferLib cannot evaluate a checkpoint', EXIT_NO_PUFFERLIB)
    try:
        import torch
        from pufferlib.pytorch import sample_logits
    except Exception as error:
        raise ShimError(f'cannot evaluate without torch and pufferlib.pytorch: {type(error).__name__}: {error}', EXIT_NO_PUFFERLIB) from None
    backend = args['vec'].get('backend')
    args['vec'] = dict(backend=backend if backend == 'PufferEnv' else 'Serial', num_envs=1)
    try:
        vecenv = load_env(env_name, args)
        policy = load_policy(args, vecenv, env_name)
        reports = []
        for i in range(spec['episodes']):
            reports.append(play_episode(torch, sample_logits, policy, vecenv, spec['seed'] + i, args))
            print(json.dumps({'phase': 'eval', 'episodes': i + 1, **reports[-1]}, sort_keys=True), flush=True)
    except ShimError:
        raise
    except Exception as error:
        traceback.print_exc()
        raise ShimError(f'evaluating {spec["checkpoint"]} raised {type(error).__name__}: {error}', EXIT_PUFFERLIB_FAILED) from None
    names = [name for name in reports[0] if all(name in r for r in reports)]
    samples = {name: [r[name] for r in reports] for name in names}
    summary = {
        'timestamp': time.strftime('%Y-%m-%dT%H:%M:%SZ', time.gmtime()),
        **{name: section(args, name) for name in SECTIONS},
        'metrics': {name: sum(values) / len(values) for name, values in samples.items()},
        'samples': samples,
        'eval': {'episodes': spec['episodes'], 'seed': spec['seed']},
        'checkpoint': spec['checkpoint'],
    }
    run_id = os.environ.get('PUFFER_AUTOPILOT_RUN_ID')
    if run_id:
        summary['run_id'] = run_id
    return summary


def write_summary(summary):
    """Writes ``summary`` at ``$PUFFER_AUTOPILOT_SUMMARY`` (nothing when it is unset); returns the exit code."""
    path = os.environ.get('PUFFER_AUTOPILOT_SUMMARY')
    if not path:
        print(f'{PROG}: PUFFER_AUTOPILOT_SUMMARY is not set; no trainer_summary.json written', file=sys.stderr, flush=True)
        return 0
    try:
        write_atomic(path, summary)
    except (OSError, ValueError, TypeError) as error:
        raise ShimError(f'could not write {path}: {error}', EXIT_NO_RESULT) from None
    print(f'{PROG}: wrote {path} ({len(summary["metrics"])} metrics, {len(summary.get("samples", {}))} sampled)', file=sys.stderr, flush=True)
    return 0


# ---------------------------------------------------------------------------- main


def import_pufferl():
    """``pufferlib.pufferl``, or a ShimError saying why it cannot be used."""
    try:
        import pufferlib  # noqa: F401
    except ModuleNotFoundError as error:
        if error.name != 'pufferlib':
            traceback.print_exc()
            raise ShimError(f'pufferlib is installed but cannot be imported: {error}', EXIT_NO_PUFFERLIB) from None
        raise ShimError(
            f'pufferlib is not installed for {sys.executable} ({error}). Install PufferLib in this Python, '
            'or point PUFFER_PYTHON at a Python that has it (PYTHONPATH also works).',
            EXIT_NO_PUFFERLIB,
        ) from None
    except Exception as error:
        traceback.print_exc()
        raise ShimError(f'pufferlib is installed but cannot be imported: {type(error).__name__}: {error}', EXIT_NO_PUFFERLIB) from None
    try:
        import pufferlib.pufferl as pufferl
    except Exception as error:
        traceback.print_exc()
        raise ShimError(f'pufferlib is installed but pufferlib.pufferl cannot be imported: {type(error).__name__}: {error}', EXIT_NO_PUFFERLIB) from None
    if not callable(getattr(pufferl, 'train', None)):
        raise ShimError('pufferlib.pufferl has no train(env_name, args) function; this PufferLib version is not supported', EXIT_NO_PUFFERLIB)
    return pufferl


def run(argv):
    """The shim's work for ``argv`` (without the program name); returns the exit code."""
    if len(argv) >= 1 and argv[0] in ('-h', '--help'):
        print(USAGE)
        return 0
    if len(argv) < 2 or argv[0] != 'train' or argv[1].startswith('-'):
        raise ShimError(f'expected `train ENV` first, got {argv[:2]!r}\n{USAGE}', EXIT_USAGE)
    env_name, (flags, evaluation) = argv[1], split_eval_flags(argv[2:])
    if evaluation is None:
        flags = with_data_dir(flags, os.environ.get('PUFFER_AUTOPILOT_RUN_DIR'))
    try:  # progress lines should reach autopilot while training runs, even through a pipe
        sys.stdout.reconfigure(line_buffering=True)
    except (AttributeError, ValueError):
        pass

    pufferl = import_pufferl()
    args, how = load_args(pufferl, env_name, flags)
    if evaluation is not None:
        print(f'{PROG}: evaluating {evaluation["checkpoint"]} on {env_name}, seeds {evaluation["seed"]}-{evaluation["seed"] + evaluation["episodes"] - 1}', file=sys.stderr, flush=True)
        return write_summary(evaluate_checkpoint(pufferl, env_name, args, evaluation))
    total = finite_number(section(args, 'train').get('total_timesteps'))
    observer = Observer(total)
    observer.install(pufferl)
    keep_wandb_run_id(pufferl, os.environ.get('WANDB_RUN_ID'))
    print(f'{PROG}: training {env_name} with pufferlib.pufferl.train (flags read by {how})', file=sys.stderr, flush=True)
    note = resume_note(args)
    if note:
        print(f'{PROG}: {note}', file=sys.stderr, flush=True)

    try:
        returned = pufferl.train(env_name, args=args)
    except Exception as error:
        traceback.print_exc()
        raise ShimError(f"PufferLib's train({env_name!r}) raised {type(error).__name__}: {error}", EXIT_PUFFERLIB_FAILED) from None

    logs = [log for log in returned if isinstance(log, dict)] if isinstance(returned, (list, tuple)) else []
    if observer.logs and (not logs or logs[-1] is not observer.logs[-1]):
        # train() returned nothing, or not the final evaluation's log: every log PuffeRL made, in order.
        logs = list(observer.logs)
    if not logs:
        raise ShimError(f"PufferLib's train({env_name!r}) returned no logs, so there are no metrics to report", EXIT_NO_RESULT)
    for log in logs:
        observer.emit(log)

    return write_summary(build_summary(args, logs, observer.stats))


def keep_wandb_run_id(pufferl, run_id):
    """Makes ``pufferl.WandbLogger(args)`` open the W&B run ``run_id`` (as its ``load_id`` would) instead of a
    freshly generated one; an explicit ``load_id`` still wins. Nothing without ``run_id`` or a ``WandbLogger``."""
    logger = getattr(pufferl, 'WandbLogger', None)
    if not run_id or logger is None or getattr(logger, '_autopilot_run_id', None) is not None:
        return
    original = logger.__init__

    def __init__(self, args, load_id=None, *rest, **kwargs):
        original(self, args, load_id or run_id, *rest, **kwargs)

    logger.__init__ = __init__
    logger._autopilot_run_id = run_id


def main():
    """Entry point: runs the shim on ``sys.argv`` and exits with its code."""
    try:
        code = run(sys.argv[1:])
    except ShimError as error:
        fail(str(error), error.code)
    sys.exit(code)


if __name__ == '__main__':
    main()
