/** The unfinished session and the inputs it is bound to, read from the log before the loop resumes it. */
import { existsSync } from 'node:fs';
import { catalogueCodec, type DataOf, type InputFile } from '../events/catalogue.js';
import { openSqliteStore } from '../adapters/store/sqlite-store.js';
import type { WorkspacePaths } from '../adapters/workspace.js';
import { workspaceBlobs } from '../adapters/blob-files.js';
import type { Mode } from '../domain/config/mode.js';

/** The session the log's last event belongs to, when it has started and not ended: what `autopilot loop` resumes. */
export interface UnfinishedSession {
  session: string;
  mode: Mode;
  proposer: string;
  /** The inputs it is bound to (null: it bound none, as sessions of older logs). */
  inputs: Map<string, InputFile> | null;
}

/** The unfinished session (the last one, when it has not ended); null when there is none. Read-only: creates no log. */
export function unfinishedSession(paths: WorkspacePaths): UnfinishedSession | null {
  if (!existsSync(paths.events)) return null;
  const store = openSqliteStore(paths.events, catalogueCodec, { readonly: true, blobs: workspaceBlobs(paths) });
  try {
    const last = store.lastSeq();
    if (last === 0) return null;
    const [tail] = [...store.readAll({ fromSeq: last })];
    if (!tail) return null;
    const session = tail.event.metadata.session;
    let found: UnfinishedSession | null = null;
    for (const { event: e } of store.readStream(`session-${session}`)) {
      if (e.type === 'LoopStarted') found = { session, mode: e.data.mode, proposer: e.data.proposer, inputs: e.data.inputs ? new Map(e.data.inputs.map((f) => [f.path, f])) : null };
      else if (e.type === 'InputsAccepted' && found?.inputs) for (const f of e.data.files) found.inputs.set(f.path, f);
      else if (e.type === 'LoopHalted' || e.type === 'LoopCompleted') return null;
    }
    return found;
  } finally {
    store.close();
  }
}

/** The unfinished session and the inputs it is bound to; null when there is none or it bound none. */
export function unfinishedBinding(paths: WorkspacePaths): { session: string; inputs: Map<string, InputFile> } | null {
  const found = unfinishedSession(paths);
  return found?.inputs ? { session: found.session, inputs: found.inputs } : null;
}

/**
 * The agent attempt of the unfinished session that was running when the loop died: recorded as
 * started, and neither stopped nor answered since. Null when there is none. Read-only.
 */
export function interruptedAgent(paths: WorkspacePaths): { started: DataOf<'ProposerStarted'>; at: string } | null {
  if (!existsSync(paths.events)) return null;
  const store = openSqliteStore(paths.events, catalogueCodec, { readonly: true, blobs: workspaceBlobs(paths) });
  try {
    const last = store.lastSeq();
    const [tail] = last === 0 ? [] : [...store.readAll({ fromSeq: last })];
    if (!tail) return null;
    const session = tail.event.metadata.session;
    let from = 0;
    for (const stored of store.readStream(`session-${session}`)) {
      if (stored.event.type === 'LoopStarted') from = stored.seq;
      else if (stored.event.type === 'LoopHalted' || stored.event.type === 'LoopCompleted') return null;
    }
    if (from === 0) return null;
    let open: { started: DataOf<'ProposerStarted'>; at: string } | null = null;
    for (const { event: e } of store.readAll({ fromSeq: from })) {
      if (e.type === 'ProposerStarted') open = { started: e.data, at: e.metadata.at };
      else if (open && (e.type === 'ProposerStopped' || e.type === 'ProposalReceived' || e.type === 'ProposalFailed') && e.data.runId === open.started.runId) open = null;
    }
    return open;
  } finally {
    store.close();
  }
}
