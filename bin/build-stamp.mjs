#!/usr/bin/env node
// The build stamp: a hash of every path and byte the build reads, written into dist/ after a build.
// `npm run build` writes it (so `npm ci` leaves a stamped dist/); test/global-setup.ts compares it with
// the sources and builds again only when they differ, so the tests never run a stale dist/.
// Usage (package.json's build): node bin/build-stamp.mjs --before, then the build, then --after.
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
/** Every folder tsconfig.build.json compiles into dist/. */
const SOURCE_DIRS = ['machines', 'events', 'projections', 'adapters', 'domain', 'orchestrator', 'inspector', 'integrations', 'cli', 'trainers', 'bench'];
/** Files outside those folders that change what the build emits. */
const BUILD_FILES = ['tsconfig.json', 'tsconfig.build.json', 'rolldown.config.mjs', 'package.json', 'package-lock.json'];
/** Where the stamp is kept. */
export const STAMP = join(root, 'dist', '.test-build-stamp');

function sourceFiles(dir, out) {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) {
      if (relative(root, path) !== join('bench', 'out') && entry.name !== 'node_modules') sourceFiles(path, out);
    } else if (entry.isFile()) out.push(path);
  }
  return out;
}

/** A hash of every path and byte the build reads: equal hashes mean dist/ is what a build would make now. */
export function sourceHash() {
  const files = [...SOURCE_DIRS.filter((d) => existsSync(join(root, d))).flatMap((d) => sourceFiles(join(root, d), [])), ...BUILD_FILES.map((f) => join(root, f))];
  const hash = createHash('sha256');
  for (const file of files.sort())
    hash
      .update(`${relative(root, file)}\0`)
      .update(readFileSync(file))
      .update('\0');
  return hash.digest('hex');
}

/** Stamps dist/ with `hash` (the hash the build started from), atomically. */
export function writeStamp(hash) {
  writeFileSync(`${STAMP}.tmp`, hash);
  renameSync(`${STAMP}.tmp`, STAMP);
}

/** The hash a build started from, kept until it ends. */
const PENDING = `${STAMP}.pending`;

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const step = process.argv[2];
  if (step === '--before') {
    // A build under way leaves no stamp: if it fails, the tests build again.
    rmSync(STAMP, { force: true });
    mkdirSync(join(root, 'dist'), { recursive: true });
    writeFileSync(PENDING, sourceHash());
  } else if (step === '--after') {
    const started = existsSync(PENDING) ? readFileSync(PENDING, 'utf8') : null;
    rmSync(PENDING, { force: true });
    // Sources edited during the build leave the stamp unwritten.
    if (started !== null && started === sourceHash()) writeStamp(started);
  } else {
    process.stderr.write(`build-stamp: expected --before or --after, got ${step ?? 'nothing'}\n`);
    process.exit(2);
  }
}
