#!/usr/bin/env node
// Lists the source files with no direct test: no test/<same folder>/<name>.{unit,int,e2e,slow}.test.ts.
// Usage: node bin/untested-files.mjs (the README's "How it is built" keeps its output; CI prints it).
import { existsSync, readdirSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const DIRS = ['machines', 'events', 'domain', 'projections', 'integrations', 'adapters', 'orchestrator', 'inspector', 'cli', 'trainers', 'bench'];
const TIERS = ['unit', 'int', 'e2e', 'slow'];

function walk(dir) {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const path = join(dir, e.name);
    if (e.isDirectory()) return e.name === 'out' || e.name === 'node_modules' ? [] : walk(path);
    return e.isFile() && e.name.endsWith('.ts') && !e.name.endsWith('.d.ts') ? [path] : [];
  });
}

const untested = DIRS.flatMap((d) => walk(join(root, d)))
  .map((f) => relative(root, f))
  .filter((f) => !TIERS.some((t) => existsSync(join(root, 'test', f.replace(/\.ts$/, `.${t}.test.ts`)))))
  .sort();
process.stdout.write(untested.map((f) => `${f}\n`).join(''));
