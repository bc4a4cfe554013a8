// The evidence panel: one incident, its precision, casualties and means, its sources each once with their
// stances and claims (what doubts or denies it first, then what backs it), and its reports each once with
// the one sentence that tells it. Every status, stance, kind and precision code says what it means on hover
// and in the panel's "What the labels mean".
import { el, safeUrl, token } from './dom.js';
import {
  FACTUALITY_MEANING, GEO_PRECISION, KIND_MEANING, SIDE_MEANING, STANCE_MEANING, STANCE_VERB, STATUS_MEANING,
  TIME_PRECISION,
} from './glossary.js';
import { dayLabel } from './time.js';

const meaning = (table, value) => (value != null && table[value] ? `${value}: ${table[value]}` : null);

function badge(kind, value, title = null) {
  return el('span', { class: `badge ${kind}-${token(value)}`, text: value ?? '?', title });
}

const statusBadge = (status) => badge('status', status, meaning(STATUS_MEANING, status));
const stanceBadge = (stance) => badge('stance', STANCE_VERB[stance] || stance, meaning(STANCE_MEANING, stance));
const kindBadge = (kind) => (kind ? badge('kind', kind.replace(/_/g, ' '), KIND_MEANING[kind] || null) : null);

function factualityMeter(value) {
  // FactBank's scale runs from -3 (certainly not) to +3 (certainly so).
  const v = Number(value ?? 0);
  const meter = el('meter', { min: -3, max: 3, low: -1, high: 1, optimum: 3, value: v,
    title: `factuality ${v}: ${FACTUALITY_MEANING}` });
  return el('span', { class: 'factuality' }, meter, el('span', { text: ` ${v >= 0 ? '+' : ''}${v.toFixed(1)}` }));
}

/** ACLED's precision code, visible ("geo 1 · town"), with what it means on hover. */
function precisionCode(kind, code) {
  const table = kind === 'geo' ? GEO_PRECISION : TIME_PRECISION;
  if (code == null || !table[code]) return el('span', { class: `precision ${kind}-precision`, text: `${kind} precision ?` });
  const [short, long] = table[code];
  return el('span', { class: `precision ${kind}-precision`, dataset: { code },
    title: `ACLED ${kind === 'geo' ? 'geo_precision' : 'time_precision'} ${code}: ${long}`, text: `${kind} ${code} · ${short}` });
}

const CASUALTY_LABELS = { killed: 'killed', injured: 'injured', missing: 'missing', detained: 'detained' };

/** "at least 11", "11–14", "13–18+" (the highest a lower bound), "dozens" (the report's words when it gives no number). */
function figure(c) {
  if (c.min == null && c.max == null) return `“${c.text || '?'}”`;
  if (c.min != null && c.max == null) return `at least ${c.min}`;
  if (c.min == null) return `up to ${c.max}`;
  if (c.min === c.max) return c.open ? `at least ${c.min}` : `${c.min}`;
  return `${c.min}–${c.max}${c.open ? '+' : ''}`;
}

function casualtyText(casualties) {
  const parts = Object.entries(casualties || {}).filter(([k]) => CASUALTY_LABELS[k])
    .map(([k, c]) => `${CASUALTY_LABELS[k]} ${figure(c)}${c.reports > 1 ? ` (${c.reports} reports)` : ''}`);
  return parts.join(' · ');
}

/** The incident's facts as a definition list: when and where with their precision, casualties, means, actors. */
function factList(inc) {
  const where = [inc.location_name, inc.admin1, inc.country].filter(Boolean).join(', ');
  const rows = [
    ['Date', [`${dayLabel(inc.event_date)} `, precisionCode('time', inc.time_precision)], 'date'],
    ['Place', [`${where || 'unlocated'} `, inc.lat == null ? null : precisionCode('geo', inc.geo_precision)], 'place'],
    ['Casualties', casualtyText(inc.casualties) || null, 'casualties'],
    ['Means', (inc.means || []).length ? inc.means.join(', ').replace(/_/g, ' ') : null, 'means'],
    ['Actors', inc.actor_codes || inc.recipient_codes ? `${inc.actor_codes || '?'} → ${inc.recipient_codes || '?'}` : null, 'actors'],
    ['ACLED', inc.acled_event_type ? `${inc.acled_event_type} / ${inc.acled_sub_event_type}` : null, 'acled'],
  ].filter(([, value]) => value != null);
  return el('dl', { class: 'fact-list' }, rows.map(([term, value, cls]) => [
    el('dt', { text: term }), el('dd', { class: cls }, value)]));
}

/** A source's claims: the quote, outlet, date and kind of each (its stance too when the source takes several). */
function claimItem(claim, { several, openDocument }) {
  return el('li', { class: `claim stance-${token(claim.stance)}`, dataset: { doc: claim.doc_id, claim: claim.claim_id } },
    el('blockquote', { class: 'quote', text: claim.content_text || '' }),
    el('div', { class: 'where' },
      el('span', { class: 'outlet', text: claim.outlet || claim.doc_id }),
      el('span', { text: ` · ${dayLabel(claim.published)} · ` }), kindBadge(claim.kind),
      several ? [' ', stanceBadge(claim.stance)] : null, ' ',
      el('button', { type: 'button', class: 'link open-doc', text: 'Open document',
        onclick: () => openDocument(claim.doc_id, claim.claim_id) })));
}

/** One source, once: its fullest name, actor code and every stance it takes, then each of its claims. */
function sourceCard(group, openDocument) {
  const several = group.stances.length > 1;
  const also = group.names.filter((n) => n !== group.source);
  return el('article', { class: `source-group side-${token(group.side)}`, dataset: { source: group.label } },
    el('div', { class: 'who' },
      el('span', { class: 'source', text: group.source }),
      group.code ? el('code', { text: group.code }) : null,
      group.stances.map(stanceBadge),
      group.claims.length > 1 ? el('span', { class: 'muted', text: `${group.claims.length} claims` }) : null),
    also.length ? el('div', { class: 'aka muted', text: `also named: ${also.join('; ')}` }) : null,
    el('ul', { class: 'claims' }, group.claims.map((c) => claimItem(c, { several, openDocument }))));
}

const SIDE_TITLES = { contradicting: 'Doubting or denying it', supporting: 'Backing it', other: 'Neither backing nor doubting it' };
const SIDE_CLASSES = { contradicting: 'against', supporting: 'backing', other: 'other' };

/** The sources that doubt or deny the incident first, then those that back it, then the rest; each once. */
function sourceSections(groups, openDocument) {
  if (!groups.length) return [el('p', { class: 'muted', text: 'No attributed claim: only the outlets’ own reports.' })];
  return Object.keys(SIDE_TITLES).flatMap((side) => {
    const list = groups.filter((g) => g.side === side);
    if (!list.length) return [];
    const n = list.length;
    return [el('h3', { title: SIDE_MEANING[side], text: `${SIDE_TITLES[side]} (${n} source${n === 1 ? '' : 's'})` }),
      el('div', { class: `sources ${SIDE_CLASSES[side]}` }, list.map((g) => sourceCard(g, openDocument)))];
  });
}

/** A sentence as text nodes, its trigger marked. */
function sentenceText(sentence) {
  const { text, trigger_start: start, trigger_end: end } = sentence;
  if (start == null || end == null) return el('p', { class: 'sentence', text });
  return el('p', { class: 'sentence' }, text.slice(0, start), el('mark', { class: 'trigger', text: text.slice(start, end) }),
    text.slice(end));
}

/** One report, once: title, outlet and date, the one sentence that tells the incident, and how it tells it. */
function reportItem(doc, openDocument) {
  const url = safeUrl(doc.url);
  const s = doc.sentence;
  const mentions = doc.mentions || [];
  return el('li', { class: 'report', dataset: { doc: doc.doc_id } },
    el('div', { class: 'report-head' },
      el('strong', { text: doc.title || doc.doc_id }),
      el('span', { class: 'muted', text: ` ${doc.outlet || ''} · ${dayLabel(doc.published)}` }),
      doc.origin && doc.origin !== doc.doc_id ? el('span', { class: 'muted', text: ` · reprint of ${doc.origin}` }) : null),
    sentenceText(s),
    el('div', { class: 'report-facts muted' },
      statusBadge(s.status), ' ', factualityMeter(s.factuality),
      casualtyText(s.casualties) ? el('span', { class: 'report-casualties', text: ` · ${casualtyText(s.casualties)}` }) : null,
      mentions.length > 1 ? el('span', { class: 'mentions', text: ` · ${mentions.length} mentions: ${mentions.join(' · ')}` }) : null,
      s.date_text ? el('span', { text: ` · dated by “${s.date_text}”` }) : el('span', { text: ' · no date in the text: the dateline' }),
      s.events > 1 ? el('span', { text: ` · ${s.events} happenings in this report` }) : null,
      doc.attributed === 0 ? el('span', { text: ' · no attributed source (the outlet’s own report)' }) : null),
    el('div', { class: 'where' },
      el('button', { type: 'button', class: 'link open-doc', text: 'Open document',
        onclick: () => openDocument(doc.doc_id, s.event_id) }),
      url ? el('span', {}, ' · ', el('a', { href: url, target: '_blank', rel: 'noopener noreferrer nofollow', text: 'original' }))
        : null));
}

/** The meaning of every status, stance and claim kind the panel shows. */
function labelGlossary(inc) {
  const statuses = new Set([inc.status, ...inc.documents.map((d) => d.sentence.status)]);
  const stances = new Set(inc.sources.flatMap((g) => g.stances));
  const kinds = new Set(inc.sources.flatMap((g) => g.claims.map((c) => c.kind)).filter(Boolean));
  const entries = [
    ...[...statuses].filter((x) => STATUS_MEANING[x]).map((x) => [x, STATUS_MEANING[x], 'status']),
    ...[...stances].filter((x) => STANCE_MEANING[x]).map((x) => [STANCE_VERB[x], STANCE_MEANING[x], 'stance']),
    ...[...kinds].filter((x) => KIND_MEANING[x]).map((x) => [x.replace(/_/g, ' '), KIND_MEANING[x].replace(/^[^:]*: /, ''), 'kind']),
    ['geo 1–3', 'ACLED geo_precision: 1 the town itself, 2 near a town or a district, 3 only the region or country', 'precision'],
    ['time 1–3', 'ACLED time_precision: 1 the day, 2 a week or a few days, 3 a month or vaguer', 'precision'],
    ['factuality', FACTUALITY_MEANING, 'factuality'],
  ];
  return el('details', { class: 'glossary' }, el('summary', { text: 'What the labels mean' }),
    el('dl', {}, entries.map(([term, text, kind]) => [el('dt', { class: `gloss-${kind}`, text: term }), el('dd', { text })])));
}

/** Fill the panel with one incident's evidence. */
export function renderIncident(panel, inc, { openDocument, back }) {
  const where = [inc.location_name, inc.admin1, inc.country].filter(Boolean).join(', ') || 'unlocated';
  const claimsPerDoc = new Map();
  for (const e of inc.events) claimsPerDoc.set(e.doc_id, (claimsPerDoc.get(e.doc_id) || 0) + e.claims.length);
  for (const d of inc.documents) d.attributed = claimsPerDoc.get(d.doc_id) || 0;
  const named = (list) => (list.length ? list.join('; ') : 'none');
  panel.replaceChildren(el('div', { class: 'evidence', dataset: { incident: inc.incident_id } },
    el('button', { type: 'button', class: 'link back', text: '← all incidents', onclick: back }),
    el('h2', {}, el('span', { class: `swatch t-${token(inc.plover_type)}` }), ` ${inc.plover_type} · ${where}`),
    el('div', { class: 'facts' },
      statusBadge(inc.status), ' ', factualityMeter(inc.factuality),
      el('span', { text: ` · ${inc.independent_sources} independent source(s), ${inc.n_documents} document(s)` })),
    factList(inc),
    inc.summary ? el('p', { class: 'summary', text: inc.summary }) : null,
    el('dl', { class: 'sides' },
      el('dt', { title: SIDE_MEANING.supporting, text: 'Supporting' }), el('dd', { class: 'supporting', text: named(inc.supporting) }),
      el('dt', { title: SIDE_MEANING.contradicting, text: 'Contradicting' }),
      el('dd', { class: 'contradicting', text: named(inc.contradicting) })),
    ...sourceSections(inc.sources, openDocument),
    el('h3', { text: `Reports (${inc.documents.length})` }),
    el('ul', { class: 'reports' }, inc.documents.map((d) => reportItem(d, openDocument))),
    labelGlossary(inc)));
}

/** Fill the panel with a list of incidents to pick from. */
export function renderList(panel, incidents, { select, title }) {
  const sorted = [...incidents].sort((a, b) => b.independent_sources - a.independent_sources
    || String(b.event_date || '').localeCompare(String(a.event_date || '')));
  const shown = sorted.slice(0, 300);
  panel.replaceChildren(el('div', { class: 'incident-list' },
    el('h2', { text: title }),
    shown.length ? null : el('p', { class: 'muted', text: 'No incident matches.' }),
    el('ul', {}, shown.map((inc) => el('li', {},
      el('button', { type: 'button', class: 'incident-item', dataset: { incident: inc.incident_id },
        onclick: () => select(inc.incident_id) },
      el('span', { class: `swatch t-${token(inc.plover_type)}` }),
      el('span', { class: 'item-main', text: ` ${inc.plover_type} · ${inc.location_name || inc.country || 'unlocated'}` }),
      el('span', { class: 'muted', text: ` ${dayLabel(inc.event_date)} · ${inc.status} · ${inc.independent_sources} src` }),
      inc.summary ? el('span', { class: 'item-summary', text: inc.summary.slice(0, 140) }) : null)))),
    sorted.length > shown.length ? el('p', { class: 'muted', text: `and ${sorted.length - shown.length} more: narrow the filters or the timeline.` }) : null));
}

/** Fill the panel with full-text search results. */
export function renderSearch(panel, q, result, { openDocument, back }) {
  panel.replaceChildren(el('div', { class: 'search-results' },
    el('button', { type: 'button', class: 'link back', text: '← all incidents', onclick: back }),
    el('h2', { text: `“${q}”: ${result.total} document(s)` }),
    el('ul', {}, result.items.map((d) => el('li', {},
      el('button', { type: 'button', class: 'link', dataset: { doc: d.doc_id }, onclick: () => openDocument(d.doc_id, null, q) },
        el('strong', { text: d.title || d.doc_id })),
      el('div', { class: 'muted', text: `${d.outlet || ''} · ${dayLabel(d.published)} · ${d.hits} hit(s)` }),
      el('div', { class: 'snippet', text: `${d.snippet_start > 0 ? '…' : ''}${d.snippet}…` }))))));
}
