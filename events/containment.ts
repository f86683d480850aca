import { z } from 'zod';

/** How a trainer, agent or evaluator process tree is contained: its own cgroup, a subreaper supervisor, or only its process group. */
export const Containment = z.object({
  mode: z.enum(['cgroup', 'subreaper', 'process-group']),
  /** The cgroup (v2) directory the process tree runs in (mode cgroup). */
  cgroup: z.string().optional(),
});
/** How a process tree is contained. */
export type Containment = z.infer<typeof Containment>;
