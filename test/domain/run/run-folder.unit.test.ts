import { describe, expect, it } from 'vitest';
import { folderChanges } from '../../../domain/run/run-folder.js';

const before = [
  { path: 'runs/002/checkpoints', identity: 'directory:7' },
  { path: 'runs/002/checkpoints/model.pt', identity: 'file:10:1:1:8' },
  { path: 'runs/002/trainer_summary.json', identity: 'file:50:1:1:9' },
  { path: 'runs/002/train.log', identity: 'file:99:1:1:5' },
];

describe('when the run folder is listed again after its result was read', () => {
  it('finds nothing when every entry is as it was', () => {
    expect(folderChanges(before, [...before].reverse(), 10)).toEqual([]);
  });

  it('names every created, modified and deleted entry, by path', () => {
    const after = [
      { path: 'runs/002/checkpoints', identity: 'directory:7' },
      { path: 'runs/002/checkpoints/late.pt', identity: 'file:1:2:2:11' },
      { path: 'runs/002/trainer_summary.json', identity: 'file:51:2:2:12' },
      { path: 'runs/002/train.log', identity: 'symlink:13:/etc/passwd' },
    ];
    expect(folderChanges(before, after, 10)).toEqual([
      { path: 'runs/002/checkpoints/late.pt', change: 'created' },
      { path: 'runs/002/checkpoints/model.pt', change: 'deleted' },
      { path: 'runs/002/train.log', change: 'modified' },
      { path: 'runs/002/trainer_summary.json', change: 'modified' },
    ]);
  });

  it('names no created entry when the record was cut at the cap (it cannot tell new from unlisted)', () => {
    const after = [...before, { path: 'runs/002/zzz', identity: 'file:1:1:1:99' }];
    expect(folderChanges(before, after, before.length)).toEqual([]);
    expect(folderChanges(before, after.slice(1), before.length)).toEqual([{ path: 'runs/002/checkpoints', change: 'deleted' }]);
  });
});
