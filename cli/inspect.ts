/**
 * `autopilot inspect [--workspace DIR] [--port N] [--host H] [--open]`: serves the visual inspector
 * of a workspace's log, read-only, until SIGINT or SIGTERM. The first line it prints is the URL.
 * `--export DIR` instead writes the inspector as one self-contained HTML file and prints its path.
 */
import { spawn } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import { delimiter, join } from 'node:path';
import { type Command, InvalidArgumentError, Option } from 'commander';
import { printLine } from '../orchestrator/console.js';
import { EXIT, prefixed, UsageError } from '../domain/errors.js';
import type { CliIo } from './io.js';

/** The port `inspect` listens on unless told otherwise. */
export const DEFAULT_INSPECT_PORT = 7444;

/** Options of `autopilot inspect`. */
export interface InspectOptions {
  workspace: string;
  port: number;
  host?: string;
  open?: boolean;
  /** Write a static export into this directory instead of serving. */
  export?: string;
}

function portArg(value: string): number {
  const n = Number(value);
  if (!/^\d{1,5}$/.test(value) || n > 65535) throw new InvalidArgumentError(`--port must be an integer from 0 to 65535 (0: a free port), got "${value}"`);
  return n;
}

/** Adds `inspect` to `program`; its action stores the exit code in `result.code` once the server stops. */
export function registerInspectCommand(program: Command, result: { code: number }, io: CliIo): void {
  program
    .command('inspect')
    .description('serve the visual inspector of the workspace (runs, statechart, events, labbook) over HTTP, read-only on the log, safe while a loop runs')
    .addOption(new Option('--workspace <dir>', 'workspace directory').default('autopilot'))
    .addOption(new Option('--port <n>', 'port to listen on (0: a free one)').default(DEFAULT_INSPECT_PORT).argParser(portArg))
    .option('--host <address>', 'address to listen on (default 127.0.0.1; any other requires the token the printed URL carries)')
    .option('--open', 'open the URL in a browser (xdg-open)')
    .option('--export <dir>', 'write the inspector with its data as one HTML file, DIR/inspector.html, that opens from file:// with no request, and serve nothing')
    .action(async (o: InspectOptions) => {
      result.code = await inspectCommand(o, io);
    });
}

// An executable named `name` on PATH, or null.
function onPath(name: string): string | null {
  for (const dir of (process.env['PATH'] ?? '').split(delimiter)) {
    if (dir === '') continue;
    try {
      accessSync(join(dir, name), constants.X_OK);
      return join(dir, name);
    } catch {
      // not here
    }
  }
  return null;
}

// `--export DIR`: writes the file, prints its path (stdout) and what it left out (stderr).
async function exportCommand(o: InspectOptions & { export: string }, io: CliIo): Promise<number> {
  if (o.host !== undefined || o.open) throw new UsageError('--export writes a file and serves nothing', { hint: 'drop --host and --open, or drop --export to serve', scope: 'inspect' });
  const { exportInspector } = await import('../inspector/export.js');
  const done = await exportInspector({ workspace: o.workspace, dir: o.export });
  printLine(done.path, io.out);
  for (const r of done.replaced)
    printLine(prefixed(`replaced ${r.path} (${r.kind}${r.target !== undefined ? ` to ${r.target}` : ''}) by the export; nothing was written through it`, 'inspect'), io.err);
  printLine(
    prefixed(`exported ${o.workspace} (${done.bytes} bytes): opens from file:// with no request${done.omitted.length > 0 ? `; left out: ${done.omitted.join('; ')}` : ''}`, 'inspect'),
    io.err,
  );
  return EXIT.ok;
}

/** Serves until a signal (or writes the export); returns the exit code (0). Listen and export errors are thrown as AutopilotErrors. */
export async function inspectCommand(o: InspectOptions, io: CliIo): Promise<number> {
  if (o.export !== undefined) return exportCommand({ ...o, export: o.export }, io);
  // Loaded here, not at the top: every other command's start-up skips hono.
  const { startInspector } = await import('../inspector/server/start.js');
  const server = await startInspector({ workspace: o.workspace, port: o.port, ...(o.host !== undefined ? { host: o.host } : {}) });
  // The signals are heard before the URL is printed: whoever reads the URL may stop the server at once.
  const stopped = new Promise<void>((resolve) => {
    const stop = () => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      resolve();
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
  printLine(`inspector: ${server.url}`, io.out);
  printLine(prefixed(`serving ${o.workspace} read-only on ${server.host}:${server.port}; Ctrl-C stops it`, 'inspect'), io.err);
  if (o.open) {
    const opener = onPath('xdg-open');
    if (opener === null) printLine(prefixed('could not open a browser (no xdg-open on PATH): open the URL above yourself', 'inspect'), io.err);
    else
      spawn(opener, [server.url], { detached: true, stdio: 'ignore' })
        .on('error', () => undefined)
        .unref();
  }
  await stopped;
  await server.close();
  return EXIT.ok;
}
