/**
 * `autopilot policy set FILE --why TEXT`: the one way to change the policy a session is bound to.
 * The new policy is checked, recorded in the log (InputsAccepted, with the reason) and only then
 * written to policy.json; a loop resumed afterwards runs on it. Any other change of policy.json
 * during a session is a guardrail violation and is put back.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { writeConfined } from '../adapters/fs/confined.js';
import { inputFile, readInput } from '../adapters/inputs.js';
import { acquireLock } from '../adapters/lock.js';
import { parsePolicy, PolicyError } from '../domain/policy/policy.js';
import { jsonSyntaxError } from '../domain/text/strict-json.js';
import { catalogueCodec, streamOf, type EventOf } from '../events/catalogue.js';
import { openSqliteStore } from '../adapters/store/sqlite-store.js';
import { AutopilotError, EXIT, UsageError } from '../domain/errors.js';
import { assertWorkspace, workspacePaths } from '../adapters/workspace.js';
import { ProjectionWriter } from '../adapters/projection-writer.js';
import { emptyView, foldView } from '../projections/view.js';
import { workspaceBlobs } from '../adapters/blob-files.js';
import type { CliIo } from './io.js';

/** Runs `policy set`; returns the exit code. */
export function policySetCommand(file: string, o: { workspace: string; why?: string; json?: boolean }, io: CliIo): number {
  const paths = workspacePaths(o.workspace);
  assertWorkspace(paths);
  const why = o.why?.trim() ?? '';
  if (why === '') throw new UsageError('policy set needs --why "<reason>": the reason is recorded with the change', { key: '--why' });
  let text: string;
  try {
    text = readFileSync(resolve(file), 'utf8');
    parsePolicy(JSON.parse(text));
  } catch (e) {
    if (e instanceof PolicyError) throw new AutopilotError('policy-invalid', `${file} is not a valid policy:\n${e.issues.map((i) => `- ${i}`).join('\n')}`, { file });
    const where = e instanceof SyntaxError ? jsonSyntaxError(text!) : null;
    throw new UsageError(`cannot use ${file}: ${where ? `not valid JSON: ${where}` : (e as Error).message}`, { file });
  }
  const lock = acquireLock(paths.lock, 'the policy is changed between sessions');
  try {
    const store = openSqliteStore(paths.events, catalogueCodec, { blobs: workspaceBlobs(paths) });
    try {
      const view = store.lastSeq() === 0 ? emptyView() : foldView(store.readAll());
      const session = [...view.sessions.keys()].at(-1);
      let seq: number | null = null;
      // Recorded first: should the write below not happen, the next loop puts the recorded text in place.
      if (session !== undefined && view.inputs.size > 0) {
        const event: EventOf<'InputsAccepted'> = {
          type: 'InputsAccepted',
          data: { files: [inputFile('policy.json', Buffer.from(text, 'utf8'))], why, by: 'policy set' },
          metadata: { session, at: new Date().toISOString() },
        };
        const stream = streamOf(event);
        seq = store.append(stream, [event], { expectedVersion: store.streamVersion(stream) }).lastSeq;
      }
      writeConfined(paths.root, paths.policy, text);
      new ProjectionWriter(paths.root).catchUp(store);
      const now = readInput(paths.root, 'policy.json');
      if (o.json) io.out.write(`${JSON.stringify({ ok: true, sha256: now.sha256, recorded: seq, why })}\n`);
      else
        io.out.write(
          seq === null
            ? `wrote ${paths.policy} (no session has bound the inputs yet: the next loop binds it)\n`
            : `wrote ${paths.policy} (sha256 ${now.sha256?.slice(0, 12)}…), recorded at seq ${seq}: ${why}\n`,
        );
      return EXIT.ok;
    } finally {
      store.close();
    }
  } finally {
    lock.release();
  }
}
