/** The page's routes, read from the URL's hash (`#/runs`, `#/runs/007`, `#/tail`…). Pure. */
import { runList } from './curves-data.js';

/** Where the page is. */
export type Route =
  | { view: 'runs' }
  | { view: 'run'; id: string }
  | { view: 'progress' }
  | { view: 'tail' }
  | { view: 'labbook' }
  | { view: 'statechart' }
  | { view: 'params' }
  | { view: 'curves'; ids: string[] }
  | { view: 'at'; seq: number | null };

/** The tabs, in the order they are shown, with the hash each opens. */
export const TABS = [
  { view: 'runs', label: 'Runs', hash: '#/runs' },
  { view: 'progress', label: 'Progress', hash: '#/progress' },
  { view: 'statechart', label: 'Statechart', hash: '#/statechart' },
  { view: 'tail', label: 'Live tail', hash: '#/tail' },
  { view: 'labbook', label: 'Labbook', hash: '#/labbook' },
  { view: 'params', label: 'Parameters', hash: '#/params' },
  { view: 'curves', label: 'Curves', hash: '#/curves' },
  { view: 'at', label: 'Time travel', hash: '#/at' },
] as const;

/** The route a hash names; anything unknown (or empty) is the runs table. */
export function parseHash(hash: string): Route {
  const parts = hash
    .replace(/^#\/?/, '')
    .split('/')
    .filter((p) => p !== '')
    .map(decodeURIComponent);
  const [head, arg] = parts;
  if (head === 'runs' && arg !== undefined) return { view: 'run', id: arg };
  if (head === 'at') return { view: 'at', seq: arg !== undefined && /^\d{1,15}$/.test(arg) && Number(arg) > 0 ? Number(arg) : null };
  if (head === 'progress' || head === 'tail' || head === 'labbook') return { view: head };
  if (head === 'statechart') return { view: head };
  if (head === 'params') return { view: head };
  if (head === 'curves') return { view: 'curves', ids: arg === undefined ? [] : runList(arg) };
  return { view: 'runs' };
}

/** The hash of a route (`{view:'run', id:'007'}` → `#/runs/007`). */
export function hashOf(route: Route): string {
  if (route.view === 'curves') return route.ids.length > 0 ? `#/curves/${route.ids.map(encodeURIComponent).join(',')}` : '#/curves';
  if (route.view === 'at') return route.seq === null ? '#/at' : `#/at/${route.seq}`;
  return route.view === 'run' ? `#/runs/${encodeURIComponent(route.id)}` : `#/${route.view}`;
}

/** The tab a route belongs to (a run's page is under Runs). */
export function tabOf(route: Route): (typeof TABS)[number]['view'] {
  return route.view === 'run' ? 'runs' : route.view;
}
