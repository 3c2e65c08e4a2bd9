// The DOM. Every piece of IRC data reaches the page through textContent or renderFormatted (text nodes),
// never through innerHTML.

import { renderFormatted } from './irc-format.js';
import { QUIET_KINDS } from './state.js';

const NICK_COLORS = 10;

/** A stable colour class for a nick, so each person keeps the same colour. */
export function nickColorClass(nick) {
  let hash = 0;
  for (const ch of nick.toLowerCase()) hash = (hash * 31 + ch.codePointAt(0)) >>> 0;
  return `nick-c${hash % NICK_COLORS}`;
}

const STATE_WORDS = {
  connecting: 'connecting',
  registering: 'registering',
  registered: 'registered',
  reconnecting: 'reconnecting',
  disconnected: 'disconnected',
  closed: 'closed',
};

/** The gateway's connection-object state in the words the status events use ("connected" means registered). */
export function displayState(state) {
  return state === 'connected' ? 'registered' : STATE_WORDS[state] ?? state;
}

const timeFormat = new Intl.DateTimeFormat(undefined, { hour: '2-digit', minute: '2-digit', hourCycle: 'h23' });
const fullTimeFormat = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'medium' });

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
  const time = element('time', 'time', timeFormat.format(line.time));
  time.dateTime = line.time.toISOString();
  time.title = fullTimeFormat.format(line.time);
  row.appendChild(time);

  const text = element('span', 'text');
  switch (line.kind) {
    case 'message':
    case 'notice':
    case 'action': {
      const nick = element('span', `nick ${nickColorClass(line.nick)}`, line.nick);
      const who = element('span', 'who');
      if (line.kind === 'message') who.append('<', nick, '>');
      else if (line.kind === 'notice') who.append('-', nick, '-');
      else who.append('* ', nick);
      row.appendChild(who);
      text.appendChild(renderFormatted(line.text));
      break;
    }
    default:
      row.appendChild(element('span', 'who marker', line.kind === 'error' ? '!' : line.kind === 'gap' ? '…' : '–'));
      text.appendChild(renderFormatted(line.text));
  }
  row.appendChild(text);
  return row;
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
    this.nicklist = this.$('nicklist');
    this.nicklistHidden = window.matchMedia('(max-width: 900px)').matches;
    model.on((what, detail) => this.onModel(what, detail));
    this.$('toggle-sidebar').addEventListener('click', () => this.setSidebarOpen(!document.body.classList.contains('sidebar-open')));
    this.$('scrim').addEventListener('click', () => this.setSidebarOpen(false));
    this.$('toggle-nicks').addEventListener('click', () => {
      this.nicklistHidden = !this.nicklistHidden;
      this.schedule('nicks');
    });
    document.addEventListener('visibilitychange', () => {
      if (!document.hidden) this.markRead();
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
  }

  /** Shows `buffer`; `auto` when the client chose it rather than the user. */
  activate(buffer, { auto = false } = {}) {
    if (!buffer) {
      this.active = null;
    } else {
      this.active = { connectionId: buffer.connection.id, key: buffer.key };
      buffer.connection.activeKey = buffer.key;
      this.handlers.onActivate?.(buffer, auto);
    }
    this.setSidebarOpen(false);
    this.markRead();
    this.renderMessages();
    this.schedule('sidebar', 'header', 'nicks', 'input');
  }

  markRead() {
    const buffer = this.activeBuffer;
    if (!buffer || document.hidden || (buffer.unread === 0 && buffer.mentions === 0)) return;
    buffer.unread = 0;
    buffer.mentions = 0;
    this.schedule('sidebar');
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
        if (detail.buffer === active) this.schedule('nicks', 'header');
        break;
      case 'topic':
        if (detail.buffer === active) this.schedule('header');
        break;
      case 'state':
        this.schedule('sidebar', 'header', 'input');
        break;
      case 'buffers':
      case 'connections':
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
    this.handlers.onRendered?.();
  }

  isScrolledToBottom() {
    const m = this.messages;
    return m.scrollHeight - m.scrollTop - m.clientHeight < 40;
  }

  appendLines() {
    const stick = this.isScrolledToBottom();
    const fragment = document.createDocumentFragment();
    for (const line of this.pendingLines) fragment.appendChild(renderLine(line));
    this.pendingLines = [];
    this.messages.appendChild(fragment);
    const buffer = this.activeBuffer;
    const excess = this.messages.childElementCount - (buffer ? buffer.lines.length : 0);
    for (let i = 0; i < excess; i++) this.messages.firstElementChild?.remove();
    if (stick) this.messages.scrollTop = this.messages.scrollHeight;
  }

  renderMessages() {
    this.pendingLines = [];
    const buffer = this.activeBuffer;
    const fragment = document.createDocumentFragment();
    if (buffer) for (const line of buffer.lines) fragment.appendChild(renderLine(line));
    else fragment.appendChild(element('p', 'empty', 'Not connected. Use “New connection” to connect to an IRC server.'));
    this.messages.replaceChildren(fragment);
    this.messages.scrollTop = this.messages.scrollHeight;
  }

  renderSidebar() {
    const nav = this.$('connections');
    const fragment = document.createDocumentFragment();
    let totalMentions = 0;
    let totalUnread = 0;
    for (const connection of this.model.connections.values()) {
      const group = element('div', 'conn');
      group.dataset.connection = connection.id;
      const state = displayState(connection.state);
      group.dataset.state = state;
      const buffers = [...connection.buffers.values()];
      const sorted = [buffers[0], ...buffers.slice(1).sort((a, b) =>
        (a.kind === b.kind ? 0 : a.kind === 'channel' ? -1 : 1) || a.key.localeCompare(b.key))];
      for (const buffer of sorted) {
        const item = element('button', `buffer buffer-${buffer.kind}`);
        item.type = 'button';
        item.dataset.buffer = buffer.kind === 'server' ? '' : buffer.name;
        item.dataset.kind = buffer.kind;
        const isActive = this.activeBuffer === buffer;
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
        if (buffer.mentions > 0) item.appendChild(element('span', 'badge badge-mention', String(buffer.mentions)));
        else if (buffer.unread > 0) item.appendChild(element('span', 'badge', String(buffer.unread)));
        totalMentions += buffer.mentions;
        totalUnread += buffer.unread;
        item.addEventListener('click', () => this.activate(buffer));
        group.appendChild(item);
      }
      if (state === 'closed') {
        const remove = element('button', 'button button-quiet remove-connection', 'Remove');
        remove.type = 'button';
        remove.addEventListener('click', () => this.handlers.onRemoveConnection(connection));
        group.appendChild(remove);
      }
      fragment.appendChild(group);
    }
    nav.replaceChildren(fragment);
    document.title = totalMentions > 0 ? `(${totalMentions}) IrcStream` : totalUnread > 0 ? `• IrcStream` : 'IrcStream';
  }

  renderHeader() {
    const buffer = this.activeBuffer;
    const title = this.$('buffer-title');
    const topic = this.$('buffer-topic');
    const badge = this.$('connection-state');
    if (!buffer) {
      title.textContent = 'IrcStream';
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
    const users = buffer.sortedUsers();
    const count = `${users.length} ${users.length === 1 ? 'person' : 'people'}`;
    this.$('nick-count').textContent = count;
    this.$('toggle-nicks').textContent = count;
    this.$('toggle-nicks').setAttribute('aria-expanded', String(!this.nicklistHidden));
    const fragment = document.createDocumentFragment();
    for (const user of users) {
      const item = element('li', 'nick-item');
      item.dataset.nick = user.nick;
      item.appendChild(element('span', 'prefix', user.prefix));
      item.appendChild(element('span', `nick ${nickColorClass(user.nick)}`, user.nick));
      item.addEventListener('click', () => this.handlers.onNickClick?.(buffer.connection, user.nick));
      fragment.appendChild(item);
    }
    this.$('nicks').replaceChildren(fragment);
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
