// The evidence panel: one incident, its casualties and means, every claim about it (who, stance, quote,
// outlet, date) split into what backs it and what doubts or denies it, and its reports with their mentions.
import { el, safeUrl, token } from './dom.js';
import { dayLabel } from './time.js';

const STANCE_VERB = {
  assert: 'asserts', deny: 'denies', doubt: 'doubts', allege: 'alleges', acknowledge: 'acknowledges',
  believe: 'believes', warn: 'warns', predict: 'predicts',
};

function badge(kind, value) {
  return el('span', { class: `badge ${kind}-${token(value)}`, text: value ?? '?' });
}

function factualityMeter(value) {
  // FactBank's scale runs from -3 (certainly not) to +3 (certainly so).
  const v = Number(value ?? 0);
  const meter = el('meter', { min: -3, max: 3, low: -1, high: 1, optimum: 3, value: v, title: `factuality ${v}` });
  return el('span', { class: 'factuality' }, meter, el('span', { text: ` ${v >= 0 ? '+' : ''}${v.toFixed(1)}` }));
}

const CONTRADICTING = new Set(['deny', 'doubt']);
const CASUALTY_LABELS = { killed: 'killed', injured: 'injured', missing: 'missing', detained: 'detained' };

/** "at least 11", "11–14", "13–18+" (the highest a lower bound), "dozens" (the report's words when it gives no number). */
function figure(c) {
  if (c.min == null && c.max == null) return `“${c.text || '?'}”`;
  if (c.min != null && c.max == null) return `at least ${c.min}`;
  if (c.min == null) return `up to ${c.max}`;
  if (c.min === c.max) return c.open ? `at least ${c.min}` : `${c.min}`;
  return `${c.min}–${c.max}${c.open ? '+' : ''}`;
}

function casualtyLine(casualties) {
  const parts = Object.entries(casualties || {}).filter(([k]) => CASUALTY_LABELS[k])
    .map(([k, c]) => `${CASUALTY_LABELS[k]} ${figure(c)}${c.reports > 1 ? ` (${c.reports} reports)` : ''}`);
  return parts.length ? el('div', { class: 'casualties', text: `Casualties: ${parts.join(' · ')}` }) : null;
}

function sourceName(claim) {
  return claim.source_text || '(unnamed source)';
}

function claimCard(claim, openDocument) {
  return el('article', { class: `claim stance-${token(claim.stance)}`, dataset: { doc: claim.doc_id, claim: claim.claim_id } },
    el('div', { class: 'who' },
      el('span', { class: 'source', text: sourceName(claim) }),
      claim.source_code ? el('code', { text: claim.source_code }) : null,
      badge('stance', STANCE_VERB[claim.stance] || claim.stance)),
    el('blockquote', { class: 'quote', text: claim.content_text || '' }),
    el('div', { class: 'where' },
      el('span', { class: 'outlet', text: claim.outlet || claim.doc_id }),
      el('span', { text: ` · ${dayLabel(claim.published)} · ${claim.kind || ''} ` }),
      el('button', { type: 'button', class: 'link open-doc', text: 'Open document',
        onclick: () => openDocument(claim.doc_id, claim.claim_id) })));
}

function reportItem(doc, events, openDocument) {
  const url = safeUrl(doc.url);
  return el('li', { class: 'report', dataset: { doc: doc.doc_id } },
    el('div', { class: 'report-head' },
      el('strong', { text: doc.title || doc.doc_id }),
      el('span', { class: 'muted', text: ` ${doc.outlet || ''} · ${dayLabel(doc.published)}` }),
      doc.origin && doc.origin !== doc.doc_id ? el('span', { class: 'muted', text: ` · reprint of ${doc.origin}` }) : null),
    el('ul', { class: 'events' }, events.map((e) => el('li', {},
      el('span', { class: 'sentence', text: e.sentence_text || e.trigger_text || '' }),
      (e.mentions || []).length > 1 ? el('div', { class: 'mentions muted',
        text: `${e.mentions.length} mentions: ${e.mentions.map((m) => m.trigger_text).join(' · ')}` }) : null,
      el('div', { class: 'muted' },
        badge('status', e.status), ' ', factualityMeter(e.factuality),
        e.claims.length ? null : el('span', { text: ' · no attributed source (the outlet’s own report)' }))))),
    el('div', { class: 'where' },
      el('button', { type: 'button', class: 'link open-doc', text: 'Open document',
        onclick: () => openDocument(doc.doc_id, events[0]?.event_id) }),
      url ? el('span', {}, ' · ', el('a', { href: url, target: '_blank', rel: 'noopener noreferrer nofollow', text: 'original' }))
        : null));
}

/** The claims that doubt or deny the incident first, then those that back it. */
function claimSections(claims, openDocument) {
  if (!claims.length) return [el('p', { class: 'muted', text: 'No attributed claim: only the outlets’ own reports.' })];
  const against = claims.filter((c) => CONTRADICTING.has(c.stance));
  const backing = claims.filter((c) => !CONTRADICTING.has(c.stance));
  const section = (title, list, cls) => (list.length ? [
    el('h3', { text: `${title} (${list.length})` }),
    el('div', { class: `claims ${cls}` }, list.map((c) => claimCard(c, openDocument)))] : []);
  return [...section('Claims doubting or denying it', against, 'against'), ...section('Claims backing it', backing, 'backing')];
}

/** Fill the panel with one incident's evidence. */
export function renderIncident(panel, inc, { openDocument, back }) {
  const where = [inc.location_name, inc.admin1, inc.country].filter(Boolean).join(', ') || 'unlocated';
  const byDoc = new Map();
  for (const e of inc.events) {
    if (!byDoc.has(e.doc_id)) byDoc.set(e.doc_id, []);
    byDoc.get(e.doc_id).push(e);
  }
  const named = (list) => (list.length ? list.join('; ') : 'none');
  panel.replaceChildren(el('div', { class: 'evidence', dataset: { incident: inc.incident_id } },
    el('button', { type: 'button', class: 'link back', text: '← all incidents', onclick: back }),
    el('h2', {}, el('span', { class: `swatch t-${token(inc.plover_type)}` }), ` ${inc.plover_type} · ${where}`),
    el('div', { class: 'facts' },
      el('span', { text: `${dayLabel(inc.event_date)} · ` }), badge('status', inc.status), ' ',
      factualityMeter(inc.factuality),
      el('span', { text: ` · ${inc.independent_sources} independent source(s), ${inc.n_documents} document(s)` })),
    inc.acled_event_type ? el('div', { class: 'muted', text: `ACLED: ${inc.acled_event_type} / ${inc.acled_sub_event_type}` }) : null,
    inc.actor_codes || inc.recipient_codes
      ? el('div', { class: 'muted', text: `Actors: ${inc.actor_codes || '?'} → ${inc.recipient_codes || '?'}` }) : null,
    casualtyLine(inc.casualties),
    (inc.means || []).length ? el('div', { class: 'means muted', text: `Means: ${inc.means.join(', ').replace(/_/g, ' ')}` }) : null,
    inc.summary ? el('p', { class: 'summary', text: inc.summary }) : null,
    el('dl', { class: 'sides' },
      el('dt', { text: 'Supporting' }), el('dd', { text: named(inc.supporting) }),
      el('dt', { text: 'Contradicting' }), el('dd', { text: named(inc.contradicting) })),
    ...claimSections(inc.claims, openDocument),
    el('h3', { text: `Reports (${inc.documents.length})` }),
    el('ul', { class: 'reports' }, inc.documents.map((d) => reportItem(d, byDoc.get(d.doc_id) || [], openDocument)))));
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
