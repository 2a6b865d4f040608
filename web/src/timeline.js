// The alert timeline: starts and ends, newest first, from the history loaded at start-up
// and the live SSE events. Clicking an entry selects its zone.

import { t } from './i18n.js';
import { clockTime, esc } from './format.js';

const MAX_ITEMS = 300;

export class Timeline {
  constructor(list, { zoneName, onZone }) {
    this.list = list;
    this.zoneName = zoneName;
    list.addEventListener('click', (ev) => {
      const li = ev.target.closest('[data-zone]');
      if (li) onZone(li.dataset.zone);
    });
  }

  item(e) {
    const li = document.createElement('li');
    li.dataset.zone = e.zone;
    li.dataset.event = e.event;
    li.dataset.alert = e.alert;
    const extra = e.event === 'start' || e.event === 'prestart' ? t(`cat.${e.category || 'unknown'}`) : (e.reason ? t(`reason.${e.reason}`) : '');
    li.innerHTML = `<span class="ev-time">${esc(clockTime(e.time))}</span><span class="ev-${esc(e.event)}">${esc(t(`ev.${e.event}`))}</span>`
      + `<span>${esc(this.zoneName(e.zone))}</span><span class="muted">${esc(extra)}</span>${e.manual ? `<span class="tag">${esc(t('alert.manual'))}</span>` : ''}`;
    return li;
  }

  add(e) {
    if (!['start', 'end', 'prestart', 'preend'].includes(e.event)) return;
    const empty = this.list.querySelector('.empty');
    if (empty) empty.remove();
    this.list.prepend(this.item(e));
    while (this.list.children.length > MAX_ITEMS) this.list.lastChild.remove();
  }

  renderAll(events) {
    this.list.innerHTML = '';
    const shown = events.filter((e) => ['start', 'end', 'prestart', 'preend'].includes(e.event)).slice(-MAX_ITEMS);
    if (shown.length === 0) { this.list.innerHTML = `<li class="empty muted">${esc(t('timeline.empty'))}</li>`; return; }
    const frag = document.createDocumentFragment();
    for (let i = shown.length - 1; i >= 0; i--) frag.appendChild(this.item(shown[i]));
    this.list.appendChild(frag);
  }
}
