import { describe, expect, it } from 'vitest';
import { labbookText } from '../../projections/labbook-text.js';
import { foldView } from '../../projections/view.js';
import { manyPathsViolation } from './support.js';

describe('when a violation names 500 paths', () => {
  const view = foldView(manyPathsViolation(500).events);

  it('keeps every path in the run', () => {
    expect(view.runs.get('002')!.violations[0]!.paths).toHaveLength(500);
  });

  it('writes one labbook line naming the first 20 and counting the rest', () => {
    const entry = labbookText(view.labbook.at(-1)!);
    expect(entry.observation).toMatch(/^changed outside allowed_paths: junk\/f000 \(created\), /);
    expect(entry.observation).toContain('junk/f019 (created), … and 480 more');
    expect(entry.observation).not.toContain('junk/f020');
  });
});
