// The analyst page: filters → incidents from the API → map, timeline and list; a click → the evidence.
import './style.css';
import * as api from './api.js';
import { DocumentViewer } from './document.js';
import { el, fill, token } from './dom.js';
import { renderIncident, renderList, renderSearch } from './evidence.js';
import { IncidentMap } from './map.js';
import { dayOf, isoDay } from './time.js';
import { Timeline } from './timeline.js';

const state = { incidents: [], total: 0, range: null, selected: null };
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

function redraw({ fit = false } = {}) {
  const shown = visible();
  const onMap = map.show(shown, { fit });
  const partial = state.total > state.incidents.length ? ` (first ${state.incidents.length} of ${state.total})` : '';
  setStatus(`${shown.length} incident(s)${partial}; ${onMap} on the map, ${shown.length - onMap} without coordinates`);
  if (!state.selected) showList();
}

async function load({ fit = false } = {}) {
  setStatus('Loading…');
  try {
    const { items, total } = await api.allIncidents(filters());
    Object.assign(state, { incidents: items, total, range: null });
    timeline.update(items);
    redraw({ fit });
    document.body.dataset.loaded = 'true';
  } catch (err) {
    setStatus(`Could not load incidents: ${err.message}`, true);
  }
}

async function selectIncident(id) {
  state.selected = id;
  setStatus(`Loading incident ${id}…`);
  try {
    const inc = await api.incident(id);
    renderIncident($('#panel'), inc, { openDocument, back: showList });
    map.select(id);
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
    renderSearch($('#panel'), q, await api.search(q), { openDocument, back: showList });
  } catch (err) {
    setStatus(`Search failed: ${err.message}`, true);
  }
}

function fillFilters(f) {
  const form = $('#filters');
  fill(form.elements.type, el('option', { value: '', text: 'any' }),
    f.types.map((t) => el('option', { value: t, text: `${t}${f.type_counts[t] ? ` (${f.type_counts[t]})` : ''}` })));
  fill(form.elements.status, el('option', { value: '', text: 'any' }),
    f.statuses.map((s) => el('option', { value: s, text: `${s}${f.status_counts[s] ? ` (${f.status_counts[s]})` : ''}` })));
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

$('#filters').addEventListener('submit', (event) => {
  event.preventDefault();
  state.selected = null;
  load({ fit: true });
});
$('#filters').addEventListener('reset', () => setTimeout(() => {
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
