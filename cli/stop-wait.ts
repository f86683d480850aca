/** How long `stop` waits for the loop by default, in seconds (its own module: `--help` shows it without loading the command). */
export const STOP_WAIT_SECONDS = 120;
