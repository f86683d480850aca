/**
 * Events of the git commit each journaled run becomes (issue 19): the commit and its tags, or the
 * step that failed and why. The loop goes on either way.
 */
import { z } from 'zod';
import { event, RunId } from './event-schema.js';

const Sha = z.string().regex(/^[0-9a-f]{40}([0-9a-f]{24})?$/, 'a git object id');

/** A journaled run became one commit on the current branch, tagged `autopilot/run-<id>`. */
export const RunCommitted = event(
  'RunCommitted',
  z.object({
    runId: RunId,
    sha: Sha,
    /** The branch moved (`refs/heads/…`) and the commit it moved from (null: the branch was unborn). */
    branch: z.string(),
    parent: Sha.nullable(),
    /** `autopilot/run-<id>`. */
    tag: z.string(),
    /** `autopilot/best` moved to the incumbent's commit with this one (absent: not moved). */
    best: Sha.optional(),
    /** The files the commit holds for the run, relative to the repository's top. */
    files: z.array(z.string()),
    /** Files left out: a link, FIFO or oversize file where a listed file should be (never followed or read). */
    refused: z.array(z.object({ path: z.string(), why: z.string() })).optional(),
    message: z.string(),
    /** True when found after a restart by its tag (committed before a crash, the event not yet recorded). */
    recovered: z.literal(true).optional(),
  }),
);

/** Committing a journaled run failed at `step`; nothing was committed (or, for `index`, the commit stands). */
export const RunCommitFailed = event(
  'RunCommitFailed',
  z.object({
    runId: RunId,
    /**
     * `head`: HEAD detached or unreadable, or no work tree; `layout`: the repository's git directory is
     * inside the workspace of an agent session, whose steps are guarded (a commit made meanwhile would
     * be reverted as the agent's change); `read`, `commit`: reading it back, writing the tree or commit
     * (no identity…); `ref`: moving the branch or tags; `index`: syncing the user's index after the commit.
     */
    step: z.enum(['head', 'layout', 'read', 'commit', 'ref', 'index']),
    message: z.string(),
    /** What the user can do about it. */
    hint: z.string(),
  }),
);
