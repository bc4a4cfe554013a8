// The view in the URL's hash: filters, time window, brush, map view and the open incident, so that a
// reload or a shared link shows the same view and Back and Forward move between views.
//
//   #types=ASSAULT,RETREAT&status=disputed&actor=RUSMIL&min_sources=2&preset=30d&since=2023-03-01
//   &until=2023-03-30&in_view=1&brush=2023-03-20,2023-03-30&map=48.5,35.2,6&incident=ID
//
// A key left out takes its default: the conflict types, one source, the last 30 days of the data, the
// map fitted to the incidents, no incident open. `types=all` is every type, `types=` none. A link that
// names only an incident (`#incident=ID`) opens it among every type and date, so its marker is on the map.

export const CONFLICT_TYPES = ['ASSAULT', 'COERCE', 'MOBILIZE', 'PROTEST', 'THREATEN', 'RETREAT'];
export const DEFAULT_PRESET = '30d';

const DAY = /^\d{4}-\d{2}-\d{2}$/;
const PRESETS = new Set(['24h', '7d', '30d', 'all']);

/** The view a hash describes, every key checked; anything malformed falls back to its default. */
export function parseView(hash) {
  const p = new URLSearchParams(String(hash || '').replace(/^#/, ''));
  const view = {
    types: null, status: '', actor: '', min_sources: '1', preset: null, since: '', until: '', in_view: false,
    brush: null, map: null, incident: null,
  };
  if (p.has('types')) {
    const raw = p.get('types').trim();
    view.types = raw.toLowerCase() === 'all' ? 'all' : raw.split(',').map((t) => t.trim().toUpperCase())
      .filter((t) => /^[A-Z]+$/.test(t));
  }
  if (/^[a-z_]+$/.test(p.get('status') || '')) view.status = p.get('status');
  if (/^[A-Za-z]{2,12}$/.test(p.get('actor') || '')) view.actor = p.get('actor').toUpperCase();
  if (/^\d{1,6}$/.test(p.get('min_sources') || '')) view.min_sources = p.get('min_sources');
  if (PRESETS.has(p.get('preset'))) view.preset = p.get('preset');
  for (const key of ['since', 'until']) if (DAY.test(p.get(key) || '')) view[key] = p.get(key);
  view.in_view = p.get('in_view') === '1';
  const brush = (p.get('brush') || '').split(',');
  if (brush.length === 2 && brush.every((d) => DAY.test(d))) view.brush = brush;
  const map = (p.get('map') || '').split(',').map(Number);
  if (map.length === 3 && map.every(Number.isFinite) && Math.abs(map[0]) <= 90 && map[2] >= 0 && map[2] <= 20) {
    view.map = map;
  }
  if (/^[A-Za-z0-9_.:-]{1,100}$/.test(p.get('incident') || '')) view.incident = p.get('incident');
  const keys = [...p.keys()];
  if (view.incident && keys.every((k) => k === 'incident' || k === 'map')) Object.assign(view, { types: 'all', preset: 'all' });
  if (!view.preset && !view.since && !view.until) view.preset = DEFAULT_PRESET;
  return view;
}

/** The hash for a view (keys at their defaults left out, so links stay short). */
export function formatView(view) {
  const p = new URLSearchParams();
  if (view.types === 'all') p.set('types', 'all');
  else if (view.types && !sameSet(view.types, CONFLICT_TYPES)) p.set('types', view.types.join(','));
  if (view.status) p.set('status', view.status);
  if (view.actor) p.set('actor', view.actor);
  if (view.min_sources && String(view.min_sources) !== '1') p.set('min_sources', String(view.min_sources));
  if (view.preset) p.set('preset', view.preset);
  if (view.since) p.set('since', view.since);
  if (view.until) p.set('until', view.until);
  if (view.in_view) p.set('in_view', '1');
  if (view.brush) p.set('brush', view.brush.join(','));
  if (view.map) p.set('map', view.map.join(','));
  if (view.incident) p.set('incident', view.incident);
  // URLSearchParams writes commas as %2C; they are safe in a fragment and easier to read as they are.
  return `#${p.toString().replace(/%2C/g, ',')}`;
}

export function sameSet(a, b) {
  return a.length === b.length && a.every((x) => b.includes(x));
}
