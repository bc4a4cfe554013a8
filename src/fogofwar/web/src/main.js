// The analyst page: filters → incidents from the API → map, timeline and list; a click → the evidence.
// Time presets set the date filters from the newest event in the data; the page polls for new data.
import './style.css';
import * as api from './api.js';
import { DocumentViewer } from './document.js';
import { el, fill, token } from './dom.js';
import { renderIncident, renderList, renderSearch } from './evidence.js';
import { LiveStatus } from './live.js';
import { IncidentMap } from './map.js';
import { dayOf, isoDay, lastDays } from './time.js';
import { Timeline } from './timeline.js';

const state = { incidents: [], total: 0, filters: {}, range: null, selected: null, lastDate: null, preset: 'all' };
const $ = (selector) => document.querySelector(selector);

function setStatus(text, isError = false) {
  const node = $('#status');
  node.textContent = text;
  node.classList.toggle('error', isError);
}

function filters() {
  const form = new FormData($('#filters'));
  const out = {};
  for (const key of ['type', 'status', 'actor', 'min_sources', 'since', 'until']) {
    const value = String(form.get(key) ?? '').trim();
    if (value !== '') out[key] = key === 'actor' ? value.toUpperCase() : value;
  }
  if (form.get('in_view')) out.bbox = map.bbox();
  return out;
}

/** Incidents inside the timeline's brush (all of them when nothing is brushed). */
function visible() {
  if (!state.range) return state.incidents;
  const [from, to] = state.range;
  return state.incidents.filter((inc) => {
    const day = dayOf(inc.event_date);
    return day && day >= from && day <= to;
  });
}

function showList() {
  state.selected = null;
  map.select(null);
  const shown = visible();
  const title = state.range
    ? `${shown.length} incident(s), ${isoDay(state.range[0])} to ${isoDay(state.range[1])}`
    : `${shown.length} incident(s)`;
  renderList($('#panel'), shown, { select: selectIncident, title });
  if (window.location.hash) window.history.replaceState(null, '', window.location.pathname);
}

/** From an incident or search results back to the list, with the status line of the list. */
function backToList() {
  state.selected = null;
  redraw();
}

function redraw({ fit = false } = {}) {
  const shown = visible();
  const onMap = map.show(shown, { fit });
  const partial = state.total > state.incidents.length ? ` (first ${state.incidents.length} of ${state.total})` : '';
  setStatus(`${shown.length} incident(s)${partial}; ${onMap} on the map, ${shown.length - onMap} without coordinates`);
  if (!state.selected) showList();
}

/**
 * Load the incidents for the filters. `keep` (new data arriving): the same filters, brush, selection and
 * map view as before, so nothing moves but what changed; a failure is thrown to the caller.
 */
async function load({ fit = false, keep = false } = {}) {
  setStatus('Loading…');
  const panel = $('#panel');
  const scroll = panel.scrollTop;
  try {
    // The status first: the incidents loaded next are at least this new, so a later version is news.
    const status = await api.status().catch(() => null);
    const query = keep ? state.filters : filters();
    const { items, total } = await api.allIncidents(query);
    let selected = null;
    if (keep && state.selected === 'search') selected = 'search';
    else if (keep && items.some((i) => i.incident_id === state.selected)) selected = state.selected;
    Object.assign(state, { incidents: items, total, filters: query, range: keep ? state.range : null, selected });
    timeline.update(items, { keepRange: keep });
    redraw({ fit });
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

async function selectIncident(id, { reveal = true } = {}) {
  state.selected = id;
  setStatus(`Loading incident ${id}…`);
  try {
    const inc = await api.incident(id);
    renderIncident($('#panel'), inc, { openDocument, back: backToList });
    map.select(id, { reveal });
    window.history.replaceState(null, '', `#incident=${encodeURIComponent(id)}`);
    setStatus(`${inc.plover_type} incident: ${inc.claims.length} claim(s) from ${inc.n_documents} document(s)`);
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
    renderSearch($('#panel'), q, await api.search(q), { openDocument, back: backToList });
  } catch (err) {
    setStatus(`Search failed: ${err.message}`, true);
  }
}

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
  const form = $('#filters');
  const range = key === 'all' ? { since: '', until: '' } : lastDays(state.lastDate, PRESET_DAYS[key]);
  if (!range) return;
  form.elements.since.value = range.since;
  form.elements.until.value = range.until;
  markPreset(key);
  state.selected = null;
  load({ fit: true });
}

function fillFilters(f) {
  const form = $('#filters');
  const chosen = { type: form.elements.type.value, status: form.elements.status.value };
  fill(form.elements.type, el('option', { value: '', text: 'any' }),
    f.types.map((t) => el('option', { value: t, text: `${t}${f.type_counts[t] ? ` (${f.type_counts[t]})` : ''}` })));
  fill(form.elements.status, el('option', { value: '', text: 'any' }),
    f.statuses.map((s) => el('option', { value: s, text: `${s}${f.status_counts[s] ? ` (${f.status_counts[s]})` : ''}` })));
  Object.assign(form.elements.type, { value: chosen.type });
  Object.assign(form.elements.status, { value: chosen.status });
  // New data may move the newest date: the tooltips follow, the range already chosen stays as it is.
  state.lastDate = f.last_date ? String(f.last_date) : null;
  describePresets();
  fill($('#actor-codes'), f.actors.map((a) => el('option', { value: a })));
  const present = f.types.filter((t) => f.type_counts[t]);
  fill($('#legend'),
    el('div', { class: 'legend-title', text: 'Type' }),
    present.map((t) => el('div', {}, el('span', { class: `swatch t-${token(t)}` }), ` ${t}`)),
    el('div', { class: 'legend-title', text: 'Status' }),
    f.statuses.filter((s) => f.status_counts[s]).map((s) => el('div', {},
      el('span', { class: `incident-marker legend-marker s-${token(s)}` }), ` ${s}`)));
}

const map = new IncidentMap($('#map'), { onSelect: selectIncident });
const timeline = new Timeline($('#timeline'), {
  onBrush(range) {
    state.range = range;
    state.selected = null;
    redraw();
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
  $('#filters').elements[name].addEventListener('input', () => markPreset(null));
}

$('#filters').addEventListener('submit', (event) => {
  event.preventDefault();
  state.selected = null;
  load({ fit: true });
});
$('#filters').addEventListener('reset', () => setTimeout(() => {
  markPreset('all');
  state.selected = null;
  load({ fit: true });
}));
$('#search').addEventListener('submit', (event) => {
  event.preventDefault();
  const q = String(new FormData(event.target).get('q') || '').trim();
  if (q.length >= 2) runSearch(q);
});

(async () => {
  try {
    fillFilters(await api.facets());
  } catch (err) {
    setStatus(`Could not load filters: ${err.message}`, true);
  }
  await load({ fit: true });
  const match = /^#incident=(.+)$/.exec(window.location.hash);
  if (match) selectIncident(decodeURIComponent(match[1]));
})();
