/** What every catalogue event shares: its metadata and the `{type, data, metadata}` shape. */
import { z } from 'zod';

export const Metadata = z.object({
  /** Loop session the event belongs to. */
  session: z.string().min(1),
  /** Wall-clock time the event was recorded (ISO 8601, UTC). */
  at: z.iso.datetime(),
});
export type Metadata = z.infer<typeof Metadata>;

/** A run's id: a zero-padded sequence number. */
export const RunId = z.string().regex(/^\d{3,}$/, 'run ids are zero-padded sequence numbers such as 001');

/** The schema of one event type: `{type, data, metadata}`. */
export function event<T extends string, D extends z.ZodType>(type: T, data: D) {
  return z.object({ type: z.literal(type), data, metadata: Metadata });
}
