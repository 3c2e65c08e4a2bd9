// The nick list (`#nicklist`): the channel's people ranked by the server's PREFIX, each a button that opens a
// private conversation; shown or hidden with "N people" and ✕, hidden by default where it would cover the log.

import { t } from './i18n.js';
import { element, nickColorClass } from './log.js';
import { isMe, sortedUsers } from './state.js';

export class NickList {
  /** `onChange()` asks for a render; `onNickClick(connection, nick)` opens a conversation. */
  constructor({ onChange, onNickClick }) {
    this.onNickClick = onNickClick;
    this.panel = document.getElementById('nicklist');
    this.list = document.getElementById('nicks');
    this.toggle = document.getElementById('toggle-nicks');
    // Where the nick list would cover the messages it starts hidden, also when the window becomes that narrow.
    const narrow = window.matchMedia('(max-width: 900px)');
    this.hidden = narrow.matches;
    narrow.addEventListener('change', () => {
      this.hidden = narrow.matches;
      onChange();
    });
    this.toggle.addEventListener('click', () => {
      this.hidden = !this.hidden;
      onChange();
    });
    document.getElementById('close-nicks').addEventListener('click', () => {
      this.hidden = true;
      onChange();
      this.toggle.focus({ preventScroll: true });
    });
  }

  /** Shows the people of `buffer` (of `connection`) when it is a channel; hides the list otherwise. */
  render(buffer, connection) {
    const isChannel = buffer?.kind === 'channel';
    this.toggle.hidden = !isChannel;
    this.panel.hidden = !isChannel || this.hidden;
    if (!isChannel) return;
    const focusedNick = this.list.contains(document.activeElement) ? document.activeElement.dataset.nick : null;
    const users = sortedUsers(connection, buffer);
    const count = t('page.peopleCount', { count: users.length });
    document.getElementById('nick-count').textContent = count;
    this.toggle.textContent = count;
    this.toggle.setAttribute('aria-expanded', String(!this.hidden));
    const fragment = document.createDocumentFragment();
    for (const user of users) {
      const entry = element('li');
      const item = element('button', 'nick-item');
      item.type = 'button';
      item.dataset.nick = user.nick;
      item.title = t('nicklist.talkPrivately', { nick: user.nick });
      item.appendChild(element('span', 'prefix', user.prefix));
      const self = isMe(connection, user.nick);
      item.appendChild(element('span', `nick ${self ? 'self-nick' : nickColorClass(user.nick)}`, user.nick));
      item.addEventListener('click', () => this.onNickClick?.(connection, user.nick));
      entry.appendChild(item);
      fragment.appendChild(entry);
    }
    this.list.replaceChildren(fragment);
    if (focusedNick) this.list.querySelector(`[data-nick="${CSS.escape(focusedNick)}"]`)?.focus({ preventScroll: true });
  }
}
