/**
 * The worker thread the server lays the statechart out in when the build's layout is missing or
 * stale (ELK would block the server's thread for about a second). Gets the graph, posts the layout.
 */
import { parentPort, workerData } from 'node:worker_threads';
import type { StatechartGraph } from './api.js';
import { layoutStatechart } from './layout.js';

parentPort?.postMessage(await layoutStatechart(workerData as StatechartGraph));
