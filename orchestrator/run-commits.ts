/**
 * A git commit per journaled run (issue 19), wired into the loop: once a run's JournalWritten is
 * recorded (its projection files then on disk), its files are read at once and committed in the
 * background, one commit at a time, and the outcome is recorded: RunCommitted, or RunCommitFailed
 * with git's message — never a crash; the loop goes on. A restarted loop finds the commits a crash
 * left unrecorded by their tag and records them, and commits the runs that have none.
 */
import { realpathSync } from 'node:fs';
import { relative } from 'node:path';
import type { AutopilotEvent } from '../events/catalogue.js';
import type { EventStore } from '../events/store.js';
import { gitEnabled } from '../domain/config/git-settings.js';
import type { Settings } from '../domain/config/settings.js';
import { runCommitMessage, runTag } from '../domain/run/run-commit.js';
import { makeEvent } from '../adapters/actors/deps.js';
import { gitTop } from '../adapters/git-state.js';
import { commitFiles } from '../adapters/git/commit.js';
import { GitStepError, type GitStep } from '../adapters/git/git.js';
import { findRunCommit } from '../adapters/git/recover.js';
import { readRunFiles, runCommitPaths } from '../adapters/git/run-files.js';
import { isAgentKind } from '../adapters/proposers/agents.js';
import type { WorkspaceView } from '../projections/view.js';

/** What the committer needs of the loop. */
export interface RunCommitterOptions {
  root: string;
  settings: Settings;
  /** The workspace inputs in force (autopilot.json, policy.json, baselines, prompt, trainer script). */
  inputs: readonly string[];
  view: () => WorkspaceView;
  record: (event: AutopilotEvent) => void;
  now: () => Date;
}

/** The loop's side of the run commits. */
export interface RunCommitter {
  /** Run `runId` was journaled by the event with chain hash `eventHash`: commit it. */
  journaled(runId: string, eventHash: string): void;
  /** After a restart: record the commits found by their tag, commit the runs that have none. */
  recover(runs: readonly { runId: string; eventHash: string }[]): void;
  /** Resolves once every commit asked for is made and recorded. */
  drain(): Promise<void>;
}

const HINTS: Record<GitStep, string> = {
  head: 'check out a branch in the repository (a detached HEAD gets no commits); the loop goes on without committing',
  layout: 'keep the workspace in a folder of the repository rather than at its top, or set git.enabled false; the run is in the log',
  read: 'check that the repository is readable; the run is in the log and its files on disk',
  commit: 'set an identity (git config user.name and user.email) and check the repository; the run is in the log and its files on disk',
  ref: 'the branch or a tag could not be moved (a lock left by another git, or the branch moving meanwhile); the run is in the log',
  index: 'your index still has the old versions of the committed files: run `git reset -q -- <paths>` for them',
};

/** The committer of a workspace, or null when git.enabled is off (its default outside a git work tree). */
export function runCommitter(o: RunCommitterOptions): RunCommitter | null {
  const top = gitTop(o.root);
  if (!gitEnabled(o.settings.git, top !== null)) return null;
  const prefix = top === null ? '' : relative(top, realpathSync(o.root)).split('\\').join('/');
  const dirPrefix = prefix === '' ? '' : `${prefix}/`;
  // The repository's .git is then in the workspace, which an agent's step guards: git writing there meanwhile would be reverted as the agent's change.
  const gitDirInside = top !== null && prefix === '';
  const agentSession = (runId: string) => isAgentKind(o.view().sessions.get(sessionOf(runId))?.proposer ?? '');
  let queue: Promise<void> = Promise.resolve();
  const sessionOf = (runId: string) => o.view().runs.get(runId)?.session ?? '0000';
  const failed = (runId: string, step: GitStep, message: string) => o.record(makeEvent('RunCommitFailed', { runId, step, message, hint: HINTS[step] }, sessionOf(runId), o.now()));
  const enqueue = (runId: string, work: () => Promise<void>) => {
    queue = queue.then(work).catch((e: unknown) => (e instanceof GitStepError ? failed(runId, e.step, e.message) : failed(runId, 'commit', (e as Error).message)));
  };

  // Reads the run's files now (a later run's journal step would change the labbook before a queued commit read them) and returns the commit to make.
  const prepare = (runId: string, eventHash: string): (() => Promise<void>) | null => {
    const view = o.view();
    const run = view.runs.get(runId);
    if (!run?.journal || top === null) return null;
    if (gitDirInside && agentSession(runId)) {
      failed(runId, 'layout', `the repository's git directory is inside the workspace, where an agent's step is guarded: a commit made while an agent works would be reverted as its change`);
      return null;
    }
    const { files, refused } = readRunFiles(o.root, dirPrefix, runCommitPaths(runId, o.inputs, view.evaluations));
    const message = runCommitMessage({
      runId,
      session: run.session,
      kind: run.kind,
      parent: run.parent,
      proposer: run.accepted?.proposer ?? null,
      override: run.accepted?.override ?? {},
      evaluation: run.evaluation,
      journal: run.journal,
      eventHash,
    });
    const tag = runTag(runId);
    const bestOf = view.incumbent ? runTag(view.incumbent.ref.runId) : null;
    return async () => {
      const done = await commitFiles({ cwd: top, files, message, tag, bestOf });
      const data = { runId, sha: done.sha, branch: done.branch, parent: done.parent, tag, ...(done.best ? { best: done.best } : {}), files: files.map((f) => f.path) };
      o.record(makeEvent('RunCommitted', { ...data, ...(refused.length ? { refused } : {}), message }, run.session, o.now()));
      if (done.indexError) failed(runId, 'index', done.indexError);
    };
  };
  const notInRepo = (runId: string) => failed(runId, 'head', `${o.root} is not inside a git work tree (git.enabled is true)`);

  return {
    journaled: (runId, eventHash) => {
      if (top === null) return notInRepo(runId);
      const work = prepare(runId, eventHash);
      if (work) enqueue(runId, work);
    },
    recover: (runs) => {
      for (const { runId, eventHash } of runs) {
        if (top === null) {
          notInRepo(runId);
          continue;
        }
        const paths = runCommitPaths(runId, o.inputs, o.view().evaluations).map((p) => `${dirPrefix}${p}`);
        enqueue(runId, async () => {
          const found = await findRunCommit(top, runTag(runId), eventHash, paths);
          // Not found: committed now, its files read when its turn comes (nothing journals while the loop resumes).
          if (!found) return prepare(runId, eventHash)?.();
          o.record(makeEvent('RunCommitted', { runId, ...found, tag: runTag(runId), recovered: true }, sessionOf(runId), o.now()));
        });
      }
    },
    drain: () => queue,
  };
}

/** `autopilot check`'s line on git: whether each journaled run will be committed, and where. */
export function gitLine(root: string, settings: Settings): string {
  const fact = gitFact(root, settings);
  if (!fact.enabled) return `off (${fact.why})`;
  return fact.repository === null
    ? 'on, but not inside a git work tree: each run will record RunCommitFailed'
    : `on: a commit per journaled run in ${fact.repository} (tags autopilot/run-N, autopilot/best)`;
}

/** Whether a loop here commits each journaled run, in which work tree, or why not (`check --json`'s `git`). */
export function gitFact(root: string, settings: Settings): { enabled: true; repository: string | null } | { enabled: false; why: string } {
  const top = gitTop(root);
  if (!gitEnabled(settings.git, top !== null)) return { enabled: false, why: settings.git.enabled === false ? 'git.enabled is false' : 'not inside a git work tree' };
  return { enabled: true, repository: top };
}

/** The journaled runs of `session` whose commit was neither recorded nor recorded as failed, with their JournalWritten's chain hash. */
export function uncommittedRuns(store: EventStore<AutopilotEvent>, view: WorkspaceView, session: string): { runId: string; eventHash: string }[] {
  const out: { runId: string; eventHash: string }[] = [];
  for (const run of view.runs.values()) {
    if (run.session !== session || !run.journal) continue;
    const events = store.readStream(`run-${run.runId}`);
    const journal = events.filter((s) => s.event.type === 'JournalWritten').at(-1);
    if (journal && !events.some((s) => s.event.type === 'RunCommitted' || s.event.type === 'RunCommitFailed')) out.push({ runId: run.runId, eventHash: journal.hash });
  }
  return out.sort((a, b) => a.runId.localeCompare(b.runId));
}
