/**
 * Build step (`npm run build`): lays the loop machine's statechart out once and writes it to
 * {@link LAYOUT_FILE}, keyed by the hash of the graph, so the server never runs ELK at start-up.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { loopStatechart } from '../projections/inspector/statechart.js';
import { LAYOUT_FILE, layoutStatechart, statechartHash, type LayoutFile } from './layout.js';

const graph = loopStatechart();
const stored: LayoutFile = { hash: statechartHash(graph), layout: await layoutStatechart(graph) };
mkdirSync(dirname(LAYOUT_FILE), { recursive: true });
writeFileSync(LAYOUT_FILE, `${JSON.stringify(stored)}\n`);
