/** The inputs an unfinished session is bound to, read from the log before the loop resumes it. */
import { existsSync } from 'node:fs';
import { catalogueCodec, type InputFile } from '../events/catalogue.js';
import { openSqliteStore } from '../events/sqlite-store.js';
import type { WorkspacePaths } from './workspace.js';
import { workspaceBlobs } from '../adapters/blob-files.js';

/** The unfinished session (the last one, when it has not ended) and the inputs it is bound to; null when there is none or it bound none. */
export function unfinishedBinding(paths: WorkspacePaths): { session: string; inputs: Map<string, InputFile> } | null {
  if (!existsSync(paths.events)) return null;
  const store = openSqliteStore(paths.events, catalogueCodec, { readonly: true, blobs: workspaceBlobs(paths) });
  try {
    const last = store.lastSeq();
    if (last === 0) return null;
    const [tail] = [...store.readAll({ fromSeq: last })];
    if (!tail) return null;
    const session = tail.event.metadata.session;
    let inputs: Map<string, InputFile> | null = null;
    for (const { event: e } of store.readStream(`session-${session}`)) {
      if (e.type === 'LoopStarted') inputs = e.data.inputs ? new Map(e.data.inputs.map((f) => [f.path, f])) : null;
      else if (e.type === 'InputsAccepted' && inputs) for (const f of e.data.files) inputs.set(f.path, f);
      else if (e.type === 'LoopHalted' || e.type === 'LoopCompleted') return null;
    }
    return inputs ? { session, inputs } : null;
  } finally {
    store.close();
  }
}
