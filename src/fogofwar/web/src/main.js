// The analyst page: filters → incidents from the API → map, timeline and list; a click → the evidence.
// The view (filters, time window, brush, map view, open incident) lives in the URL's hash (url.js): user
// actions push a history entry, map moves replace it, Back and Forward restore it. It opens on the conflict
// types and the last 30 days of the data. Time presets count back from the newest event; the page polls.
import './style.css';
import * as api from './api.js';
import { DocumentViewer } from './document.js';
import { el, fill, token } from './dom.js';
import { renderIncident, renderList, renderSearch } from './evidence.js';
import { LiveStatus } from './live.js';
import { IncidentMap, PLACE_GLOSS } from './map.js';
import { dayOf, isoDay, lastDays } from './time.js';
import { Timeline } from './timeline.js';
import { CONFLICT_TYPES, DEFAULT_PRESET, formatView, parseView, sameSet } from './url.js';

const state = {
  incidents: [], total: 0, filters: null, applied: null, range: null, selected: null, lastDate: null,
  preset: DEFAULT_PRESET, typeNames: [], returnTo: null,
  // The map at any scale: the server's counts for the view (summary), the timeline's counts (days), the list's
  // total (listTotal), the box the summary covers (mapBox) and a sequence number, so a late answer is dropped.
  summary: null, days: [], listTotal: 0, mapBox: null, mapZoom: null, mapSeq: 0, viewPending: false,
};
const $ = (selector) => document.querySelector(selector);
const form = () => $('#filters');

// What each status means on the map, in the analyst's words (the outline is the status, see style.css).
const STATUS_GLOSS = {
  asserted: 'stated as fact', reported: 'reported by an outlet', alleged: 'alleged by a source',
  hedged: 'hedged (may have)', unconfirmed: 'said to be unconfirmed', disputed: 'one side asserts, another denies',
  denied: 'denied', negated: 'said not to have happened', future: 'expected or planned', hypothetical: 'conditional',
};

function setStatus(text, isError = false) {
  const node = $('#status');
  node.textContent = text;
  node.classList.toggle('error', isError);
}

// --- Types -------------------------------------------------------------------------------------------

const typeBoxes = () => [...form().querySelectorAll('input[name=types]')];
const chosenTypes = () => typeBoxes().filter((b) => b.checked).map((b) => b.value);

/** 'all' when every type is chosen, else the list chosen (maybe empty). */
function typesChoice(chosen = chosenTypes()) {
  return state.typeNames.length && sameSet(chosen, state.typeNames) ? 'all' : chosen;
}

function setTypes(choice) {
  for (const box of typeBoxes()) box.checked = choice === 'all' || choice.includes(box.value);
  describeTypes();
}

function describeTypes() {
  const choice = typesChoice();
  const text = choice === 'all' ? 'all' : sameSet(choice, CONFLICT_TYPES) ? 'conflict'
    : choice.length ? `${choice.length} chosen` : 'none';
  $('#type-summary').textContent = text;
  $('#all-types').setAttribute('aria-pressed', String(choice === 'all'));
}

// --- Filters and the URL -----------------------------------------------------------------------------

/** The API query for the form as it stands. */
function filters() {
  const data = new FormData(form());
  const out = {};
  for (const key of ['status', 'actor', 'min_sources', 'since', 'until']) {
    const value = String(data.get(key) ?? '').trim();
    if (value !== '') out[key] = key === 'actor' ? value.toUpperCase() : value;
  }
  const choice = typesChoice();
  if (choice !== 'all') out.types = choice.join(',');
  if (data.get('in_view')) out.bbox = map.bbox();
  return out;
}

/** The form as a view (the URL's keys but brush, map and incident). */
function formView() {
  const f = form().elements;
  return {
    types: typesChoice(), status: f.status.value, actor: f.actor.value.trim().toUpperCase(),
    min_sources: f.min_sources.value || '1', preset: state.preset, since: f.since.value, until: f.until.value,
    in_view: f.in_view.checked,
  };
}

/** Write the view on screen into the URL: 'push' a new history entry (a user action) or 'replace' this one. */
function writeUrl(mode) {
  if (!mode || !state.applied) return;
  const incident = state.selected && state.selected !== 'search' ? state.selected : null;
  const hash = formatView({ ...state.applied, brush: state.range ? state.range.map(isoDay) : null, map: map.view(),
    incident });
  if (hash === window.location.hash) return;
  window.history[mode === 'push' ? 'pushState' : 'replaceState'](null, '', hash);
}

/** A map move changes only the map key of this history entry, whatever else is being restored. */
function noteMapMove() {
  if (!state.applied) return;
  const params = new URLSearchParams(window.location.hash.slice(1));
  params.set('map', map.view().join(','));
  window.history.replaceState(null, '', `#${params.toString().replace(/%2C/g, ',')}`);
}

/** Put a view's filters into the form and mark its preset (or none, when its dates are not the preset's). */
function setForm(view) {
  const f = form().elements;
  setTypes(view.types === 'all' ? 'all' : view.types ?? CONFLICT_TYPES);
  f.status.value = view.status;
  f.actor.value = view.actor;
  f.min_sources.value = view.min_sources;
  f.in_view.checked = view.in_view;
  let { since, until, preset } = view;
  if (preset === 'all') [since, until] = ['', ''];
  else if (preset) {
    const range = lastDays(state.lastDate, PRESET_DAYS[preset]);
    if (!since && !until) ({ since, until } = range || { since: '', until: '' });
    else if (!range || range.since !== since || range.until !== until) preset = null; // the data moved on
  }
  f.since.value = since;
  f.until.value = until;
  markPreset(preset);
}

const dayRange = (brush) => (brush ? [dayOf(brush[0]), dayOf(brush[1])] : null);

/** Show the view a URL describes: the filters (loading only if they changed), brush, map and incident. */
async function applyView(view, { history = null } = {}) {
  setForm(view);
  if (view.map) map.setView(view.map);
  const query = filters();
  const brush = dayRange(view.brush);
  if (JSON.stringify(query) !== JSON.stringify(state.filters)) {
    state.selected = null;
    await load({ fit: !view.map, range: brush });
  } else if (JSON.stringify(brush) !== JSON.stringify(state.range)) {
    state.range = brush;
    timeline.update(state.days, { range: brush });
    await refreshView();
  }
  if (view.incident && view.incident !== state.selected) {
    await selectIncident(view.incident, { reveal: !view.map });
  } else if (!view.incident && state.selected) {
    backToList();
  }
  if (view.map) map.setView(view.map); // again, now that the page has its final layout
  writeUrl(history);
}

// --- Incidents ---------------------------------------------------------------------------------------

/** The query with the timeline's brush as dates: the brush narrows the filters' range, never widens it. */
function narrowed(query, range = state.range) {
  if (!range) return query;
  const [from, to] = range.map(isoDay);
  return { ...query, since: query.since && query.since > from ? query.since : from,
    until: query.until && query.until < to ? query.until : to };
}

function showList() {
  state.selected = null;
  map.select(null);
  const shown = state.incidents;
  const when = state.range ? `, ${isoDay(state.range[0])} to ${isoDay(state.range[1])}` : '';
  const title = state.listTotal > shown.length
    ? `showing ${shown.length} of ${state.listTotal} incident(s)${when}, most sources first; zoom in ('only in map view') or narrow the filters`
    : `${shown.length} incident(s)${when}`;
  renderList($('#panel'), shown, {
    select: (id) => selectIncident(id, { history: 'push', focus: true, from: 'list' }), title,
  });
  markPlaces($('#panel'), shown);
}

/** In the list, say when an incident's place is only a guess from the dateline, or only a region or country. */
function markPlaces(panel, incidents) {
  const notes = { dateline: 'place from dateline', region: 'region-level', country: 'country-level', area: 'wider area' };
  for (const inc of incidents) {
    const note = notes[inc.place_precision];
    const item = note && panel.querySelector(`.incident-item[data-incident="${CSS.escape(inc.incident_id)}"] .item-main`);
    if (item) item.after(el('span', { class: `place-note place-${inc.place_precision}`, text: note, title: PLACE_GLOSS[inc.place_precision] }));
  }
}

/**
 * From an incident or search results back to the list. `focus`: back to what opened the incident (its
 * list entry or its marker), as a dialog returns focus to its opener.
 */
function backToList({ history = null, focus = false } = {}) {
  state.selected = null;
  redraw();
  writeUrl(history);
  const origin = state.returnTo;
  state.returnTo = null;
  if (!focus) return;
  if (origin?.kind === 'map') {
    showView('map');
    requestAnimationFrame(() => map.focusMarker(origin.id));
    return;
  }
  const item = origin && $(`#panel .incident-item[data-incident="${CSS.escape(origin.id)}"]`);
  (item || $('#panel')).focus();
}

function redraw({ fit = false } = {}) {
  const summary = state.summary || EMPTY_SUMMARY;
  const points = map.show(summary, { fit });
  setStatus(describeMap(summary, points));
  showMapNote(summary);
  drawLegend(summary);
  describeExport(summary.total);
  if (!state.selected) showList();
}

const EMPTY_SUMMARY = {
  total: 0, by_place: {}, type_counts: {}, status_counts: {}, points_in_view: 0, capped: false,
  points: { fields: [], rows: [] }, regions: [], countries: [], areas: [],
};

/** The status line: how many match, and how each kind of place is drawn, so nothing is left out unsaid. */
function describeMap(summary, points) {
  const n = (kind) => summary.by_place[kind] || 0;
  const when = state.range ? `, ${isoDay(state.range[0])} to ${isoDay(state.range[1])}` : '';
  const parts = [];
  if (summary.cells) parts.push(`${summary.points_in_view} in view as ${summary.cells.rows.length} cell(s)`);
  else if (summary.capped) parts.push(`showing ${points} of ${summary.points_in_view} points in view`);
  else parts.push(`${points} on the map${n('dateline') ? ` (${n('dateline')} placed from the dateline)` : ''}`);
  if (n('region')) parts.push(`${n('region')} region-level`);
  if (n('country')) parts.push(`${n('country')} country-level`);
  if (n('area')) parts.push(`${n('area')} in wider areas`);
  parts.push(`${n('none')} without coordinates`);
  return `${summary.total} incident(s)${when}; ${parts.join(', ')}`;
}

/** Over the map: when it groups or caps the points, say so and what to do. */
function showMapNote(summary) {
  let text = '';
  if (summary.cells) text = `${summary.points_in_view} incidents in view, counted per cell: zoom in for single incidents`;
  else if (summary.capped) {
    text = `showing ${summary.points.rows.length} of ${summary.points_in_view} in view (most sources first); zoom in or narrow the filters`;
  }
  $('#map-note').textContent = text;
}

/**
 * Ask the server for the map of this view and the list, for the filters and the brush; draw both at once. A map
 * move meanwhile waits for it (so the map and the list never show different filters), then asks again.
 */
async function refreshView({ fit = false } = {}) {
  const seq = ++state.mapSeq;
  state.viewPending = true;
  const query = narrowed(state.filters);
  const box = fit ? null : map.bbox(0.5);
  const zoom = map.zoom();
  try {
    const [summary, list] = await Promise.all([
      query.types === '' ? EMPTY_SUMMARY : api.mapSummary(query, { zoom, bbox: box }),
      api.firstIncidents(query),
    ]);
    if (seq !== state.mapSeq) return false; // a newer view was asked for meanwhile
    Object.assign(state, { summary, incidents: list.items, listTotal: list.total, mapBox: box, mapZoom: zoom });
    redraw({ fit });
  } finally {
    if (seq === state.mapSeq) state.viewPending = false;
  }
  await refreshMapOnly(); // the view as it is now: framed by `fit`, or moved meanwhile
  return true;
}

/** After a pan or zoom: only the map, and only when the view left what the last answer covers. */
async function refreshMapOnly() {
  if (state.viewPending || !state.filters || state.filters.types === '') return;
  const complete = !state.mapBox && state.summary?.points && !state.summary.capped;
  if (complete) return; // every point of the filters is on the map already, whatever the view
  const zoom = map.zoom();
  if (state.mapBox && zoom === state.mapZoom && map.covers(state.mapBox)) return;
  const seq = ++state.mapSeq;
  const box = map.bbox(0.5);
  try {
    const summary = await api.mapSummary(narrowed(state.filters), { zoom, bbox: box });
    if (seq !== state.mapSeq) return;
    Object.assign(state, { summary, mapBox: box, mapZoom: zoom });
    const points = map.show(summary);
    setStatus(describeMap(summary, points));
    showMapNote(summary);
    if (state.selected && state.selected !== 'search') map.select(state.selected, { reveal: false });
  } catch (err) {
    setStatus(`Could not load the map: ${err.message}`, true);
  }
}

// Places drawn as points: the others (region, country, area) are shading, and opening one moves no map.
const POINT_PLACES = new Set(['town', 'district', 'dateline']);

let moveTimer = null;
function scheduleMapRefresh() {
  clearTimeout(moveTimer);
  moveTimer = setTimeout(refreshMapOnly, 150);
}

/**
 * Load the incidents for the filters. `keep` (new data arriving): the same filters, brush, selection and
 * map view as before, so nothing moves but what changed; a failure is thrown to the caller. `range`: the
 * brush to draw (a restored view); `history`: how the new view goes into the URL.
 */
async function load({ fit = false, keep = false, range = null, history = null } = {}) {
  setStatus('Loading…');
  const panel = $('#panel');
  const scroll = panel.scrollTop;
  const query = keep ? state.filters : filters();
  if (!keep) {
    Object.assign(state, { applied: formView(), range, filters: query });
    writeUrl(history);
  }
  try {
    // The status first: the incidents loaded next are at least this new, so a later version is news.
    const status = await api.status().catch(() => null);
    let selected = null;
    if (keep && state.selected === 'search') selected = 'search';
    else if (keep && state.selected) selected = state.selected;
    state.selected = selected;
    // The timeline's counts and the map and list side by side: the brush they share is already in state.
    const [days] = await Promise.all([api.timeline(query), refreshView({ fit })]);
    Object.assign(state, { days: days.days, total: days.days.reduce((t, d) => t + d[1], 0) + days.undated });
    timeline.update(days.days, { keepRange: keep, range: keep ? null : range });
    if (selected && selected !== 'search') await selectIncident(selected, { reveal: false });
    if (keep) panel.scrollTop = scroll;
    document.body.dataset.loaded = 'true';
    live.shown(status);
  } catch (err) {
    setStatus(`Could not load incidents: ${err.message}`, true);
    if (keep) throw err;
  }
}

/** New data: the facets (for the presets' newest date) and the incidents, keeping the view. */
async function reloadKeepingView() {
  fillFilters(await api.facets());
  await load({ keep: true });
}

/**
 * Open an incident's evidence. `from` ('map' or 'list') is where focus goes back on close; `focus` moves
 * focus to the panel's heading, so a keyboard or screen reader lands on what opened.
 */
async function selectIncident(id, { reveal = true, history = null, focus = false, from = null } = {}) {
  state.selected = id;
  if (from) state.returnTo = { kind: from, id };
  setStatus(`Loading incident ${id}…`);
  try {
    const inc = await api.incident(id);
    if (state.selected !== id) return; // another choice came first
    const panel = $('#panel');
    renderIncident(panel, inc, { openDocument, back: () => backToList({ history: 'push', focus: true }) });
    map.select(id, { reveal });
    if (reveal && !map.markers.has(id) && POINT_PLACES.has(inc.place_precision)) map.reveal(inc.lat, inc.lon);
    writeUrl(history);
    setStatus(`${inc.plover_type} incident: ${inc.claims.length} claim(s) from ${inc.n_documents} document(s)`);
    panel.scrollTop = 0;
    if (focus) {
      showView('panel');
      const heading = panel.querySelector('h2');
      heading.tabIndex = -1;
      heading.focus();
    }
  } catch (err) {
    setStatus(`Could not load incident ${id}: ${err.message}`, true);
  }
}

async function openDocument(docId, focus = null, q = null) {
  try {
    viewer.show(await api.documentById(docId), focus, q);
  } catch (err) {
    setStatus(`Could not load document ${docId}: ${err.message}`, true);
  }
}

async function runSearch(q) {
  state.selected = 'search';
  try {
    renderSearch($('#panel'), q, await api.search(q), { openDocument, back: () => backToList({ focus: true }) });
    showView('panel');
    $('#panel h2').tabIndex = -1;
    $('#panel h2').focus();
  } catch (err) {
    setStatus(`Search failed: ${err.message}`, true);
  }
}

// --- Presets -----------------------------------------------------------------------------------------

/** The preset buttons' ranges, from the newest event date in the data (a historic store still shows some). */
const PRESET_DAYS = { '24h': 1, '7d': 7, '30d': 30 };

function presetTitle(key) {
  if (key === 'all') {
    return state.lastDate ? `every incident, to ${state.lastDate}, undated ones too` : 'every incident';
  }
  const range = lastDays(state.lastDate, PRESET_DAYS[key]);
  if (!range) return 'no dated incidents in the data';
  const days = PRESET_DAYS[key];
  return days === 1 ? `last day of data, ${range.until}` : `last ${days} days of data, to ${range.until}`;
}

/** Each preset's tooltip from the data's newest date; those that need a date are off without one. */
function describePresets() {
  for (const button of document.querySelectorAll('#presets button')) {
    const own = button.dataset.preset;
    button.title = presetTitle(own);
    button.disabled = own !== 'all' && !lastDays(state.lastDate, PRESET_DAYS[own]);
  }
}

/** Mark the active preset (null: dates chosen by hand) and say what it covers, as of now. */
function markPreset(key) {
  state.preset = key;
  for (const button of document.querySelectorAll('#presets button')) {
    button.setAttribute('aria-pressed', String(button.dataset.preset === key));
  }
  $('#preset-note').textContent = key && key !== 'all' ? presetTitle(key) : '';
}

function choosePreset(key) {
  const f = form().elements;
  const range = key === 'all' ? { since: '', until: '' } : lastDays(state.lastDate, PRESET_DAYS[key]);
  if (!range) return;
  f.since.value = range.since;
  f.until.value = range.until;
  markPreset(key);
  state.selected = null;
  load({ fit: true, history: 'push' });
}

// --- Facets and legend -------------------------------------------------------------------------------

function typeBox(type, count, checked) {
  return el('label', { class: 'type-option' },
    el('input', { type: 'checkbox', name: 'types', value: type, checked, onchange: describeTypes }),
    el('span', { class: `swatch t-${token(type)}` }), ` ${type}`, count ? el('span', { class: 'muted', text: ` ${count}` }) : null);
}

function fillFilters(f) {
  const elements = form().elements;
  const first = !state.typeNames.length;
  const chosen = first ? CONFLICT_TYPES : chosenTypes();
  state.typeNames = [...f.types];
  const box = (t) => {
    const node = typeBox(t, f.type_counts[t], chosen.includes(t));
    node.querySelector('input').defaultChecked = CONFLICT_TYPES.includes(t); // what Reset goes back to
    return node;
  };
  fill($('#types-conflict'), el('legend', { text: 'Conflict' }), f.types.filter((t) => CONFLICT_TYPES.includes(t)).map(box));
  fill($('#types-other'), el('legend', { text: 'Other' }), f.types.filter((t) => !CONFLICT_TYPES.includes(t)).map(box));
  describeTypes();
  const status = elements.status.value;
  fill(elements.status, el('option', { value: '', text: 'any' }),
    f.statuses.map((s) => el('option', { value: s, text: `${s}${f.status_counts[s] ? ` (${f.status_counts[s]})` : ''}` })));
  elements.status.value = status;
  // New data may move the newest date: the tooltips follow, the range already chosen stays as it is.
  state.lastDate = f.last_date ? String(f.last_date) : null;
  describePresets();
  fill($('#actor-codes'), f.actors.map((a) => el('option', { value: a })));
}

/** The legend of what is shown now: its types, statuses and place precisions with their counts, and how to read them. */
function drawLegend(summary) {
  const types = Object.entries(summary.type_counts);
  const statuses = Object.entries(summary.status_counts);
  const choice = typesChoice();
  const scope = choice === 'all' ? 'every type' : sameSet(choice, CONFLICT_TYPES) ? 'conflict types' : `${choice.length} type(s)`;
  const when = state.preset && state.preset !== 'all' ? presetTitle(state.preset)
    : state.applied?.since || state.applied?.until ? `${state.applied.since || '…'} to ${state.applied.until || '…'}` : 'all dates';
  fill($('#legend-body'),
    el('div', { class: 'legend-scope', text: `Showing ${scope}, ${when}` }),
    el('div', { class: 'legend-title', text: 'Fill: type' }),
    types.length ? types.map(([t, n]) => el('div', {}, el('span', { class: `swatch t-${token(t)}` }), ` ${t} `,
      el('span', { class: 'muted', text: n })))
      : el('div', { class: 'muted', text: 'no incidents' }),
    el('div', { class: 'legend-title', text: 'Outline: status (how the reports put it)' }),
    statuses.map(([s, n]) => el('div', { title: STATUS_GLOSS[s] || s },
      el('span', { class: `incident-marker legend-marker s-${token(s)}` }), ` ${s} `,
      el('span', { class: 'muted', text: `${n} · ${STATUS_GLOSS[s] || ''}` }))),
    placeLegend(summary),
    el('div', { class: 'legend-title', text: 'Factuality (in the evidence)' }),
    el('div', { class: 'muted legend-note', text: 'how sure the reports are, −3 certainly not … +3 certainly so' }));
}

// --- Export ------------------------------------------------------------------------------------------

/** The API query of the view on screen: the filters it was loaded with, narrowed to the timeline's brush. */
function exportQuery() {
  const query = { ...state.filters };
  if (state.range) {
    const [from, to] = state.range.map(isoDay);
    if (!query.since || from > query.since) query.since = from;
    if (!query.until || to < query.until) query.until = to;
  }
  return query;
}

/** Point the export links at the view on screen (`types=` kept: none chosen exports none) and say what they hold. */
function describeExport(count) {
  const query = exportQuery();
  const tooMany = count > api.EXPORT_LIMIT;
  for (const link of document.querySelectorAll('#export a[data-format]')) {
    const { format } = link.dataset;
    link.href = `/api/export?${new URLSearchParams({ format, ...query }).toString().replace(/%2C/g, ',')}`;
    link.setAttribute('aria-disabled', String(tooMany));
    link.title = tooMany
      ? `${count} incidents: an export holds at most ${api.EXPORT_LIMIT}; narrow the filters or the timeline`
      : `Download the ${count} incident(s) of this view (filters${state.range ? ' and timeline selection' : ''}) as ${
        format === 'csv' ? 'ACLED-style CSV' : 'GeoJSON'}`;
  }
}

for (const link of document.querySelectorAll('#export a[data-format]')) {
  link.addEventListener('click', (event) => {
    if (link.getAttribute('aria-disabled') !== 'true') return;
    event.preventDefault();
    setStatus(`Cannot export: ${link.title}`, true);
  });
}

/** How precisely the incidents are placed, and how each kind is drawn; the shaded places listed, most first. */
function placeLegend(summary) {
  const n = (kind) => summary.by_place[kind] || 0;
  // A kind of place none of the shown incidents has is left out, points aside: the legend stays short.
  const row = (key, mark, text, count) => (count || key === 'point' ? el('div', {
    class: `legend-place place-${key}`, dataset: { place: key } }, mark, ` ${text} `, el('span', { class: 'muted', text: count }))
    : null);
  const top = (items, name) => items.slice(0, 5).map((x) => el('li', { text: `${name(x)} ${x.n}` }));
  return el('div', { class: 'legend-places-block' },
    el('div', { class: 'legend-title', text: 'Place: how precisely it is known' }),
    row('point', el('span', { class: 'incident-marker legend-marker s-reported' }), 'point: town, site or district',
      n('town') + n('district')),
    row('dateline', el('span', { class: 'incident-marker legend-marker guess' }), 'place from dateline (a guess)', n('dateline')),
    row('region', el('span', { class: 'legend-ramp ramp-region' }, el('i'), el('i'), el('i'), el('i'), el('i')),
      'region-level: shaded region', n('region')),
    summary.regions.length ? el('ul', { class: 'legend-places muted' },
      top(summary.regions, (r) => `${r.admin1} (${r.country})`)) : null,
    row('country', el('span', { class: 'legend-ramp ramp-country' }, el('i'), el('i'), el('i'), el('i'), el('i')),
      'country-level: shaded country', n('country')),
    summary.countries.length ? el('ul', { class: 'legend-places muted' }, top(summary.countries, (c) => c.name || c.country)) : null,
    row('area', el('span', { class: 'legend-circle' }), 'wider area, or no outline: circle', n('area')),
    row('none', el('span', { class: 'legend-circle' }), 'without coordinates: list only', n('none')),
    el('div', { class: 'muted legend-note', text: 'Shading and circles count incidents placed no closer than a region or country; they are never drawn as points. Darker: more (log scale).' }));
}

// --- Narrow screens: one of map, incidents, filters at a time ----------------------------------------

function showView(name) {
  document.body.dataset.view = name;
  for (const button of document.querySelectorAll('#views button')) {
    button.setAttribute('aria-pressed', String(button.dataset.view === name));
  }
}

// --- Wiring ------------------------------------------------------------------------------------------

const map = new IncidentMap($('#map'), {
  onSelect: (id) => selectIncident(id, { history: 'push', focus: true, from: 'map' }),
});
map.onMove(noteMapMove);
map.onMove(scheduleMapRefresh);
$('#heat-toggle').addEventListener('click', () => {
  const on = $('#heat-toggle').getAttribute('aria-pressed') !== 'true';
  $('#heat-toggle').setAttribute('aria-pressed', String(on));
  map.setHeat(on);
});
const timeline = new Timeline($('#timeline'), {
  onBrush(range) {
    // Whole days, so the URL's days give back the same incidents.
    state.range = range && [new Date(Math.ceil(range[0] / 864e5) * 864e5), new Date(Math.floor(range[1] / 864e5) * 864e5)];
    state.selected = null;
    writeUrl('push');
    refreshView().catch((err) => setStatus(`Could not load incidents: ${err.message}`, true));
  },
});
const viewer = new DocumentViewer($('#document'));
const live = new LiveStatus({ updated: $('#updated'), notice: $('#notice') }, {
  fetchStatus: api.status,
  newIncidents: async () => (await api.countIncidents(state.filters)) - state.total,
  reload: reloadKeepingView,
});

for (const button of document.querySelectorAll('#presets button')) {
  button.addEventListener('click', () => choosePreset(button.dataset.preset));
}
for (const name of ['since', 'until']) {
  // A date typed or picked by hand is the analyst's own range, no preset's.
  form().elements[name].addEventListener('input', () => markPreset(null));
}
$('#all-types').addEventListener('click', () => {
  setTypes(typesChoice() === 'all' ? CONFLICT_TYPES : 'all');
  state.selected = null;
  load({ fit: true, history: 'push' });
});
for (const button of document.querySelectorAll('.type-actions button')) {
  if (button.dataset.types) {
    button.addEventListener('click', () => setTypes(button.dataset.types === 'conflict' ? CONFLICT_TYPES : []));
  }
}
$('#type-picker .apply-types').addEventListener('click', () => form().requestSubmit());
$('#type-picker').addEventListener('keydown', (event) => {
  if (event.key !== 'Escape') return;
  $('#type-picker').open = false;
  $('#type-picker summary').focus();
});
document.addEventListener('click', (event) => {
  if (!$('#type-picker').contains(event.target)) $('#type-picker').open = false; // as a menu closes
});
form().addEventListener('submit', (event) => {
  event.preventDefault();
  $('#type-picker').open = false;
  state.selected = null;
  load({ fit: true, history: 'push' });
});
form().addEventListener('reset', () => setTimeout(() => {
  describeTypes();
  choosePreset(DEFAULT_PRESET);
}));
$('#search').addEventListener('submit', (event) => {
  event.preventDefault();
  const q = String(new FormData(event.target).get('q') || '').trim();
  if (q.length >= 2) runSearch(q);
});
$('#panel').addEventListener('keydown', (event) => {
  if (event.key === 'Escape' && state.selected) {
    event.preventDefault();
    backToList({ history: state.selected === 'search' ? null : 'push', focus: true });
  }
});
for (const button of document.querySelectorAll('#views button')) {
  button.addEventListener('click', () => showView(button.dataset.view));
}
for (const link of document.querySelectorAll('a.skip')) {
  // A skip link moves focus; following its #fragment would replace the view in the URL.
  link.addEventListener('click', (event) => {
    event.preventDefault();
    const target = link.getAttribute('href') === '#map' ? 'map' : 'panel';
    showView(target);
    $(`#${target}`).focus();
  });
}
window.addEventListener('popstate', () => applyView(parseView(window.location.hash)));
if (window.matchMedia('(max-width: 700px)').matches) $('#legend').open = false;

(async () => {
  try {
    fillFilters(await api.facets());
  } catch (err) {
    setStatus(`Could not load filters: ${err.message}`, true);
  }
  await applyView(parseView(window.location.hash), { history: 'replace' });
})();
