/**
 * `autopilot rollback RUN --why TEXT [--by NAME] [--restore-inputs]`: makes an earlier run the
 * incumbent again. The rollback is recorded (RolledBack, in RUN's stream and the log's last session),
 * never a rewrite of history: the next proposals build on RUN's config and the next runs are compared
 * against RUN's sample. An unfinished session folds it when `autopilot loop` resumes it. With
 * --restore-inputs, policy.json, the baselines and the prompts are put back from RUN's commit (the
 * tag autopilot/run-<id>), recorded as accepted inputs so a resumed session does not revert them.
 * Refused while a loop holds the workspace.
 */
import { userInfo } from 'node:os';
import { acquireLock } from '../adapters/lock.js';
import { inputFile } from '../adapters/inputs.js';
import { checkRestorable, readRunCommit, writeRunInputs, type RunCommit } from '../adapters/run-commit.js';
import { openSqliteStore } from '../adapters/store/sqlite-store.js';
import { workspaceBlobs } from '../adapters/blob-files.js';
import { ProjectionWriter } from '../adapters/projection-writer.js';
import { assertWorkspace, loadSettings, workspacePaths } from '../adapters/workspace.js';
import { unfinishedSession } from '../orchestrator/bound-inputs.js';
import { printJson, printLine } from '../orchestrator/console.js';
import { catalogueCodec, streamOf, type AutopilotEvent, type EventOf, type InputFile } from '../events/catalogue.js';
import { normalizeRunId } from '../projections/audit/fold.js';
import { foldRollbackHistory, rollbackTarget } from '../projections/rollback.js';
import { AutopilotError, EXIT, UsageError } from '../domain/errors.js';
import { fmt } from '../domain/text/numbers.js';
import { existsSync } from 'node:fs';
import type { CliIo } from './io.js';

/** Options of `autopilot rollback`. */
export interface RollbackOptions {
  workspace: string;
  why?: string;
  by?: string;
  restoreInputs?: boolean;
  json?: boolean;
}

/** Who rolls back: `--by`, else the OS user. */
function whoRollsBack(by: string | undefined): string {
  const named = by?.trim();
  if (named) return named;
  try {
    return userInfo().username || 'unknown user';
  } catch {
    return 'unknown user';
  }
}

/** Runs `rollback`; returns the exit code. */
export function rollbackCommand(runArg: string, o: RollbackOptions, io: CliIo): number {
  const paths = workspacePaths(o.workspace);
  assertWorkspace(paths);
  const why = o.why?.trim() ?? '';
  if (why === '') throw new UsageError('rollback needs --why "<reason>": the reason is recorded with the rollback', { key: '--why' });
  const runId = normalizeRunId(runArg);
  if (!existsSync(paths.events)) throw new AutopilotError('no-log', `no log in ${paths.root}: there is no run to roll back to`);
  const lock = acquireLock(paths.lock, 'a rollback is made between sessions');
  try {
    const store = openSqliteStore(paths.events, catalogueCodec, { blobs: workspaceBlobs(paths) });
    try {
      const history = foldRollbackHistory(store.readAll());
      const target = rollbackTarget(history, runId);
      // Everything that can refuse is checked before anything is recorded.
      const commit = o.restoreInputs ? readRunCommit(paths.root, runId) : null;
      if (commit) checkRestorable(paths.root, commit);
      const at = new Date().toISOString();
      const by = whoRollsBack(o.by);
      const restored = commit ? { tag: commit.tag, commit: commit.commit, files: commit.files.map((f) => f.path) } : undefined;
      const rolledBack: EventOf<'RolledBack'> = {
        type: 'RolledBack',
        data: { to: runId, previous: target.previous, why, by, incumbent: target.incumbent, ...(restored ? { restored } : {}) },
        metadata: { session: target.session, at },
      };
      const events: AutopilotEvent[] = [rolledBack];
      const accepted = commit ? acceptedInputs(paths, commit, history.view.inputs) : [];
      if (accepted.length > 0)
        events.push({
          type: 'InputsAccepted',
          data: { files: accepted, why: `rollback to run ${runId}: ${why}`, by: 'rollback --restore-inputs' },
          metadata: { session: target.session, at },
        });
      let seq = 0;
      for (const e of events) seq = store.append(streamOf(e), [e], { expectedVersion: store.streamVersion(streamOf(e)) }).lastSeq;
      // Recorded first: should a write below not happen, a resumed session puts the accepted text in place.
      if (commit) writeRunInputs(paths.root, commit.files);
      new ProjectionWriter(paths.root).catchUp(store);
      report(io, o.json === true, { runId, target, why, by, seq, restored, resumes: unfinishedSession(paths)?.session ?? null });
      return EXIT.ok;
    } finally {
      store.close();
    }
  } finally {
    lock.release();
  }
}

/** The restored files a session is bound to, as InputsAccepted records them (secrets redacted as the loop does). */
function acceptedInputs(paths: ReturnType<typeof workspacePaths>, commit: RunCommit, bound: ReadonlyMap<string, InputFile>): InputFile[] {
  let record: Parameters<typeof inputFile>[2] = [];
  try {
    record = loadSettings(paths).secrets.record;
  } catch {
    // Settings that do not load redact by the default names only.
  }
  return commit.files.filter((f) => bound.has(f.path)).map((f) => inputFile(f.path, f.bytes, record));
}

function report(
  io: CliIo,
  json: boolean,
  r: {
    runId: string;
    target: ReturnType<typeof rollbackTarget>;
    why: string;
    by: string;
    seq: number;
    restored: { tag: string; commit: string; files: string[] } | undefined;
    resumes: string | null;
  },
): void {
  const inc = r.target.incumbent;
  if (json) {
    printJson(
      {
        ok: true,
        to: r.runId,
        previous: r.target.previous,
        why: r.why,
        by: r.by,
        recorded: r.seq,
        incumbent: { metric: inc.metric, mean: inc.mean, n: inc.n },
        restored: r.restored ?? null,
        resumes: r.resumes,
      },
      io.out,
    );
    return;
  }
  printLine(`rolled back to run ${r.runId} (${inc.metric} ${fmt(inc.mean)}, n=${inc.n}), replacing ${r.target.previous ?? 'no incumbent'}; recorded at seq ${r.seq}: ${r.why}`, io.out);
  if (r.restored) printLine(`restored ${r.restored.files.join(', ')} from ${r.restored.tag} (${r.restored.commit.slice(0, 12)})`, io.out);
  printLine(`the next proposals build on run ${r.runId}'s config, and the next runs are compared against its sample (n=${inc.n})`, io.out);
  if (r.resumes) printLine(`session ${r.resumes} is unfinished: autopilot loop resumes it with run ${r.runId} as the incumbent`, io.out);
}
