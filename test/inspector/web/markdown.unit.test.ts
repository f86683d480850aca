import { describe, expect, it } from 'vitest';
import { blocks, inlines } from '../../../inspector/web/markdown.js';

describe('the journal’s Markdown subset', () => {
  it('splits code spans from text, leaving an unclosed backtick as text', () => {
    expect(inlines('run `autopilot loop` now')).toEqual([
      { code: false, text: 'run ' },
      { code: true, text: 'autopilot loop' },
      { code: false, text: ' now' },
    ]);
    expect(inlines('a `` b ` c `` d')).toEqual([
      { code: false, text: 'a ' },
      { code: true, text: ' b ` c ' },
      { code: false, text: ' d' },
    ]);
    expect(inlines('odd ` tick')).toEqual([{ code: false, text: 'odd ` tick' }]);
  });

  it('reads headings, lists (with continuation lines) and paragraphs as the notes are written', () => {
    const md = '# Notes\n\nOne section per run,\nrebuilt.\n\n## Run 001: completed\n\n- Baseline.\n- Result: `mean_reward` 126.6\n  (n=32)\n## Run 002\ntext after';
    expect(blocks(md)).toEqual([
      { kind: 'heading', level: 1, inlines: [{ code: false, text: 'Notes' }] },
      { kind: 'paragraph', inlines: [{ code: false, text: 'One section per run, rebuilt.' }] },
      { kind: 'heading', level: 2, inlines: [{ code: false, text: 'Run 001: completed' }] },
      {
        kind: 'list',
        items: [
          [{ code: false, text: 'Baseline.' }],
          [
            { code: false, text: 'Result: ' },
            { code: true, text: 'mean_reward' },
            { code: false, text: ' 126.6' },
            { code: false, text: ' (n=32)' },
          ],
        ],
      },
      { kind: 'heading', level: 2, inlines: [{ code: false, text: 'Run 002' }] },
      { kind: 'paragraph', inlines: [{ code: false, text: 'text after' }] },
    ]);
  });

  it('keeps markup an agent wrote as text: nothing is HTML', () => {
    const hostile = '- Rationale: <img src=x onerror=alert(1)></script> [link](javascript:alert(1)) **bold**';
    expect(blocks(hostile)).toEqual([{ kind: 'list', items: [[{ code: false, text: 'Rationale: <img src=x onerror=alert(1)></script> [link](javascript:alert(1)) **bold**' }]] }]);
  });
});
