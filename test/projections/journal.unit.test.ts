import { describe, expect, it } from 'vitest';
import { docPatch, docText, emptyDoc, markWritten, setSegment, type SegmentDoc } from '../../projections/document.js';
import { NOTE_EVENTS } from '../../projections/journal.js';
import { evolveIfHandled } from '../../projections/projection.js';
import { labbookProjection, notesProjection, workspaceProjection } from '../../projections/registry.js';
import { renderLabbook, renderNotes } from '../../projections/render.js';
import { syntheticEvents } from '../support/synthetic-log.js';
import { asStored } from './support.js';

/** The bytes a file holds after `patch` is put on `file` as a writer does: the kept bytes, then the tail. */
function patched(file: Buffer, doc: SegmentDoc): Buffer {
  const patch = docPatch(doc);
  if (!patch) return file;
  expect(patch.keep).toBeLessThanOrEqual(file.length);
  markWritten(doc);
  return Buffer.concat([file.subarray(0, patch.keep), Buffer.from(patch.tail, 'utf8')]);
}

describe('the journal documents, kept as segments', () => {
  it('patch a file to exactly the full render after every event of a long history, the labbook by appends only', () => {
    let view = workspaceProjection.initialState();
    let labbook = labbookProjection.initialState();
    let notes = notesProjection.initialState();
    let labbookFile: Buffer = Buffer.alloc(0);
    let notesFile: Buffer = Buffer.alloc(0);
    let notesWrites = 0;
    for (const stored of asStored(syntheticEvents(40))) {
      view = workspaceProjection.evolve(view, stored);
      labbook = evolveIfHandled(labbookProjection, labbook, stored, view);
      notes = evolveIfHandled(notesProjection, notes, stored, view);
      const before = labbookFile.length;
      const patch = docPatch(labbook.doc);
      if (patch) expect(patch.keep).toBe(before);
      labbookFile = patched(labbookFile, labbookProjection.render(labbook));
      expect(labbookFile.toString('utf8')).toBe(renderLabbook(view));
      if (NOTE_EVENTS.has(stored.event.type)) {
        if (docPatch(notes.doc)) notesWrites += 1;
        notesFile = patched(notesFile, notesProjection.render(notes));
        expect(notesFile.toString('utf8')).toBe(renderNotes(view));
      }
    }
    expect(view.labbook.length).toBeGreaterThan(40);
    expect(notesWrites).toBeGreaterThan(40);
  }, 60_000);

  it('count kept bytes in UTF-8, and give no patch when nothing changed', () => {
    const doc = emptyDoc('# é\n');
    setSegment(doc, 1, 'a😀\n');
    setSegment(doc, 2, 'b\n');
    expect(docPatch(doc)).toEqual({ keep: 0, tail: '# é\na😀\nb\n', length: Buffer.byteLength('# é\na😀\nb\n') });
    markWritten(doc);
    expect(docPatch(doc)).toBeNull();
    setSegment(doc, 2, 'b\n');
    expect(docPatch(doc)).toBeNull();
    setSegment(doc, 1, 'ü\n');
    expect(docPatch(doc)).toEqual({ keep: Buffer.byteLength('# é\n'), tail: 'ü\nb\n', length: Buffer.byteLength(docText(doc)) });
    expect(() => setSegment(doc, 5, 'x')).toThrow(RangeError);
  });
});
