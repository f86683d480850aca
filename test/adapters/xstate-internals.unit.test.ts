import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT } from '../support/workspace.js';

/** The source folders held to XState's public API. */
const FOLDERS = ['adapters', 'orchestrator', 'inspector', 'machines', 'cli', 'projections', 'domain', 'events'];
/** The one adapter file that binds the recording seam to the running actor (it needs no internals either, today). */
const SEAM = 'adapters/recorder.ts';

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const path = join(dir, e.name);
    if (e.isDirectory()) return sources(path);
    return /\.(ts|mts|js|mjs)$/.test(e.name) && !e.name.endsWith('.d.ts') ? [path] : [];
  });
}

/** What in `text` reaches past XState's public API: a deep import (`xstate/...`), or a `_`-prefixed field read. */
function internals(text: string): string[] {
  const found: string[] = [];
  for (const m of text.matchAll(/(?:from|import)\s*\(?\s*['"](xstate\/[^'"]*)['"]/g)) found.push(`import ${m[1]}`);
  for (const m of text.matchAll(/(?:\?\.|\.)(_[A-Za-z]\w*)|\[\s*['"](_[A-Za-z]\w*)['"]\s*\]/g)) found.push(`field ${m[1] ?? m[2]}`);
  return found;
}

describe('XState internals', () => {
  it('are recognized: deep imports and underscore fields', () => {
    expect(internals(`import { x } from 'xstate/dist/raise.js';\nconst t = ie._transitions; a?._snapshot; s['_nodes'];`)).toEqual([
      'import xstate/dist/raise.js',
      'field _transitions',
      'field _snapshot',
      'field _nodes',
    ]);
    expect(internals(`import { createActor } from 'xstate';\nconst a = b.value; const _local = 1;`)).toEqual([]);
  });

  it(`are used by no source file outside ${SEAM}`, () => {
    const offenders = FOLDERS.flatMap((f) => sources(join(ROOT, f)))
      .map((path) => ({ file: relative(ROOT, path), found: internals(readFileSync(path, 'utf8')) }))
      .filter((o) => o.file !== SEAM && o.found.length > 0);
    expect(offenders).toEqual([]);
  });
});
