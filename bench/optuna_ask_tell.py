#!/usr/bin/python3
"""Optuna's TPE as a line-oriented ask/tell server for bench:proposers; one process, many studies.

Each request is one JSON line, answered by one JSON line:
  {"op": "create", "id": str, "space": {name: {"kind": "float"|"int"|"cat", "low", "high", "log", "choices"}},
   "seed": int, "startup": int, "direction": "minimize"|"maximize"}           -> {"ok": true}
  {"op": "ask", "id": str}                                                     -> {"params": {...}}
  {"op": "tell", "id": str, "value": float|null}   (null = a failed trial)     -> {"ok": true}
  {"op": "close", "id": str}                                                   -> {"ok": true}
  {"op": "propose", "space": ..., "seed": int, "startup": int, "direction": ...,
   "trials": [{"params": {...}, "value": float|null}, ...]}                    -> {"params": {...}}
"propose" is what bench/optuna_propose.py does on each call of the through-the-loop suite: a fresh
study holding the given trials (null: FAIL), asked for one trial; the in-process loop suite uses it.
Each study uses TPESampler(multivariate=True, seed=seed, n_startup_trials=startup), Optuna's
defaults otherwise, and has at most one trial in flight (ask, then tell).
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
    studies = {}
    for line in sys.stdin:
        msg = json.loads(line)
        op = msg.get("op")
        if op == "create":
            sampler = optuna.samplers.TPESampler(seed=msg["seed"], multivariate=True, n_startup_trials=msg["startup"])
            study = optuna.create_study(direction=msg["direction"], sampler=sampler)
            studies[msg["id"]] = {"study": study, "dists": distributions(msg["space"]), "trial": None}
            reply = {"ok": True}
        elif op == "ask":
            s = studies[msg["id"]]
            s["trial"] = s["study"].ask(s["dists"])
            reply = {"params": s["trial"].params}
        elif op == "tell":
            s = studies[msg["id"]]
            if msg["value"] is None:
                s["study"].tell(s["trial"], state=optuna.trial.TrialState.FAIL)
            else:
                s["study"].tell(s["trial"], msg["value"])
            s["trial"] = None
            reply = {"ok": True}
        elif op == "propose":
            sampler = optuna.samplers.TPESampler(seed=msg["seed"], multivariate=True, n_startup_trials=msg["startup"])
            study = optuna.create_study(direction=msg["direction"], sampler=sampler)
            dists = distributions(msg["space"])
            study.add_trials([optuna.trial.create_trial(
                state=optuna.trial.TrialState.FAIL if t["value"] is None else optuna.trial.TrialState.COMPLETE,
                value=t["value"], params=t["params"], distributions=dists) for t in msg["trials"]])
            reply = {"params": study.ask(dists).params}
        elif op == "close":
            studies.pop(msg["id"], None)
            reply = {"ok": True}
        else:
            reply = {"error": "unknown op " + str(op)}
        print(json.dumps(reply), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
