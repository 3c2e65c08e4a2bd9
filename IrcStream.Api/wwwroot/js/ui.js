// The DOM. Every piece of IRC data reaches the page through textContent or renderFormatted (text nodes),
// never through innerHTML.

import { renderFormatted, stripFormatting } from './irc-format.js';
import { QUIET_KINDS } from './state.js';

const NICK_COLORS = 10;

/** A stable colour class for a nick, so each person keeps the same colour. */
export function nickColorClass(nick) {
  let hash = 0;
  for (const ch of nick.toLowerCase()) hash = (hash * 31 + ch.codePointAt(0)) >>> 0;
  return `nick-c${hash % NICK_COLORS}`;
}

/**
 * The word shown for a connection's state, as a person says it: the socket being up while IRC registration runs
 * is still "connecting" ("registered" reads as "has an account" to a newcomer).
 */
export function displayState(state) {
  return state === 'registering' ? 'connecting' : state;
}

/** The name the page goes by: the operator's network name, else IrcStream. */
let appName = 'IrcStream';

/** One paragraph per line of an operator's plain text, addresses made links (never HTML). */
function plainParagraphs(text) {
  return text.split(/\r?\n/).filter((line) => line.trim()).map((line) => {
    const paragraph = document.createElement('p');
    paragraph.appendChild(renderFormatted(line));
    return paragraph;
  });
}

/**
 * The operator's branding (IrcStream:WebClient, from GET /api/config): name, logo, accent colour, greeting and
 * rules. Unset, the page stays as it is. Text is text: it goes through text nodes and the link finder only.
 */
export function applyBranding(config) {
  const $ = (id) => document.getElementById(id);
  if (config.networkName) {
    appName = config.networkName;
    $('brand-name').textContent = config.networkName;
    $('connect-heading').textContent = `Chat on ${config.networkName}`;
    document.title = config.networkName;
  }
  if (config.logoUrl) {
    const logo = $('brand-logo');
    logo.src = config.logoUrl;
    logo.hidden = false;
    $('brand-mark').hidden = true;
  }
  // Through the CSSOM, which the Content-Security-Policy allows (a style attribute it would not).
  if (config.accentColor) document.documentElement.style.setProperty('--accent', config.accentColor);
  if (config.greeting) {
    $('connect-greeting').replaceChildren(...plainParagraphs(config.greeting));
    $('connect-greeting').hidden = false;
  }
  if (config.rules) {
    $('connect-rules-text').replaceChildren(...plainParagraphs(config.rules));
    $('connect-rules').hidden = false;
  }
}

const timeFormat = new Intl.DateTimeFormat(undefined, { hour: '2-digit', minute: '2-digit', hourCycle: 'h23' });
const fullTimeFormat = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'medium' });
const dayFormat = new Intl.DateTimeFormat(undefined, { weekday: 'long', day: 'numeric', month: 'long', year: 'numeric' });

/** How far from the bottom (px) still counts as "at the bottom" when the reader scrolls. */
const BOTTOM_SLACK = 4;

function dayKey(date) {
  return `${date.getFullYear()}-${date.getMonth()}-${date.getDate()}`;
}

/** "Today", "Yesterday" or the date, for the separator above a day's first line. */
export function dayLabel(date, now = new Date()) {
  if (dayKey(date) === dayKey(now)) return 'Today';
  const yesterday = new Date(now.getFullYear(), now.getMonth(), now.getDate() - 1);
  if (dayKey(date) === dayKey(yesterday)) return 'Yesterday';
  return dayFormat.format(date);
}

/** "12 seconds", "3 minutes", "2 hours 5 minutes", "4 days". */
export function formatDuration(totalSeconds) {
  const seconds = Math.max(0, Math.floor(totalSeconds));
  const unit = (n, word) => `${n} ${word}${n === 1 ? '' : 's'}`;
  if (seconds < 60) return unit(seconds, 'second');
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return unit(minutes, 'minute');
  const hours = Math.floor(minutes / 60);
  if (hours < 24) return minutes % 60 ? `${unit(hours, 'hour')} ${unit(minutes % 60, 'minute')}` : unit(hours, 'hour');
  const days = Math.floor(hours / 24);
  return hours % 24 ? `${unit(days, 'day')} ${unit(hours % 24, 'hour')}` : unit(days, 'day');
}

function element(tag, className, text) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined) node.textContent = text;
  return node;
}

/** One buffer line as DOM. */
export function renderLine(line) {
  const row = element('div', `line kind-${line.kind}`);
  if (QUIET_KINDS.has(line.kind)) row.classList.add('quiet');
  if (line.self) row.classList.add('self');
  if (line.highlight) row.classList.add('highlight');
  if (line.folded) row.classList.add('folded');
  const time = element('time', 'time', timeFormat.format(line.time));
  time.dateTime = line.time.toISOString();
  time.title = fullTimeFormat.format(line.time);
  row.appendChild(time);

  const text = element('span', 'text');
  switch (line.kind) {
    case 'message':
    case 'notice':
    case 'action': {
      const nick = element('span', `nick ${line.self ? 'self-nick' : nickColorClass(line.nick)}`, line.nick);
      const who = element('span', 'who');
      if (line.kind === 'message') who.append('<', nick, '>');
      else if (line.kind === 'notice') who.append('-', nick, '-');
      else who.append('* ', nick);
      row.appendChild(who);
      text.appendChild(renderFormatted(line.text));
      break;
    }
    case 'whois':
      row.appendChild(element('span', 'who marker', '–'));
      text.appendChild(renderWhois(line.whois));
      break;
    default:
      row.appendChild(element('span', 'who marker', line.kind === 'error' ? '!' : line.kind === 'gap' ? '…' : '–'));
      text.appendChild(renderFormatted(line.text));
  }
  row.appendChild(text);
  return row;
}

/** A WHOIS answer as a card: one row per thing the server told. */
export function renderWhois(card) {
  const box = element('div', 'whois-card');
  box.appendChild(element('div', 'whois-title', card.nick));
  const list = element('dl', 'whois-list');
  const row = (label, value) => {
    if (value === undefined || value === null || value === '') return;
    list.append(element('dt', '', label), element('dd', '', value));
  };
  row('Address', card.user ? `${card.user}@${card.host}` : '');
  row('Real name', card.realname ? stripFormatting(card.realname) : '');
  row('Account', card.account);
  row('Channels', card.channels?.join(' '));
  row('Server', card.server ? (card.serverInfo ? `${card.server} (${card.serverInfo})` : card.server) : '');
  row('Idle', Number.isFinite(card.idleSeconds) ? formatDuration(card.idleSeconds) : '');
  row('Signed on', card.signon && !Number.isNaN(card.signon.getTime()) ? fullTimeFormat.format(card.signon) : '');
  row('Away', card.away ? stripFormatting(card.away) : '');
  row('Operator', card.operator ? stripFormatting(card.operator) : '');
  row('Connection', card.secure ? 'secure (TLS)' : '');
  for (const extra of card.extra ?? []) row('Also', stripFormatting(extra));
  box.appendChild(list);
  return box;
}

/** The page: sidebar of connections and buffers, the active buffer's lines, its nick list, the input. */
export class View {
  constructor(model, handlers) {
    this.model = model;
    this.handlers = handlers;
    /** { connectionId, key } of the buffer on screen */
    this.active = null;
    this.dirty = new Set();
    this.pendingLines = [];
    this.frame = 0;
    this.$ = (id) => document.getElementById(id);
    this.messages = this.$('messages');
    this.log = this.$('log');
    this.nicklist = this.$('nicklist');
    // Where the nick list would cover the messages it starts hidden, also when the window becomes that narrow.
    const narrow = window.matchMedia('(max-width: 900px)');
    this.nicklistHidden = narrow.matches;
    narrow.addEventListener('change', () => {
      this.nicklistHidden = narrow.matches;
      this.schedule('nicks');
    });
    /** True while the reader is at the bottom: new lines and layout changes keep the newest line in view. */
    this.stick = true;
    this.lastScrollTop = 0;
    /** Lines rendered in the log, the day of the last one, and whether the "new messages" divider is placed. */
    this.renderedLines = 0;
    this.lastDay = '';
    this.dividerPlaced = false;
    model.on((what, detail) => this.onModel(what, detail));
    this.$('toggle-sidebar').addEventListener('click', () => this.setSidebarOpen(!document.body.classList.contains('sidebar-open')));
    this.$('scrim').addEventListener('click', () => this.setSidebarOpen(false));
    this.$('toggle-nicks').addEventListener('click', () => {
      this.nicklistHidden = !this.nicklistHidden;
      this.schedule('nicks');
    });
    this.$('close-nicks').addEventListener('click', () => {
      this.nicklistHidden = true;
      this.schedule('nicks');
      this.$('toggle-nicks').focus({ preventScroll: true });
    });
    this.$('jump-to-bottom').addEventListener('click', () => {
      this.stick = true;
      this.scrollToBottom();
    });
    this.$('leave-channel').addEventListener('click', () => {
      const buffer = this.activeBuffer;
      if (buffer?.kind === 'channel') this.handlers.onLeave?.(buffer);
    });
    this.$('register-nick').addEventListener('click', () => {
      if (this.activeBuffer) this.handlers.onRegister?.(this.activeBuffer.connection);
    });
    this.$('copy-link').addEventListener('click', () => {
      const buffer = this.activeBuffer;
      if (buffer?.kind === 'channel') this.handlers.onCopyLink?.(buffer);
    });
    this.messages.addEventListener('scroll', () => this.onScroll(), { passive: true });
    // Whatever changes the log's size (the nick list appearing, a wrapped line, a resize, fonts loading)
    // keeps the newest line in view while the reader is at the bottom.
    const follow = new ResizeObserver(() => {
      if (this.stick) this.scrollToBottom();
    });
    follow.observe(this.messages);
    follow.observe(this.log);
    document.fonts?.addEventListener?.('loadingdone', () => {
      if (this.stick) this.scrollToBottom();
    });
    document.addEventListener('visibilitychange', () => {
      if (document.hidden) return;
      const buffer = this.activeBuffer;
      // Coming back to the page: lines that came while it was hidden get the divider above them.
      if (buffer && buffer.unread > 0) {
        this.placeDivider(buffer);
        this.renderMessages();
      }
      this.markRead();
    });
  }

  get activeBuffer() {
    if (!this.active) return null;
    const connection = this.model.connections.get(this.active.connectionId);
    return connection?.buffers.get(this.active.key) ?? null;
  }

  /** Where to go when the buffer on screen goes away: its connection's server buffer, else the first one. */
  fallbackBuffer() {
    const same = this.active && this.model.connections.get(this.active.connectionId);
    if (same) return same.serverBuffer;
    const first = this.model.connections.values().next().value;
    return first ? first.serverBuffer : null;
  }

  setSidebarOpen(open) {
    document.body.classList.toggle('sidebar-open', open);
    this.$('scrim').hidden = !open;
    this.$('toggle-sidebar').setAttribute('aria-expanded', String(open));
  }

  /** Shows `buffer`; `auto` when the client chose it rather than the user. */
  activate(buffer, { auto = false } = {}) {
    if (!buffer) {
      this.active = null;
    } else {
      if (this.activeBuffer !== buffer) this.placeDivider(buffer);
      this.active = { connectionId: buffer.connection.id, key: buffer.key };
      buffer.connection.activeKey = buffer.key;
      this.handlers.onActivate?.(buffer, auto);
    }
    this.setSidebarOpen(false);
    this.markRead();
    this.stick = true;
    this.renderMessages();
    this.schedule('sidebar', 'header', 'nicks', 'input');
  }

  /** Remembers where the user left `buffer`: the divider goes above the first line after it that has arrived so far. */
  placeDivider(buffer) {
    buffer.dividerSeq = buffer.readSeq;
    buffer.dividerUntil = Math.max(buffer.connection.lastSeq, buffer.connection.historySeq);
  }

  markRead() {
    const buffer = this.activeBuffer;
    if (!buffer || document.hidden) return;
    if (buffer.connection.markRead(buffer)) this.schedule('sidebar');
  }

  onModel(what, detail) {
    const active = this.activeBuffer;
    switch (what) {
      case 'line':
        if (detail.buffer === active) this.pendingLines.push(detail.line);
        this.schedule();
        break;
      case 'unread':
        if (detail.buffer === active) this.markRead();
        this.schedule('sidebar');
        break;
      case 'users':
      case 'joined':
        if (detail.buffer === active) this.schedule('nicks', 'header');
        this.schedule('sidebar');
        break;
      case 'topic':
        if (detail.buffer === active) this.schedule('header');
        break;
      case 'state':
        this.schedule('sidebar', 'header', 'input', 'nicks');
        break;
      case 'buffers':
      case 'connections':
      case 'read':
        if (active === null && this.active) this.activate(this.fallbackBuffer(), { auto: true });
        this.schedule('sidebar', 'header', 'nicks', 'input');
        break;
      default:
        break;
    }
  }

  /** Coalesces DOM work into one animation frame, so a replay of a thousand events renders once. */
  schedule(...parts) {
    for (const part of parts) this.dirty.add(part);
    if (this.frame) return;
    const run = () => {
      this.frame = 0;
      this.flush();
    };
    // requestAnimationFrame does not run in a hidden tab; a timeout keeps a background tab up to date.
    this.frame = document.hidden ? setTimeout(run, 50) : requestAnimationFrame(run);
  }

  flush() {
    const parts = this.dirty;
    this.dirty = new Set();
    if (this.pendingLines.length > 0) this.appendLines();
    if (parts.has('sidebar')) this.renderSidebar();
    if (parts.has('header')) this.renderHeader();
    if (parts.has('nicks')) this.renderNicks();
    if (parts.has('input')) this.renderInput();
    if (this.stick) this.scrollToBottom();
    this.handlers.onRendered?.();
  }

  scrollToBottom() {
    const m = this.messages;
    m.scrollTop = m.scrollHeight;
    this.lastScrollTop = m.scrollTop;
    this.$('jump-to-bottom').hidden = true;
  }

  distanceFromBottom() {
    const m = this.messages;
    return m.scrollHeight - m.scrollTop - m.clientHeight;
  }

  /** Only the reader moving up lets go of the bottom; layout changes and our own scrolling never do. */
  onScroll() {
    const top = this.messages.scrollTop;
    if (this.distanceFromBottom() <= BOTTOM_SLACK) {
      this.stick = true;
      this.$('jump-to-bottom').hidden = true;
    } else if (top < this.lastScrollTop - 1) {
      this.stick = false;
    }
    this.lastScrollTop = top;
  }

  /** Appends `lines` to `fragment` with a day separator where the day changes and the "new messages" divider. */
  renderInto(fragment, lines, buffer) {
    for (const line of lines) {
      const day = dayKey(line.time);
      if (day !== this.lastDay) {
        const separator = element('div', 'day-separator');
        separator.setAttribute('role', 'separator');
        separator.appendChild(element('span', '', dayLabel(line.time)));
        fragment.appendChild(separator);
        this.lastDay = day;
      }
      if (!this.dividerPlaced && buffer?.dividerSeq !== null && buffer?.dividerSeq !== undefined
          && line.counted && line.seq > buffer.dividerSeq && line.seq <= buffer.dividerUntil) {
        const divider = element('div', 'unread-divider');
        divider.setAttribute('role', 'separator');
        divider.appendChild(element('span', '', 'New messages'));
        fragment.appendChild(divider);
        this.dividerPlaced = true;
      }
      // A run of folded sign-on lines starts with the button that shows them.
      if (line.folded && !this.lastFolded) fragment.appendChild(this.foldToggle());
      this.lastFolded = Boolean(line.folded);
      fragment.appendChild(renderLine(line));
      this.renderedLines += 1;
    }
  }

  foldToggle() {
    const toggle = element('button', 'fold-toggle', this.log.classList.contains('show-folded') ? 'Hide the server’s sign-on details' : 'Show the server’s sign-on details');
    toggle.type = 'button';
    toggle.setAttribute('aria-expanded', String(this.log.classList.contains('show-folded')));
    toggle.addEventListener('click', () => {
      const shown = this.log.classList.toggle('show-folded');
      for (const node of this.log.querySelectorAll('.fold-toggle')) {
        node.textContent = shown ? 'Hide the server’s sign-on details' : 'Show the server’s sign-on details';
        node.setAttribute('aria-expanded', String(shown));
      }
      if (this.stick) this.scrollToBottom();
    });
    return toggle;
  }

  appendLines() {
    const buffer = this.activeBuffer;
    const fragment = document.createDocumentFragment();
    const lines = this.pendingLines;
    this.pendingLines = [];
    this.renderInto(fragment, lines, buffer);
    this.log.appendChild(fragment);
    let excess = this.renderedLines - (buffer ? buffer.lines.length : 0);
    while (excess > 0 && this.log.firstElementChild) {
      if (this.log.firstElementChild.classList.contains('line')) {
        excess -= 1;
        this.renderedLines -= 1;
      }
      this.log.firstElementChild.remove();
    }
    if (this.stick) this.scrollToBottom();
    else if (lines.some((line) => !QUIET_KINDS.has(line.kind))) this.$('jump-to-bottom').hidden = false;
  }

  renderMessages() {
    this.pendingLines = [];
    this.renderedLines = 0;
    this.lastDay = '';
    this.lastFolded = false;
    this.dividerPlaced = false;
    const buffer = this.activeBuffer;
    const fragment = document.createDocumentFragment();
    if (buffer) this.renderInto(fragment, buffer.lines, buffer);
    else fragment.appendChild(element('p', 'empty', 'Not connected. Use “New connection” to connect to an IRC server.'));
    // A whole buffer at once is not news: screen readers should not read it out line by line.
    this.log.setAttribute('aria-busy', 'true');
    this.log.replaceChildren(fragment);
    requestAnimationFrame(() => this.log.removeAttribute('aria-busy'));
    this.scrollToBottom();
  }

  /** Which sidebar control has the keyboard focus, so a rebuild can give it back. */
  focusedControl() {
    const node = document.activeElement;
    if (!node || !this.$('connections').contains(node)) return null;
    return node.dataset.control ?? null;
  }

  renderSidebar() {
    const nav = this.$('connections');
    const focused = this.focusedControl();
    const fragment = document.createDocumentFragment();
    let totalMentions = 0;
    let totalUnread = 0;
    let hiddenUnread = 0;
    let hiddenMentions = 0;
    const active = this.activeBuffer;
    for (const connection of this.model.connections.values()) {
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
        const isActive = active === buffer;
        if (isActive) {
          item.classList.add('active');
          item.setAttribute('aria-current', 'true');
        }
        if (buffer.kind === 'channel' && !buffer.joined) item.classList.add('parted');
        const name = element('span', 'buffer-name', buffer.kind === 'server' ? connection.label : buffer.name);
        item.appendChild(name);
        if (buffer.kind === 'server') {
          const dot = element('span', `state-dot state-${state}`);
          dot.title = state;
          item.prepend(dot);
          if (connection.nick) item.appendChild(element('span', 'buffer-nick', `as ${connection.nick}`));
        }
        if (buffer.unread > 0) {
          const badge = element('span', buffer.mentions > 0 ? 'badge badge-mention' : 'badge', String(buffer.unread));
          badge.title = buffer.mentions > 0
            ? `${buffer.unread} unread, ${buffer.mentions} mentioning you`
            : `${buffer.unread} unread`;
          item.appendChild(badge);
          item.setAttribute('aria-label', `${name.textContent}, ${badge.title}`);
        }
        totalMentions += buffer.mentions;
        totalUnread += buffer.unread;
        if (!isActive) {
          hiddenUnread += buffer.unread;
          hiddenMentions += buffer.mentions;
        }
        item.addEventListener('click', () => this.activate(buffer));
        row.appendChild(item);
        if (buffer.kind !== 'server') {
          const close = element('button', 'icon-button buffer-close', '✕');
          close.type = 'button';
          close.dataset.control = `${connection.id} close ${buffer.key}`;
          close.setAttribute('aria-label', buffer.kind === 'channel' && buffer.joined ? `Leave and close ${buffer.name}` : `Close ${buffer.name}`);
          close.title = close.getAttribute('aria-label');
          close.addEventListener('click', () => this.handlers.onCloseBuffer?.(buffer));
          row.appendChild(close);
        }
        group.appendChild(row);
      }
      if (state === 'connecting' || state === 'reconnecting' || state === 'disconnected') {
        const stop = element('button', 'button button-small connection-action stop-connection', 'Stop trying');
        stop.type = 'button';
        stop.dataset.control = `${connection.id} stop`;
        stop.title = `Stop connecting to ${connection.server} and close this connection`;
        stop.addEventListener('click', () => this.handlers.onStopConnection(connection));
        group.appendChild(stop);
      }
      if (state === 'closed') {
        const remove = element('button', 'button button-small connection-action remove-connection', 'Remove');
        remove.type = 'button';
        remove.dataset.control = `${connection.id} remove`;
        remove.title = 'Remove this closed connection and its buffers';
        remove.addEventListener('click', () => this.handlers.onRemoveConnection(connection));
        group.appendChild(remove);
      }
      fragment.appendChild(group);
    }
    nav.replaceChildren(fragment);
    if (focused) nav.querySelector(`[data-control="${CSS.escape(focused)}"]`)?.focus({ preventScroll: true });
    document.title = totalMentions > 0 ? `(${totalMentions}) ${appName}` : totalUnread > 0 ? `• ${appName}` : appName;
    const toggle = this.$('toggle-sidebar');
    toggle.dataset.unread = hiddenMentions > 0 ? 'mention' : hiddenUnread > 0 ? 'unread' : '';
    toggle.setAttribute('aria-label', hiddenMentions > 0 ? 'Show buffers (someone mentioned you)'
      : hiddenUnread > 0 ? 'Show buffers (unread messages)' : 'Show buffers');
  }

  renderHeader() {
    const buffer = this.activeBuffer;
    const title = this.$('buffer-title');
    const topic = this.$('buffer-topic');
    const badge = this.$('connection-state');
    const leave = this.$('leave-channel');
    leave.hidden = !(buffer?.kind === 'channel' && buffer.joined);
    this.$('copy-link').hidden = buffer?.kind !== 'channel';
    this.$('register-nick').hidden = !(buffer && this.handlers.canRegister?.(buffer.connection));
    if (!buffer) {
      title.textContent = appName;
      topic.replaceChildren();
      badge.textContent = '';
      badge.dataset.state = '';
      this.$('transport-state').hidden = true;
      return;
    }
    const connection = buffer.connection;
    title.textContent = buffer.kind === 'server' ? connection.label : buffer.name;
    if (buffer.kind === 'channel') topic.replaceChildren(renderFormatted(buffer.topic || (buffer.joined ? 'No topic' : 'Not in this channel')));
    else if (buffer.kind === 'query') topic.replaceChildren(document.createTextNode('Private conversation'));
    else topic.replaceChildren(document.createTextNode(`${connection.server}${connection.tls ? ' (TLS)' : ''} as ${connection.nick || '…'}`));
    const state = displayState(connection.state);
    badge.textContent = state;
    badge.dataset.state = state;
    badge.title = connection.statusDetail || state;
    const transport = this.$('transport-state');
    transport.textContent = connection.transport === 'poll' ? 'polling' : connection.transport === 'retrying' ? 'reconnecting to the gateway…' : '';
    transport.hidden = !transport.textContent;
    badge.dataset.transport = connection.transport;
  }

  renderNicks() {
    const buffer = this.activeBuffer;
    const isChannel = buffer?.kind === 'channel';
    this.$('toggle-nicks').hidden = !isChannel;
    this.nicklist.hidden = !isChannel || this.nicklistHidden;
    if (!isChannel) return;
    const focusedNick = this.$('nicks').contains(document.activeElement) ? document.activeElement.dataset.nick : null;
    const users = buffer.sortedUsers();
    const count = `${users.length} ${users.length === 1 ? 'person' : 'people'}`;
    this.$('nick-count').textContent = count;
    this.$('toggle-nicks').textContent = count;
    this.$('toggle-nicks').setAttribute('aria-expanded', String(!this.nicklistHidden));
    const fragment = document.createDocumentFragment();
    for (const user of users) {
      const entry = element('li');
      const item = element('button', 'nick-item');
      item.type = 'button';
      item.dataset.nick = user.nick;
      item.title = `Talk privately with ${user.nick}`;
      item.appendChild(element('span', 'prefix', user.prefix));
      const isMe = buffer.connection.isMe(user.nick);
      item.appendChild(element('span', `nick ${isMe ? 'self-nick' : nickColorClass(user.nick)}`, user.nick));
      item.addEventListener('click', () => this.handlers.onNickClick?.(buffer.connection, user.nick));
      entry.appendChild(item);
      fragment.appendChild(entry);
    }
    this.$('nicks').replaceChildren(fragment);
    if (focusedNick) this.$('nicks').querySelector(`[data-nick="${CSS.escape(focusedNick)}"]`)?.focus({ preventScroll: true });
  }

  renderInput() {
    const buffer = this.activeBuffer;
    const input = this.$('input');
    const usable = Boolean(buffer) && buffer.connection.state !== 'closed';
    input.disabled = !usable;
    this.$('send').disabled = !usable;
    this.$('input-nick').textContent = buffer ? buffer.connection.nick : '';
    input.placeholder = !buffer ? 'Connect to a server first'
      : buffer.kind === 'server' ? 'Commands: /join #channel, /msg nick text, /help'
        : `Message ${buffer.name}`;
  }
}
