#!/usr/bin/env node
// Thin launcher: the CLI is compiled to dist/ and bundled into dist/bundle/ by `npm run build` (run by
// `npm ci` through `prepare`; rolldown.config.mjs says why it is bundled).
import { main } from '../dist/bundle/main.js';

// A closed pipe (`autopilot loop | head`) or a hung-up terminal (closed window, dropped ssh: EIO)
// ends the output, never the command: a loop goes on with its runs (and its log), its lines simply
// go nowhere; the exit code still says how it ended.
const closedPipe = (err) => {
  if (err.code === 'EPIPE' || err.code === 'EIO' || err.code === 'ERR_STREAM_DESTROYED') return;
  throw err;
};
process.stdout.on('error', closedPipe);
process.stderr.on('error', closedPipe);

process.exitCode = await main(process.argv);
