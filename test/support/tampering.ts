/** The SQL an attacker runs on a log (with `tamper`, test/events/support/temp.ts) to reorder what it holds. */

/** Swaps two whole rows in global order (each keeps its hash, so the chain breaks at the earlier). */
export const swapRows = (a: number, b: number): string =>
  `UPDATE messages SET global_position = -1 WHERE global_position = ${a};
   UPDATE messages SET global_position = ${a} WHERE global_position = ${b};
   UPDATE messages SET global_position = ${b} WHERE global_position = -1;`;

/** Swaps the payloads of two rows, leaving every other column in place. */
export const swapPayloads = (a: number, b: number): string =>
  `UPDATE messages SET message_data = CASE global_position
     WHEN ${a} THEN (SELECT message_data FROM messages WHERE global_position = ${b})
     ELSE (SELECT message_data FROM messages WHERE global_position = ${a}) END
   WHERE global_position IN (${a}, ${b})`;
