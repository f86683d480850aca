/**
 * The statechart's fallback layout, used when the server has none (ELK failed or is still working):
 * the states in a column in definition order, each edge running straight down to a lower state or
 * around the right side, on a lane of its own, to an upper one. Pure.
 */
import type { StatechartGraph, StatechartLayout } from '../api.js';

const WIDTH = 180;
const GAP = 56;
const LINE = 16;
const LEFT = 20;
const LANE = 14;

/** A column layout of `graph`: boxes by node id, polylines and label positions by edge id. */
export function columnLayout(graph: StatechartGraph): StatechartLayout {
  const layout: StatechartLayout = { width: 0, height: 0, nodes: {}, edges: {} };
  const byKey = new Map<string, { x: number; y: number; width: number; height: number }>();
  let y = 20;
  for (const n of graph.nodes) {
    const box = { x: LEFT, y, width: WIDTH, height: 12 + LINE * (1 + n.invokes.length) };
    layout.nodes[n.id] = box;
    byKey.set(n.key, box);
    y += box.height + GAP;
  }
  let lane = 0;
  let right = LEFT + WIDTH;
  for (const e of graph.edges) {
    const from = byKey.get(e.source);
    const to = byKey.get(e.target);
    if (!from || !to) continue;
    if (to.y > from.y) {
      // Downwards: from the source's bottom to the target's top, spread a little by lane so labels do not sit on each other.
      const x = LEFT + 20 + ((lane++ * 23) % (WIDTH - 40));
      layout.edges[e.id] = {
        points: [
          [x, from.y + from.height],
          [x, to.y],
        ],
        label: { x: x + 4, y: from.y + from.height + 4 + ((lane * 17) % (GAP - 24)) },
      };
      continue;
    }
    // Upwards or to itself: out of the right side, up a lane of its own, back in on the right.
    const x = LEFT + WIDTH + LANE * ++lane;
    right = Math.max(right, x);
    const y1 = from.y + from.height / 2 + 6;
    const y2 = to.y + to.height / 2 - 6;
    layout.edges[e.id] = {
      points: [
        [LEFT + WIDTH, y1],
        [x, y1],
        [x, y2],
        [LEFT + WIDTH, y2],
      ],
      label: { x: x + 4, y: Math.min(y1, y2) + Math.abs(y1 - y2) / 2 - 8 },
    };
  }
  // Room for the labels right of the last lane.
  layout.width = right + 260;
  layout.height = y;
  return layout;
}
