#!/usr/bin/python3
"""Optuna's TPE as a line-oriented ask/tell server for bench:proposers.

First line (JSON): {"space": {name: {"kind": "float"|"int"|"cat", "low", "high", "log", "choices"}},
                    "seed": int, "startup": int}
Then, per trial: {"op": "ask"} -> {"params": {...}};  {"op": "tell", "value": float|null} -> {"ok": true}
(null = a failed trial). Uses TPESampler(multivariate=True, seed=seed, n_startup_trials=startup).
"""
import json
import sys
import warnings

warnings.filterwarnings("ignore")
import optuna  # noqa: E402

optuna.logging.set_verbosity(optuna.logging.ERROR)


def distributions(space):
    out = {}
    for name, d in space.items():
        if d["kind"] == "float":
            out[name] = optuna.distributions.FloatDistribution(d["low"], d["high"], log=bool(d.get("log")))
        elif d["kind"] == "int":
            out[name] = optuna.distributions.IntDistribution(d["low"], d["high"], log=bool(d.get("log")))
        else:
            out[name] = optuna.distributions.CategoricalDistribution(d["choices"])
    return out


def main():
    spec = json.loads(sys.stdin.readline())
    dists = distributions(spec["space"])
    sampler = optuna.samplers.TPESampler(seed=spec["seed"], multivariate=True, n_startup_trials=spec["startup"])
    study = optuna.create_study(direction=spec.get("direction", "maximize"), sampler=sampler)
    trial = None
    for line in sys.stdin:
        msg = json.loads(line)
        if msg["op"] == "ask":
            trial = study.ask(dists)
            print(json.dumps({"params": trial.params}), flush=True)
        elif msg["op"] == "tell":
            if msg["value"] is None:
                study.tell(trial, state=optuna.trial.TrialState.FAIL)
            else:
                study.tell(trial, msg["value"])
            print(json.dumps({"ok": True}), flush=True)
        else:
            print(json.dumps({"error": "unknown op " + str(msg.get("op"))}), flush=True)
            return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
