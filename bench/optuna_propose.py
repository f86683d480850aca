#!/usr/bin/python3
"""Optuna's TPE as autopilot's `command` proposer, for bench:proposers' through-the-loop suite.

Each call rebuilds an Optuna study from the workspace's run history and asks it for one trial:
  - every run folder runs/NNN with a run.json whose status is `completed` is a COMPLETE trial
    valued at its own sample mean of the metric (summary.json `metrics`), `failed` a FAIL trial;
    its parameters are the policy keys of the config it ran with (config.json);
  - TPESampler(multivariate=True, n_startup_trials=STARTUP, seed=BENCH_SEED * 1000 + trials),
    the space a careful user would write for policy.json (the mapping of bench/proposers/optuna.ts:
    log for log-scaled keys, 1 - x on a log scale for logit keys, the exponent of a power of two,
    integers, categoricals);
  - the trial's parameters, mapped back to dotted keys, go to proposals/next_config.json.

  /usr/bin/python3 bench/optuna_propose.py                  # as the loop runs it (cwd: the workspace)
  /usr/bin/python3 bench/optuna_propose.py --space FILE|-   # prints the space of a policy.json, for tests
Environment: AUTOPILOT_WORKSPACE, AUTOPILOT_PROPOSAL_FILE (set by the loop), AUTOPILOT_BENCH_SEED,
AUTOPILOT_OPTUNA_STARTUP (the built-in TPE's startup trials, which the bench passes; default 5).
"""
import json
import math
import os
import sys
import warnings

warnings.filterwarnings("ignore")
import optuna  # noqa: E402

optuna.logging.set_verbosity(optuna.logging.ERROR)


def powers_of_two(lo, hi):
    """Exponents of the powers of two in [lo, hi], as domain/policy.ts powersOfTwoIn."""
    exps = [e for e in range(0, 64) if lo <= 2 ** e <= hi]
    return exps[0], exps[-1]


def space(policy):
    """{name: spec} in bench/proposers/optuna.ts's format, and per key (name, to_param, from_param)."""
    out, keys = {}, []
    clamp = lambda x, lo, hi: min(hi, max(lo, x))  # noqa: E731
    for key, s in policy["keys"].items():
        t, dist = s["type"], s.get("distribution")
        if t == "number" and dist == "logit_normal":
            name, lo, hi = "one_minus:" + key, 1 - s["max"], 1 - s["min"]
            out[name] = {"kind": "float", "low": lo, "high": hi, "log": True}
            keys.append((key, name, lambda x, lo=lo, hi=hi: clamp(1 - x, lo, hi), lambda p, s=s: clamp(1 - p, s["min"], s["max"])))
        elif t == "number":
            log = dist == "log_normal" or (s["min"] > 0 and s["max"] / s["min"] >= 100)
            out[key] = {"kind": "float", "low": s["min"], "high": s["max"], "log": log}
            keys.append((key, key, lambda x, s=s: clamp(x, s["min"], s["max"]), lambda p, s=s: clamp(p, s["min"], s["max"])))
        elif t == "integer" and dist == "uniform_pow2":
            name = "log2:" + key
            lo, hi = powers_of_two(s["min"], s["max"])
            out[name] = {"kind": "int", "low": lo, "high": hi, "log": False}
            keys.append((key, name, lambda x, lo=lo, hi=hi: clamp(round(math.log2(x)), lo, hi), lambda p: 2 ** p))
        elif t == "integer":
            out[key] = {"kind": "int", "low": s["min"], "high": s["max"], "log": dist == "log_normal"}
            keys.append((key, key, lambda x, s=s: clamp(int(x), s["min"], s["max"]), lambda p: p))
        else:
            choices = [False, True] if t == "boolean" else list(s["choices"])
            out[key] = {"kind": "cat", "choices": choices}
            keys.append((key, key, lambda x: x, lambda p: p))
    return out, keys


def distributions(spec):
    d = optuna.distributions
    return {
        n: d.FloatDistribution(v["low"], v["high"], log=v["log"]) if v["kind"] == "float"
        else d.IntDistribution(v["low"], v["high"], log=v["log"]) if v["kind"] == "int"
        else d.CategoricalDistribution(v["choices"])
        for n, v in spec.items()
    }


def read_json(path):
    with open(path, encoding="utf-8") as f:
        return json.load(f)


def get_path(config, dotted):
    for part in dotted.split("."):
        if not isinstance(config, dict) or part not in config:
            return None
        config = config[part]
    return config


def history(root, metric, keys, dists):
    """One FrozenTrial per finished run folder, in run order."""
    trials = []
    runs = os.path.join(root, "runs")
    for name in sorted(n for n in os.listdir(runs) if n.isdigit()):
        try:
            run = read_json(os.path.join(runs, name, "run.json"))
            config = read_json(os.path.join(runs, name, "config.json"))
        except (OSError, ValueError):
            continue  # a run folder the loop has not filled yet
        status = run.get("status")
        if status not in ("completed", "failed"):
            continue
        params = {}
        for key, pname, to_param, _ in keys:
            value = get_path(config, key)
            if value is None or (dists[pname].__class__.__name__ == "CategoricalDistribution" and value not in dists[pname].choices):
                params = None
                break
            params[pname] = to_param(value)
        if params is None:
            continue
        value = None
        if status == "completed":
            value = read_json(os.path.join(runs, name, "summary.json")).get("metrics", {}).get(metric)
        state = optuna.trial.TrialState.COMPLETE if isinstance(value, (int, float)) else optuna.trial.TrialState.FAIL
        trials.append(optuna.trial.create_trial(state=state, value=value if state == optuna.trial.TrialState.COMPLETE else None,
                                                params=params, distributions=dists))
    return trials


def main(argv):
    if len(argv) == 2 and argv[0] == "--space":
        policy = json.load(sys.stdin) if argv[1] == "-" else read_json(argv[1])
        print(json.dumps(space(policy)[0]))
        return 0
    root = os.environ.get("AUTOPILOT_WORKSPACE") or os.getcwd()
    out = os.environ.get("AUTOPILOT_PROPOSAL_FILE") or os.path.join(root, "proposals", "next_config.json")
    bench_seed = int(os.environ.get("AUTOPILOT_BENCH_SEED", "0"))
    startup = int(os.environ.get("AUTOPILOT_OPTUNA_STARTUP", "5"))
    settings = read_json(os.path.join(root, "autopilot.json"))
    metric = settings["metric"]
    spec, keys = space(read_json(os.path.join(root, "policy.json")))
    dists = distributions(spec)
    trials = history(root, metric["name"], keys, dists)
    seed = bench_seed * 1000 + len(trials)
    sampler = optuna.samplers.TPESampler(multivariate=True, n_startup_trials=startup, seed=seed)
    study = optuna.create_study(direction=metric["direction"], sampler=sampler)
    study.add_trials(trials)
    trial = study.ask(dists)
    overrides = {key: from_param(trial.params[pname]) for key, pname, _, from_param in keys}
    done = sum(t.state == optuna.trial.TrialState.COMPLETE for t in trials)
    proposal = {
        "overrides": overrides,
        "rationale": f"Optuna {optuna.__version__} TPESampler(multivariate=True, n_startup_trials={startup}, seed={seed}) "
                     f"rebuilt from {len(trials)} runs ({done} complete, {len(trials) - done} failed)",
        "hypothesis": "random startup trial" if done < startup else "the TPE's best expected improvement",
    }
    # Written in place: the loop reverts any other file a proposer leaves or touches in the workspace.
    with open(out, "w", encoding="utf-8") as f:
        json.dump(proposal, f)
        f.write("\n")
    print(json.dumps({"seed": seed, "trials": len(trials)}), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
