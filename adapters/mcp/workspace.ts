/**
 * The workspace as the MCP server sees it: the event log folded read-only (never the lock, never an
 * append, so a running loop is undisturbed), the policy and baselines as the session recorded them
 * (the files only before any session bound them, or while they still have the hash the log keeps:
 * an agent's edit of policy.json changes nothing here, or is refused), and the config a proposal is validated against, computed as the loop computes it.
 */
import { existsSync } from 'node:fs';
import { baseConfigFor } from '../../domain/config/base-config.js';
import type { Config } from '../../domain/config/config.js';
import type { Policy } from '../../domain/policy/policy.js';
import { LIMIT_DEFAULTS } from '../../domain/config/settings.js';
import { catalogueCodec } from '../../events/catalogue.js';
import { openSqliteStore } from '../store/sqlite-store.js';
import { workspaceBlobs } from '../blob-files.js';
import { assertWorkspace, loadBaseline, loadPolicy, loadSettings, workspacePaths, type WorkspacePaths } from '../workspace.js';
import { emptyView, evolveView, type WorkspaceView } from '../../projections/view.js';
import { boundInputText } from './bound-input.js';
import type { Mode } from '../../domain/config/mode.js';

/** What proposals are validated against: the config, and where it came from in words. */
export interface ProposalBase {
  config: Config;
  mode: Mode;
  /** The incumbent's run id, or null when the base is the bare baseline. */
  incumbent: string | null;
  label: string;
}

/**
 * Read-only access to one workspace. The view is folded incrementally: each {@link view} call reads
 * only the events appended since the previous one, so runs a loop adds while the server is up show.
 */
export class McpWorkspace {
  readonly paths: WorkspacePaths;
  private folded: WorkspaceView = emptyView();

  /** `dir` is resolved against the current directory; `mode` pins the baseline mode (else the log's, else settings'). */
  constructor(
    dir: string,
    private readonly mode?: Mode,
  ) {
    this.paths = workspacePaths(dir);
  }

  /** The workspace view up to the end of the log as it is now; throws WorkspaceError when `dir` is not a workspace. */
  view(): WorkspaceView {
    assertWorkspace(this.paths);
    // No log yet (a fresh workspace): nothing has happened.
    if (!existsSync(this.paths.events)) return (this.folded = emptyView());
    // The same read-only connection openReader (cli/open-store.ts) gives the reporting commands.
    const store = openSqliteStore(this.paths.events, catalogueCodec, { readonly: true, blobs: workspaceBlobs(this.paths) });
    try {
      // A log shorter than what was folded was replaced (import into an emptied workspace): fold it anew.
      if (store.lastSeq() < this.folded.lastSeq) this.folded = emptyView();
      for (const stored of store.readAll({ fromSeq: this.folded.lastSeq + 1 })) evolveView(this.folded, stored);
    } catch (error) {
      // evolveView mutates: a fold that failed half-way must not be built on.
      this.folded = emptyView();
      throw error;
    } finally {
      store.close();
    }
    return this.folded;
  }

  /** The policy the session recorded (policy.json itself when no session bound one yet). */
  policy(): Policy {
    assertWorkspace(this.paths);
    const view = this.view();
    return loadPolicy(this.paths, boundInputText(this.paths.root, view.inputs.get('policy.json'), this.recordedNames(view)));
  }

  /** `secrets.record` of the bound `autopilot.json` (the names whose values the log keeps), as the loop hashed the inputs with. */
  private recordedNames(view: WorkspaceView): string[] {
    try {
      // The names are no secret: the redacted copy the log keeps tells them as well as the file.
      return loadSettings(this.paths, view.inputs.get('autopilot.json')?.text).secrets.record;
    } catch {
      return [];
    }
  }

  /** `limits.max_problems` of `autopilot.json` (its default when the file cannot be read). */
  maxProblems(): number {
    try {
      return loadSettings(this.paths).limits.max_problems;
    } catch {
      return LIMIT_DEFAULTS.max_problems;
    }
  }

  /** The baseline mode: the pinned one, else the newest session's, else `autopilot.json`'s. */
  modeOf(view: WorkspaceView): Mode {
    if (this.mode) return this.mode;
    const newest = [...view.sessions.values()].at(-1);
    return newest?.mode ?? loadSettings(this.paths).mode;
  }

  /** The base of a proposal, as the loop's validate step computes it: the mode's baseline with the incumbent's override. */
  base(view: WorkspaceView): ProposalBase {
    const mode = this.modeOf(view);
    const baseline = loadBaseline(this.paths, mode, boundInputText(this.paths.root, view.inputs.get(`configs/baseline_${mode}.json`), this.recordedNames(view)));
    const incumbent = view.incumbent?.ref ?? null;
    if (!incumbent) return { config: baseline, mode, incumbent: null, label: `the ${mode} baseline (no incumbent yet)` };
    return {
      config: baseConfigFor(baseline, incumbent.override),
      mode,
      incumbent: incumbent.runId,
      label: `incumbent run ${incumbent.runId} (the ${mode} baseline with its override)`,
    };
  }
}
