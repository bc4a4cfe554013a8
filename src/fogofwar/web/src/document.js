// The document viewer: the stored text, as text, with every span the pipeline found highlighted.
import { el, fill, safeUrl, token } from './dom.js';
import { dayLabel } from './time.js';

const KINDS = [
  ['content', 'claim content'], ['source', 'claim source'], ['cue', 'reporting cue'], ['trigger', 'event mention'],
  ['casualty', 'casualties'], ['place', 'place'], ['time', 'time'], ['actor', 'actor'],
];

/** Cut text into runs where the set of covering spans is constant; each run knows its spans. */
export function segments(text, spans) {
  const cuts = new Set([0, text.length]);
  for (const s of spans) {
    cuts.add(s.start);
    cuts.add(s.end);
  }
  const points = [...cuts].filter((p) => p >= 0 && p <= text.length).sort((a, b) => a - b);
  const byStart = [...spans].sort((a, b) => a.start - b.start);
  const active = [];
  const out = [];
  let next = 0;
  for (let i = 0; i + 1 < points.length; i += 1) {
    const [a, b] = [points[i], points[i + 1]];
    while (next < byStart.length && byStart[next].start <= a) active.push(byStart[next++]);
    for (let j = active.length - 1; j >= 0; j -= 1) if (active[j].end <= a) active.splice(j, 1);
    out.push({ start: a, end: b, spans: active.filter((s) => s.start <= a && s.end >= b) });
  }
  return out;
}

/** Spans of a search's words, so a search hit opens with its words marked. */
function searchSpans(text, q) {
  const spans = [];
  const lower = text.toLowerCase();
  for (const word of (q || '').toLowerCase().split(/\s+/).filter((w) => w.length > 1)) {
    for (let at = lower.indexOf(word); at >= 0 && spans.length < 2000; at = lower.indexOf(word, at + word.length)) {
      spans.push({ start: at, end: at + word.length, kind: 'hit', ref: 'hit', label: 'search' });
    }
  }
  return spans;
}

export class DocumentViewer {
  constructor(dialog) {
    this.dialog = dialog;
    this.meta = dialog.querySelector('#doc-meta');
    this.legend = dialog.querySelector('#doc-legend');
    this.body = dialog.querySelector('#doc-body');
    dialog.querySelector('#doc-close').addEventListener('click', () => dialog.close());
    dialog.addEventListener('click', (event) => {
      if (event.target === dialog) dialog.close(); // a click on the backdrop
    });
    this.hidden = new Set();
    fill(this.legend, KINDS.map(([kind, name]) => el('label', { class: `key hl-${kind}` },
      el('input', { type: 'checkbox', checked: true, onchange: (e) => this.toggle(kind, e.target.checked) }),
      ` ${name}`)));
  }

  toggle(kind, on) {
    this.body.classList.toggle(`hide-${kind}`, !on);
  }

  /** Show a document; `focus` is a claim or event id to mark and scroll to, `q` a search to mark. */
  show(doc, focus = null, q = null) {
    const url = safeUrl(doc.url);
    fill(this.meta,
      el('h2', { class: 'doc-title', text: doc.title || doc.id }),
      el('div', { class: 'muted' },
        el('span', { text: `${doc.outlet || 'unknown outlet'} · ${dayLabel(doc.published)} · ${doc.id}` }),
        url ? el('span', {}, ' · ', el('a', { href: url, target: '_blank', rel: 'noopener noreferrer nofollow', text: 'original' }))
          : doc.url ? el('span', { class: 'unsafe-url', text: ` · ${doc.url}` }) : null),
      doc.error ? el('div', { class: 'error', text: `error ${doc.error.code}: ${doc.error.message}` }) : null);
    const spans = [...doc.spans, ...searchSpans(doc.text, q)];
    const pre = el('pre', { class: 'doc-text' });
    let first = null;
    for (const seg of segments(doc.text, spans)) {
      const piece = doc.text.slice(seg.start, seg.end);
      if (!seg.spans.length) {
        pre.append(piece);
        continue;
      }
      const node = el('span', {
        class: [...new Set(seg.spans.map((s) => `hl-${token(s.kind)}`))].join(' '),
        title: seg.spans.map((s) => `${s.kind}: ${s.label}`).join('\n'),
        dataset: { refs: seg.spans.map((s) => s.ref).join(' ') },
      }, piece);
      if ((focus && seg.spans.some((s) => s.ref === focus)) || (!focus && q && seg.spans.some((s) => s.kind === 'hit'))) {
        node.classList.add('focus');
        first = first || node;
      }
      pre.append(node);
    }
    fill(this.body, pre);
    if (!this.dialog.open) this.dialog.showModal();
    this.body.scrollTop = 0;
    if (first) first.scrollIntoView({ block: 'center' });
  }
}
