/**
 * The statechart's drawing: positions for the loop machine's states and transitions, laid out by
 * ELK (layered). ELK runs on the calling thread for about a second, so the layout is made once at
 * build time (`layout-statechart.ts`) and stored beside the build, keyed by a hash of the graph it
 * was made from; the server computes it in a worker only when that file is missing or stale.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import elkModule from 'elkjs/lib/elk.bundled.js';
import type { ELK as ElkApi, ElkExtendedEdge, ElkNode } from 'elkjs/lib/elk-api.js';
import { PROJECT_ROOT } from '../adapters/workspace.js';
import type { StatechartGraph, StatechartLayout } from './api.js';

/** Where the build writes the layout, and where the server looks for it. */
export const LAYOUT_FILE = join(PROJECT_ROOT, 'dist', 'inspector', 'statechart-layout.json');

/** The stored layout: the hash of the graph it was laid out from, and the positions. */
export interface LayoutFile {
  hash: string;
  layout: StatechartLayout;
}

// elkjs is CommonJS: its constructor is the module itself, which its types declare as `default`.
const ELK = elkModule as unknown as new () => ElkApi;

/** ELK's options: layered, top to bottom, labels placed by the layout. */
const OPTIONS = {
  'elk.algorithm': 'layered',
  'elk.direction': 'DOWN',
  'elk.edgeRouting': 'POLYLINE',
  'elk.layered.spacing.nodeNodeBetweenLayers': '60',
  'elk.spacing.nodeNode': '40',
  'elk.spacing.edgeLabel': '4',
};

// Sizes for text the browser draws later in a 12 px system font: an estimate is enough for the layout.
const CHAR_WIDTH = 7;
const LINE_HEIGHT = 16;

/** The hash a stored layout is keyed by: the graph's JSON, as walked from the machine. */
export function statechartHash(graph: StatechartGraph): string {
  return createHash('sha256').update(JSON.stringify(graph)).digest('hex');
}

/** The label drawn on an edge: its event (`always` for an eventless one), and its guards in brackets. */
export function edgeLabel(edge: StatechartGraph['edges'][number]): string {
  const event = edge.event ?? 'always';
  return edge.guards.length === 0 ? event : `${event} [${edge.guards.join(', ')}]`;
}

function elkGraph(graph: StatechartGraph): ElkNode {
  const idOf = new Map(graph.nodes.map((n) => [n.key, n.id]));
  const children: ElkNode[] = graph.nodes.map((n) => {
    const lines = [n.key, ...n.invokes.map((s) => `invoke ${s}`)];
    return { id: n.id, width: Math.max(90, 24 + CHAR_WIDTH * Math.max(...lines.map((l) => l.length))), height: 12 + LINE_HEIGHT * lines.length };
  });
  const edges: ElkExtendedEdge[] = graph.edges.map((e) => {
    const text = edgeLabel(e);
    return { id: e.id, sources: [idOf.get(e.source) ?? e.source], targets: [idOf.get(e.target) ?? e.target], labels: [{ text, width: CHAR_WIDTH * text.length, height: LINE_HEIGHT }] };
  });
  return { id: 'root', layoutOptions: OPTIONS, children, edges };
}

/** Lays `graph` out with ELK: a box per state (by node id), a polyline and a label position per edge (by edge id). */
export async function layoutStatechart(graph: StatechartGraph): Promise<StatechartLayout> {
  const laid = await new ELK().layout(elkGraph(graph));
  const layout: StatechartLayout = { width: laid.width ?? 0, height: laid.height ?? 0, nodes: {}, edges: {} };
  for (const n of laid.children ?? []) layout.nodes[n.id] = { x: n.x ?? 0, y: n.y ?? 0, width: n.width ?? 0, height: n.height ?? 0 };
  for (const e of laid.edges ?? []) {
    const points: [number, number][] = (e.sections ?? []).flatMap((s) => [s.startPoint, ...(s.bendPoints ?? []), s.endPoint].map((p): [number, number] => [p.x, p.y]));
    const label = e.labels?.[0];
    layout.edges[e.id] = label?.x !== undefined && label.y !== undefined ? { points, label: { x: label.x, y: label.y } } : { points };
  }
  return layout;
}

/** The layout stored at `file` when it was made from a graph of hash `hash`; null when missing, unreadable or stale. */
export function readLayoutFile(file: string, hash: string): StatechartLayout | null {
  try {
    const stored = JSON.parse(readFileSync(file, 'utf8')) as Partial<LayoutFile>;
    return stored.hash === hash && stored.layout ? stored.layout : null;
  } catch {
    return null;
  }
}
