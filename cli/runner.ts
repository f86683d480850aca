/**
 * The CLI's one place for errors: runs a commander program, maps what it throws to an exit code and
 * writes the `autopilot: ` prefix. An expected error (`AutopilotError`) is one line (or block) with
 * no stack; anything else is a bug in autopilot, reported with its stack, the workspace log's last
 * sequence number and how to report it.
 */
import { existsSync } from 'node:fs';
import { CommanderError, type Command } from 'commander';
import { catalogueCodec } from '../events/catalogue.js';
import { openSqliteStore } from '../adapters/store/sqlite-store.js';
import { EXIT, isAutopilotError, prefixed } from '../domain/errors.js';
import { workspacePaths } from '../adapters/workspace.js';
import { unsafeStoreFile } from '../adapters/store-files.js';
import { printText, type Stream } from '../orchestrator/console.js';

/** How many events the report line asks for. */
const REPORT_EVENTS = 20;

/** The last sequence number of `workspace`'s log, read-only; null when there is no log or it cannot be read. */
export function lastLoggedSeq(workspace: string): number | null {
  const paths = workspacePaths(workspace);
  const path = paths.events;
  // Never creates anything: no log, no number. A link, FIFO or device planted at the log's files is never opened.
  if (!existsSync(path) || unsafeStoreFile(paths.root)) return null;
  try {
    const store = openSqliteStore(path, catalogueCodec, { readonly: true });
    try {
      return store.lastSeq();
    } finally {
      store.close();
    }
  } catch {
    return null;
  }
}

/** The lines reporting an unexpected error: its stack, where the log ends, and how to report it. */
export function internalErrorLines(error: unknown, workspace: string | undefined): string[] {
  const stack = error instanceof Error ? (error.stack ?? `${error.name}: ${error.message}`) : String(error);
  const lines = [prefixed(stack)];
  const seq = workspace === undefined ? null : lastLoggedSeq(workspace);
  const from = seq === null ? null : Math.max(1, seq - REPORT_EVENTS + 1);
  if (seq !== null) lines.push(prefixed(`the event log of ${workspacePaths(workspace as string).root} ends at seq ${seq}`));
  const events = from === null ? '' : ` and \`autopilot events --workspace ${workspace} --from ${from}\``;
  lines.push(prefixed(`this is a bug in autopilot: please report it with the output above${events}`));
  // Frames in the bundle name its chunks; with source maps on, Node names the modules they came from instead.
  if (!process.sourceMapsEnabled && /\/dist\/bundle\//.test(stack))
    lines.push(prefixed('the stack names bundled files (dist/bundle/); NODE_OPTIONS=--enable-source-maps names the modules they came from, if the error comes again'));
  return lines;
}

/**
 * Parses `argv` with `program` and returns the exit code: the one its action stored in
 * `result.code`, or the one the error it threw maps to, whose report goes to `stderr`.
 */
export async function runCli(program: Command, argv: string[], result: { code: number }, stderr: Stream): Promise<number> {
  let workspace: string | undefined;
  // The workspace the failing command was given, to say where its log ends.
  program.hook('preAction', (_program, action) => {
    const given = action.opts<{ workspace?: unknown }>().workspace;
    if (typeof given === 'string') workspace = given;
  });
  try {
    await program.parseAsync(argv);
    return result.code;
  } catch (e) {
    if (e instanceof CommanderError) {
      // Commander has printed its own message (usage errors through configureOutput).
      if (e.code === 'commander.helpDisplayed' || e.code === 'commander.version' || e.code === 'commander.help') return EXIT.ok;
      return EXIT.usage;
    }
    if (isAutopilotError(e)) {
      printText(e.report(), stderr);
      return e.exitCode;
    }
    printText(internalErrorLines(e, workspace).join('\n'), stderr);
    return EXIT.failed;
  }
}
