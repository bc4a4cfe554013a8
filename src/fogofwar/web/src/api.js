// The JSON API of `fogofwar serve`, on this origin.

export const EXPORT_LIMIT = 50000; // the most incidents GET /api/export holds (api.py's MAX_EXPORT)

export class ApiError extends Error {}

/** GET a JSON endpoint; a 4xx/5xx becomes an ApiError with the server's message. */
export async function getJSON(path, params = {}) {
  const url = new URL(path, window.location.origin);
  for (const [key, value] of Object.entries(params)) {
    if (value !== '' && value != null) url.searchParams.set(key, value);
  }
  const response = await fetch(url, { headers: { Accept: 'application/json' } });
  const body = await response.json().catch(() => ({}));
  if (!response.ok) throw new ApiError(body.message || `${response.status} ${response.statusText}`);
  return body;
}

export const incident = (id) => getJSON(`/api/incidents/${encodeURIComponent(id)}`);
export const documentById = (id) => getJSON(`/api/documents/${encodeURIComponent(id)}`);
export const search = (q, offset = 0) => getJSON('/api/search', { q, limit: 50, offset });
export const facets = () => getJSON('/api/facets');
export const status = () => getJSON('/api/status');

/** How many incidents match the filters now (one item fetched, for the total). */
export async function countIncidents(filters) {
  if (filters.types === '') return 0;
  return (await getJSON('/api/incidents', { ...filters, limit: 1, offset: 0 })).total;
}

// --- The map at any scale: the server counts, the page draws (map.js) ---------------------------------

export const LIST_LIMIT = 100; // the list shows this many, most sources first, and says how many more match

/** What the map draws for the filters at this zoom and view (WEST,SOUTH,EAST,NORTH): /api/map. */
export function mapSummary(filters, { zoom, bbox }) {
  const { bbox: _inView, ...rest } = filters; // the list's "only in map view"; the map is always the view
  return getJSON('/api/map', { ...rest, zoom, bbox });
}

/** Incidents per event date for the filters, for the timeline: /api/timeline. */
export function timeline(filters) {
  if (filters.types === '') return Promise.resolve({ days: [], undated: 0 });
  const { bbox: _inView, ...rest } = filters;
  return getJSON('/api/timeline', rest);
}

/** The first LIST_LIMIT incidents for the filters, most sources first; { items, total }. */
export async function firstIncidents(filters) {
  if (filters.types === '') return { items: [], total: 0 };
  const page = await getJSON('/api/incidents', { ...filters, limit: LIST_LIMIT, offset: 0 });
  return { items: page.items, total: page.total };
}
