/** The actors and shared actions of the slotted loop machine (parallel.machine.ts), typed once for its regions. */
import { assertEvent, assign, emit, setup } from 'xstate';
import type { AutopilotEvent } from '../events/catalogue.js';
import { loopActors, type RestoreEvent, type StateEnteredNotice } from './loop.machine.js';
import type { SlotsContext } from './parallel-context.js';

/** The setup of the slotted loop: the same actors as the loop of one, its stop and `entered` actions. */
export function parallelSetup() {
  return setup({
    // eslint-disable-next-line @typescript-eslint/no-unnecessary-type-assertion -- XState infers the machine's context and event types from this assertion
    types: {} as { context: SlotsContext; events: AutopilotEvent | RestoreEvent; emitted: StateEnteredNotice },
    actors: loopActors(),
    actions: {
      stop: assign({
        stop: ({ event }) => {
          assertEvent(event, 'StopRequested');
          return event.data;
        },
      }),
      entered: emit(({ event }, params: { state: string }) => ({ type: 'entered' as const, state: params.state, cause: event.type })),
    },
  });
}

/** What {@link parallelSetup} returns: the typed builders of the slotted loop's states and actions. */
export type ParallelSetup = ReturnType<typeof parallelSetup>;
