/**
 * What a trainer left, as the loop read it once every process of the run was gone: the summary by
 * its sha256, each checkpoint by its identity (size, mtime, ctime, inode). Recorded in RunFinished
 * and checked again when the run is journaled: a change in between came from something that
 * escaped the run's containment, and is a violation (the recorded result stands).
 */
import { lstatSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import type { DataOf } from '../../events/catalogue.js';
import { readConfined } from '../fs/confined.js';

type Output = NonNullable<DataOf<'RunFinished'>['outputs']>[number];

function identity(abs: string): string | null {
  try {
    const st = lstatSync(abs, { bigint: true });
    return st.isFile() ? `${st.size}:${st.mtimeNs}:${st.ctimeNs}:${st.ino}` : null;
  } catch {
    return null;
  }
}

/** The fingerprint of the summary (its bytes, as read) and of the checkpoints (workspace-relative). */
export function fingerprintOutputs(root: string, summary: { rel: string; bytes: Buffer } | null, checkpoints: string[]): Output[] {
  const out: Output[] = [];
  if (summary) out.push({ path: summary.rel, sha256: createHash('sha256').update(summary.bytes).digest('hex') });
  for (const rel of checkpoints) {
    const id = identity(join(root, rel));
    if (id !== null) out.push({ path: rel, identity: id });
  }
  return out;
}

/** The recorded outputs that are no longer as they were. */
export function changedOutputs(root: string, recorded: Output[], maxBytes: number): Output[] {
  return recorded.filter((o) => {
    if (o.identity !== undefined) return identity(join(root, o.path)) !== o.identity;
    const read = readConfined(root, join(root, o.path), maxBytes);
    return read.kind !== 'file' || createHash('sha256').update(read.bytes).digest('hex') !== o.sha256;
  });
}
