/**
 * `autopilot.json`'s `git`: whether each journaled run becomes one commit (issue 19). Absent
 * `enabled` means on when the workspace is inside a git work tree, off elsewhere; the orchestrator
 * decides that, since finding the work tree is I/O.
 */
import { z } from 'zod';

/** The `git` settings. */
export const GitSettingsSchema = z
  .strictObject({
    /** Commit each journaled run (absent: on inside a git work tree, off elsewhere). */
    enabled: z.boolean().optional(),
  })
  .default({});
/** Parsed `git` settings. */
export type GitSettings = z.output<typeof GitSettingsSchema>;

/** Whether runs are committed: the setting when given, else whether the workspace is in a work tree. */
export function gitEnabled(settings: GitSettings, inWorkTree: boolean): boolean {
  return settings.enabled ?? inWorkTree;
}
