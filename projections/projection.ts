/**
 * The shape every projection is registered in (emmett's: a name, the event types it handles, a
 * fold and a renderer). `evolve` folds one stored event into the state (it may mutate and return
 * it, for speed over long logs); `render` reads the state and never changes it. Pure.
 */
import type { AutopilotEvent, AutopilotEventType } from '../events/catalogue.js';
import type { StoredEvent } from '../events/store.js';

/** A projection of the log; `Context` is what it reads beside its own state (another projection's, say). */
export interface Projection<State, Rendered, Context = void> {
  /** Its name (for a file projection: the workspace-relative path it renders). */
  readonly name: string;
  /** The event types that can change its state; the others are not given to `evolve`. */
  readonly canHandle: ReadonlySet<AutopilotEventType>;
  /** A fresh state, before any event. */
  readonly initialState: () => State;
  /** Folds one event into `state`. */
  readonly evolve: (state: State, stored: StoredEvent<AutopilotEvent>, context: Context) => State;
  /** What the state renders to. */
  readonly render: (state: State) => Rendered;
}

/** Folds `stored` into `state` when the projection handles its type; `state` unchanged otherwise. */
export function evolveIfHandled<S, R, C>(p: Projection<S, R, C>, state: S, stored: StoredEvent<AutopilotEvent>, context: C): S {
  return p.canHandle.has(stored.event.type) ? p.evolve(state, stored, context) : state;
}

/** Folds `events` from the initial state and renders the result (for projections without a context). */
export function project<S, R>(p: Projection<S, R>, events: Iterable<StoredEvent<AutopilotEvent>>): R {
  let state = p.initialState();
  for (const stored of events) state = evolveIfHandled(p, state, stored, undefined);
  return p.render(state);
}
