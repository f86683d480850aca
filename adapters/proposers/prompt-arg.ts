/** How a rendered prompt reaches an agent CLI: as an argument, or on stdin when it is too large for one. */

/**
 * Prompts larger than this (UTF-8 bytes) are given on stdin: Linux refuses one argv string over
 * 128 KiB (exec fails with E2BIG), and both `codex exec` and `claude -p` read the prompt from stdin.
 */
export const MAX_PROMPT_ARG_BYTES = 100_000;

/** Whether `prompt` goes to the agent on stdin rather than as an argument. */
export function promptOnStdin(prompt: string): boolean {
  return Buffer.byteLength(prompt, 'utf8') > MAX_PROMPT_ARG_BYTES;
}
