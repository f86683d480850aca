import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
/** Every folder tsc compiles into dist/ (tsconfig.build.json's include, and orchestrator/ that it reaches by import). */
const SOURCE_DIRS = ['machines', 'events', 'projections', 'adapters', 'domain', 'cli', 'trainers', 'bench', 'orchestrator'];
/** Files outside those folders that change what the build emits. */
const BUILD_FILES = ['tsconfig.json', 'tsconfig.build.json', 'package.json', 'package-lock.json'];
/** Written after a build: the hash of the sources it was built from. */
const STAMP = join(root, 'dist', '.test-build-stamp');

function sourceFiles(dir: string, out: string[]): string[] {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) {
      if (relative(root, path) !== join('bench', 'out') && entry.name !== 'node_modules') sourceFiles(path, out);
    } else if (entry.isFile()) out.push(path);
  }
  return out;
}

/** A hash of every path and byte the build reads: equal hashes mean dist/ is what a build would make now. */
export function sourceHash(): string {
  const files = [...SOURCE_DIRS.filter((d) => existsSync(join(root, d))).flatMap((d) => sourceFiles(join(root, d), [])), ...BUILD_FILES.map((f) => join(root, f))];
  const hash = createHash('sha256');
  for (const file of files.sort())
    hash
      .update(`${relative(root, file)}\0`)
      .update(readFileSync(file))
      .update('\0');
  return hash.digest('hex');
}

/**
 * Integration and end-to-end tests spawn the compiled CLI and trainer, so dist/ must be built from the
 * sources as they are now. Vitest calls this once per project (unit, int, e2e, slow); the first call
 * builds and stamps dist/ with the sources' hash, the others (and later runs on unchanged sources) find
 * the stamp equal and skip. Any changed byte in a source changes the hash, so a stale dist is never tested.
 */
export default function setup(): void {
  const hash = sourceHash();
  if (existsSync(STAMP) && readFileSync(STAMP, 'utf8') === hash) return;
  rmSync(STAMP, { force: true });
  execFileSync('npx', ['tsc', '-p', 'tsconfig.build.json'], { cwd: root, stdio: 'inherit' });
  // The containment helper (C) the launcher starts supervisors through in subreaper mode.
  execFileSync(process.execPath, ['dist/adapters/launcher/build-contain.js'], { cwd: root, stdio: 'inherit' });
  // Sources edited during the build leave the stamp unwritten, so the next run builds again.
  if (sourceHash() !== hash) return;
  writeFileSync(`${STAMP}.tmp`, hash);
  renameSync(`${STAMP}.tmp`, STAMP);
}
