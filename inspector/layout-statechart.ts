/**
 * Build step (`npm run build`): lays the loop machine's statechart out once and writes it to
 * {@link LAYOUT_FILE} (or the path given as its argument), keyed by the hash of the graph, so the
 * server never runs ELK at start-up.
 * Usage: node dist/inspector/layout-statechart.js [OUT]
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { loopStatechart } from '../projections/inspector/statechart.js';
import { LAYOUT_FILE, layoutStatechart, statechartHash, type LayoutFile } from './layout.js';

const out = process.argv[2] === undefined ? LAYOUT_FILE : resolve(process.argv[2]);
const graph = loopStatechart();
const stored: LayoutFile = { hash: statechartHash(graph), layout: await layoutStatechart(graph) };
mkdirSync(dirname(out), { recursive: true });
writeFileSync(out, `${JSON.stringify(stored)}\n`);
