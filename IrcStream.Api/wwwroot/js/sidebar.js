// The sidebar (`#connections`, ☰ and its scrim): every connection with its state, its buffers with their
// badges, ✕, Stop trying and Remove.

import { t } from './i18n.js';
import { element } from './log.js';
import { label } from './state.js';

/**
 * The word shown for a connection's state, as a person says it: the socket being up while IRC registration runs
 * is still "connecting" ("registered" reads as "has an account" to a newcomer).
 */
export function displayState(state) {
  return state === 'registering' ? 'connecting' : state;
}

export class Sidebar {
  /** `handlers`: onActivate(buffer), onCloseBuffer(buffer), onStopConnection(connection), onRemoveConnection(connection). */
  constructor(handlers) {
    this.handlers = handlers;
    this.nav = document.getElementById('connections');
    this.toggle = document.getElementById('toggle-sidebar');
    this.scrim = document.getElementById('scrim');
    this.toggle.addEventListener('click', () => this.setOpen(!document.body.classList.contains('sidebar-open')));
    this.scrim.addEventListener('click', () => this.setOpen(false));
  }

  setOpen(open) {
    document.body.classList.toggle('sidebar-open', open);
    this.scrim.hidden = !open;
    this.toggle.setAttribute('aria-expanded', String(open));
  }

  /** Which sidebar control has the keyboard focus, so a rebuild can give it back. */
  focusedControl() {
    const node = document.activeElement;
    if (!node || !this.nav.contains(node)) return null;
    return node.dataset.control ?? null;
  }

  /** Rebuilds the list for `connections` with `active` ({ connectionId, key }) marked; returns the unread and mention totals. */
  render(connections, active) {
    const focused = this.focusedControl();
    const fragment = document.createDocumentFragment();
    let totalMentions = 0;
    let totalUnread = 0;
    let hiddenUnread = 0;
    let hiddenMentions = 0;
    for (const connection of connections) {
      const group = element('div', 'conn');
      group.dataset.connection = connection.id;
      const state = displayState(connection.state);
      group.dataset.state = state;
      const buffers = [...connection.buffers.values()];
      const sorted = [buffers[0], ...buffers.slice(1).sort((a, b) =>
        (a.kind === b.kind ? 0 : a.kind === 'channel' ? -1 : 1) || a.key.localeCompare(b.key))];
      for (const buffer of sorted) {
        const row = element('div', `buffer-row buffer-row-${buffer.kind}`);
        const item = element('button', `buffer buffer-${buffer.kind}`);
        item.type = 'button';
        item.dataset.buffer = buffer.kind === 'server' ? '' : buffer.name;
        item.dataset.kind = buffer.kind;
        item.dataset.control = `${connection.id} buffer ${buffer.key}`;
        const isActive = active?.connectionId === connection.id && active.key === buffer.key;
        if (isActive) {
          item.classList.add('active');
          item.setAttribute('aria-current', 'true');
        }
        if (buffer.kind === 'channel' && !buffer.joined) item.classList.add('parted');
        const name = element('span', 'buffer-name', buffer.kind === 'server' ? label(connection) : buffer.name);
        item.appendChild(name);
        if (buffer.kind === 'server') {
          const dot = element('span', `state-dot state-${state}`);
          dot.title = t(`state.${state}`);
          item.prepend(dot);
          if (connection.nick) item.appendChild(element('span', 'buffer-nick', t('sidebar.as', { nick: connection.nick })));
        }
        if (buffer.unread > 0) {
          const badge = element('span', buffer.mentions > 0 ? 'badge badge-mention' : 'badge', String(buffer.unread));
          badge.title = buffer.mentions > 0
            ? t('sidebar.unreadMentions', { unread: buffer.unread, mentions: buffer.mentions })
            : t('sidebar.unread', { count: buffer.unread });
          item.appendChild(badge);
          item.setAttribute('aria-label', `${name.textContent}, ${badge.title}`);
        }
        totalMentions += buffer.mentions;
        totalUnread += buffer.unread;
        if (!isActive) {
          hiddenUnread += buffer.unread;
          hiddenMentions += buffer.mentions;
        }
        item.addEventListener('click', () => this.handlers.onActivate(buffer));
        row.appendChild(item);
        if (buffer.kind !== 'server') {
          const close = element('button', 'icon-button buffer-close', '✕');
          close.type = 'button';
          close.dataset.control = `${connection.id} close ${buffer.key}`;
          close.setAttribute('aria-label', t(buffer.kind === 'channel' && buffer.joined ? 'sidebar.leaveAndClose' : 'sidebar.close', { name: buffer.name }));
          close.title = close.getAttribute('aria-label');
          close.addEventListener('click', () => this.handlers.onCloseBuffer?.(buffer));
          row.appendChild(close);
        }
        group.appendChild(row);
      }
      if (state === 'connecting' || state === 'reconnecting' || state === 'disconnected') {
        const stop = element('button', 'button button-small connection-action stop-connection', t('sidebar.stop'));
        stop.type = 'button';
        stop.dataset.control = `${connection.id} stop`;
        stop.title = t('sidebar.stopTitle', { server: connection.server });
        stop.addEventListener('click', () => this.handlers.onStopConnection(connection));
        group.appendChild(stop);
      }
      if (state === 'closed') {
        const remove = element('button', 'button button-small connection-action remove-connection', t('sidebar.remove'));
        remove.type = 'button';
        remove.dataset.control = `${connection.id} remove`;
        remove.title = t('sidebar.removeTitle');
        remove.addEventListener('click', () => this.handlers.onRemoveConnection(connection));
        group.appendChild(remove);
      }
      fragment.appendChild(group);
    }
    this.nav.replaceChildren(fragment);
    if (focused) this.nav.querySelector(`[data-control="${CSS.escape(focused)}"]`)?.focus({ preventScroll: true });
    this.toggle.dataset.unread = hiddenMentions > 0 ? 'mention' : hiddenUnread > 0 ? 'unread' : '';
    this.toggle.setAttribute('aria-label', t(hiddenMentions > 0 ? 'page.showBuffersMention'
      : hiddenUnread > 0 ? 'page.showBuffersUnread' : 'page.showBuffers'));
    return { totalMentions, totalUnread };
  }
}
