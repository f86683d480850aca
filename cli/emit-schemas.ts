/**
 * Writes the JSON Schemas published for editors next to the compiled code:
 * `dist/schemas/policy.schema.json`. Run by `npm run build` after tsc.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { policyJsonSchema } from './policy.js';

/** Writes every schema into `dir` (created if missing); returns the paths written. */
export function emitSchemas(dir: string): string[] {
  mkdirSync(dir, { recursive: true });
  const path = join(dir, 'policy.schema.json');
  writeFileSync(path, `${JSON.stringify(policyJsonSchema(), null, 2)}\n`);
  return [path];
}

// Run as a script (node dist/cli/emit-schemas.js): write into dist/schemas.
if (process.argv[1] !== undefined && fileURLToPath(import.meta.url) === process.argv[1]) {
  emitSchemas(fileURLToPath(new URL('../schemas/', import.meta.url)));
}
