/** A problem the preflight found: where it is (file and key), what is wrong, and what is allowed. Pure. */

/** One problem that keeps a session from starting. */
export interface PreflightProblem {
  /** The workspace file it is in (workspace-relative, e.g. `policy.json`), or `environment` for the machine. */
  file: string;
  /** The key, field or entry inside the file (absent: the file as a whole). */
  key?: string;
  /** What is wrong. */
  problem: string;
  /** What is allowed instead, or what to do. */
  allowed?: string;
}

/** `policy.json keys["train.learnin_rate"]: not in … ; allowed: …` — one line per problem. */
export function formatProblem(p: PreflightProblem): string {
  return `${p.file}${p.key === undefined ? '' : ` ${p.key}`}: ${p.problem}${p.allowed === undefined ? '' : `; allowed: ${p.allowed}`}`;
}

/** A policy key as `keys["train.lr"]` (how `policy.json` spells it). */
export function policyKeyRef(key: string): string {
  return `keys[${JSON.stringify(key)}]`;
}
