// Live data: the page polls /api/status and, when the store's version moves past the data on screen,
// says how many new incidents the current filters would show. It never reloads by itself: the analyst
// may be reading, so the map, the list and the evidence stay as they are until the button is pressed.
import { el, fill } from './dom.js';

const RETRY_FACTOR_MAX = 8; // after repeated failures, ask at most this many poll intervals apart

/** "14:05 UTC" for a moment today (UTC), "2023-03-30 14:05 UTC" for an earlier day. */
export function updatedLabel(iso, now = new Date()) {
  const when = new Date(iso);
  if (Number.isNaN(when.getTime())) return null;
  const time = when.toISOString().slice(11, 16);
  const day = when.toISOString().slice(0, 10);
  return day === now.toISOString().slice(0, 10) ? `${time} UTC` : `${day} ${time} UTC`;
}

export class LiveStatus {
  /**
   * updated: where the data's time and size is written; notice: the aria-live region for changes;
   * newIncidents(): how many more incidents the filters on screen match now; reload(): load them, keeping the view.
   */
  constructor({ updated, notice }, { newIncidents, reload, fetchStatus }) {
    Object.assign(this, { updated, notice, newIncidents, reload, fetchStatus });
    this.version = null;
    this.pollSeconds = 30;
    this.failures = 0;
    this.generation = 0;
    this.timer = null;
  }

  /** The data on screen is at this status (null: unknown, the next answer becomes the baseline). */
  shown(status) {
    this.generation += 1;
    this.failures = 0;
    if (status) {
      this.version = status.version;
      this.pollSeconds = status.poll_seconds > 0 ? status.poll_seconds : this.pollSeconds;
      this.describe(status);
    }
    this.updated.classList.remove('stale');
    this.updated.removeAttribute('title');
    fill(this.notice);
    delete this.notice.dataset.version;
    delete this.notice.dataset.added;
    this.notice.dataset.state = 'current';
    this.schedule();
  }

  describe(status) {
    const n = Number(status.documents);
    const documents = `${n.toLocaleString('en-US')} document${n === 1 ? '' : 's'}`;
    const when = status.updated ? updatedLabel(status.updated) : null;
    this.updated.textContent = when ? `Data updated ${when} · ${documents}` : `Data: ${documents}`;
    this.updated.dataset.version = String(status.version);
  }

  schedule() {
    clearTimeout(this.timer);
    const factor = Math.min(2 ** this.failures, RETRY_FACTOR_MAX);
    this.timer = setTimeout(() => this.poll(), this.pollSeconds * 1000 * factor);
  }

  async poll() {
    const generation = this.generation;
    try {
      const status = await this.fetchStatus();
      if (generation !== this.generation) return; // the data was reloaded meanwhile
      this.failures = 0;
      this.updated.classList.remove('stale');
      this.updated.removeAttribute('title');
      if (this.version === null) {
        this.shown(status);
        return;
      }
      this.pollSeconds = status.poll_seconds > 0 ? status.poll_seconds : this.pollSeconds;
      if (status.version !== this.version && status.version !== Number(this.notice.dataset.version)) {
        const added = await this.newIncidents();
        if (generation !== this.generation) return;
        this.announce(status, added);
      }
    } catch (err) {
      if (generation !== this.generation) return;
      // Quietly: the data on screen is still good, so only the header's line says the server is away.
      this.failures += 1;
      this.updated.classList.add('stale');
      this.updated.title = `Could not ask the server for changes (${err.message}); trying again`;
    }
    this.schedule();
  }

  announce(status, added) {
    const grew = added > 0;
    const text = grew ? `${added.toLocaleString('en-US')} new incident${added === 1 ? '' : 's'}` : 'data updated';
    const button = el('button', {
      type: 'button', class: 'notice-button', text: grew ? 'show' : 'reload',
      'aria-label': grew ? `${text}: show them` : 'data updated: reload',
      onclick: () => this.apply(button),
    });
    fill(this.notice, el('span', { class: 'notice-text', text }), ' — ', button);
    Object.assign(this.notice.dataset, { state: grew ? 'new' : 'updated', version: String(status.version),
      added: String(Math.max(added, 0)) });
  }

  async apply(button) {
    button.disabled = true;
    try {
      await this.reload();
      fill(this.notice, el('span', { class: 'muted', text: 'Up to date' }));
      this.notice.focus();
    } catch (err) {
      button.disabled = false;
      fill(this.notice, el('span', { class: 'error', text: `Could not reload: ${err.message}` }), ' — ', button);
    }
  }
}
