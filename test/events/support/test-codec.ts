import { z } from 'zod';
import type { EventCodec } from '../../../events/store.js';

/**
 * A tiny event catalogue for the store's tests (the real one is `events/catalogue.ts`).
 * TaskRenamed is at schema version 2; version 1 had `{ taskId, name }` and is upcast on read.
 */
const metadata = z.record(z.string(), z.unknown());

const TaskCreated = z.object({
  type: z.literal('TaskCreated'),
  data: z.object({ taskId: z.string().min(1), title: z.string().min(1) }).strict(),
  metadata,
});
const TaskRenamed = z.object({
  type: z.literal('TaskRenamed'),
  data: z.object({ taskId: z.string().min(1), title: z.string().min(1), reason: z.string() }).strict(),
  metadata,
});
const TaskClosed = z.object({
  type: z.literal('TaskClosed'),
  data: z.object({ taskId: z.string().min(1), outcome: z.enum(['done', 'dropped']), score: z.number().optional() }).strict(),
  metadata,
});

export const TestEvent = z.discriminatedUnion('type', [TaskCreated, TaskRenamed, TaskClosed]);
export type TestEvent = z.infer<typeof TestEvent>;

const TaskRenamedV1Data = z.object({ taskId: z.string(), name: z.string() }).strict();

const CURRENT_VERSION: Record<string, number> = { TaskCreated: 1, TaskRenamed: 2, TaskClosed: 1 };

export function upcast(type: string, schemaVersion: number, data: unknown): unknown {
  if (type === 'TaskRenamed' && schemaVersion === 1) {
    const v1 = TaskRenamedV1Data.parse(data);
    return { taskId: v1.taskId, title: v1.name, reason: 'unspecified' };
  }
  if (schemaVersion !== CURRENT_VERSION[type]) throw new Error(`no upcaster for ${type} v${schemaVersion}`);
  return data;
}

export const testCodec: EventCodec<TestEvent> = {
  schemaVersion: (type) => {
    const version = CURRENT_VERSION[type];
    if (version === undefined) throw new Error(`unknown event type ${type}`);
    return version;
  },
  decode: ({ type, schemaVersion, data, metadata }) => TestEvent.parse({ type, data: upcast(type, schemaVersion, data), metadata }),
  encode: (event) => TestEvent.parse(event),
};

export const created = (taskId: string, title = `task ${taskId}`, meta: Record<string, unknown> = {}): TestEvent => ({
  type: 'TaskCreated',
  data: { taskId, title },
  metadata: meta,
});
export const renamed = (taskId: string, title: string): TestEvent => ({
  type: 'TaskRenamed',
  data: { taskId, title, reason: 'clarity' },
  metadata: {},
});
export const closed = (taskId: string, outcome: 'done' | 'dropped' = 'done'): TestEvent => ({
  type: 'TaskClosed',
  data: { taskId, outcome },
  metadata: {},
});
