/** docs/design.md stays true to the catalogue: its event table names every event type and no other. */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { EVENT_TYPES } from '../../events/catalogue.js';

const design = readFileSync(new URL('../../docs/design.md', import.meta.url), 'utf8');
/** The event names in the first column of the catalogue table: rows of the form | `Name` | ... |. */
const documented = [...design.matchAll(/^\| `([A-Za-z]+)` \|/gm)].map((m) => m[1] ?? '');

describe('docs/design.md event catalogue', () => {
  it('names every event type of the catalogue', () => {
    expect(EVENT_TYPES.filter((t) => !documented.includes(t))).toEqual([]);
  });

  it('names no event the catalogue does not have', () => {
    const known = new Set<string>(EVENT_TYPES);
    expect(documented.filter((t) => !known.has(t))).toEqual([]);
  });
});
