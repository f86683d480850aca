/**
 * `autopilot inspect --export DIR`: one self-contained HTML file, `DIR/inspector.html`, with the
 * inspector's single-file build (`dist/inspector/export/`) inlined and the server's answers
 * embedded, which opens from file:// and makes no request at all.
 */
import { mkdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { PROJECT_ROOT } from '../adapters/workspace.js';
import { writeConfined, type UnsafeEntry } from '../adapters/fs/confined.js';
import { describeKind, entryKind, linkTarget } from '../adapters/fs/entry.js';
import { failure, UsageError } from '../domain/errors.js';
import { EMBEDDED_DATA_ID, type EmbeddedExport } from './api.js';
import { collectAnswers, EXPORT_LIMITS, type ExportLimits } from './export-data.js';
import { exportPage, scriptJson } from './export-html.js';
import { createInspectorApp } from './server/app.js';

/** Where the single-file build is (`vite build -c inspector/web/vite.export.config.ts`). */
export const EXPORT_BUILD = join(PROJECT_ROOT, 'dist', 'inspector', 'export');
/** The exported file's name in DIR. */
export const EXPORT_FILE = 'inspector.html';

/** What {@link exportInspector} needs. */
export interface ExportOptions {
  workspace: string;
  dir: string;
  /** The single-file build (default {@link EXPORT_BUILD}). */
  build?: string;
  /** Caps on the embedded data (default {@link EXPORT_LIMITS}). */
  limits?: Partial<ExportLimits>;
  /** When the export is said to be of (default now). */
  now?: Date;
}

/** What was written. */
export interface ExportResult {
  path: string;
  bytes: number;
  omitted: string[];
  /** What stood at the file's path and was replaced, not written through (a planted link). */
  replaced: UnsafeEntry[];
}

// DIR must be a real directory (made when absent), never a link to one, nor a file.
function checkDir(dir: string): void {
  const kind = entryKind(dir);
  if (kind === null) mkdirSync(dir, { recursive: true });
  if (kind === null || kind === 'directory') return;
  const target = kind === 'symlink' ? linkTarget(dir) : null;
  throw new UsageError(`--export ${dir} is ${describeKind(kind)}${target !== null ? ` to ${target}` : ''}, not a directory`, {
    hint: `give a directory (made when absent), never a link to one; ${EXPORT_FILE} is written in it`,
    scope: 'inspect',
  });
}

// The single-file build's index.html and a reader of the files it names, from `build` only.
function readBuild(build: string): { html: string; read: (url: string) => string } {
  let html: string;
  try {
    html = readFileSync(join(build, 'index.html'), 'utf8');
  } catch {
    throw failure(`the inspector's export build is missing: ${join(build, 'index.html')} does not exist`, { hint: "run `npm run build` in autopilot's folder", scope: 'inspect' });
  }
  const read = (url: string): string => {
    const rel = url.replace(/^\.\//, '');
    if (!/^assets\/[\w.-]+$/.test(rel)) throw failure(`the export build refers to ${JSON.stringify(url)}, not a file of its assets/`, { scope: 'inspect' });
    return readFileSync(join(build, rel), 'utf8');
  };
  return { html, read };
}

/**
 * Writes the export of `workspace` to `dir`/inspector.html (a temp file renamed over it, so a link
 * planted there is replaced, never followed). Throws AutopilotErrors: `dir` a link or a file, not a
 * workspace, the build missing.
 */
export async function exportInspector(o: ExportOptions): Promise<ExportResult> {
  const dir = resolve(o.dir);
  // The workspace first: a mistyped one leaves no directory behind.
  const inspector = createInspectorApp({ workspace: o.workspace, allowedHosts: null });
  let collected;
  let build;
  try {
    checkDir(dir);
    build = readBuild(o.build ?? EXPORT_BUILD);
    collected = await collectAnswers(inspector.app, { ...EXPORT_LIMITS, ...o.limits });
  } finally {
    inspector.close();
  }
  const { html, read } = build;
  const data: EmbeddedExport = {
    format: 'autopilot-inspector-export/1',
    exportedAt: (o.now ?? new Date()).toISOString(),
    workspace: o.workspace,
    tail: collected.tail,
    omitted: collected.omitted,
    answers: collected.answers,
  };
  const page = exportPage(html, read, scriptJson(data), EMBEDDED_DATA_ID);
  const replaced = writeConfined(dir, EXPORT_FILE, page);
  return { path: join(dir, EXPORT_FILE), bytes: Buffer.byteLength(page), omitted: collected.omitted, replaced };
}
