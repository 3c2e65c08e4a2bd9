// The page: the View puts the buffer on screen and coalesces rendering into animation frames; the sidebar
// (sidebar.js), the log (log.js) and the nick list (nicklist.js) draw their parts, the View the header and the
// input line. Every piece of IRC data reaches the page through textContent or renderFormatted (text nodes),
// never through innerHTML.

import { t } from './i18n.js';
import { renderFormatted } from './irc-format.js';
import { label, serverBuffer } from './state.js';
import { Log } from './log.js';
import { NickList } from './nicklist.js';
import { Sidebar, displayState } from './sidebar.js';

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
    $('connect-heading').textContent = t('page.chatOn', { network: config.networkName });
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

/** The page: sidebar of connections and buffers, the active buffer's lines, its nick list, the input. */
export class View {
  /** `store` holds the model's state (app.js); `handlers` are what the page's controls make happen. */
  constructor(store, handlers) {
    this.store = store;
    this.handlers = handlers;
    /** { connectionId, key } of the buffer on screen */
    this.active = null;
    /** "connectionId key" -> { seq, until }: the "new messages" divider goes above the first line after `seq` up to `until`. */
    this.dividers = new Map();
    this.dirty = new Set();
    this.frame = 0;
    this.$ = (id) => document.getElementById(id);
    this.log = new Log();
    this.sidebar = new Sidebar({
      onActivate: (buffer) => this.activate(buffer),
      onCloseBuffer: (buffer) => handlers.onCloseBuffer?.(buffer),
      onStopConnection: (connection) => handlers.onStopConnection(connection),
      onRemoveConnection: (connection) => handlers.onRemoveConnection(connection),
    });
    this.nicks = new NickList({ onChange: () => this.schedule('nicks'), onNickClick: handlers.onNickClick });
    store.on((change) => this.onChange(change));
    this.$('leave-channel').addEventListener('click', () => {
      const buffer = this.activeBuffer;
      if (buffer?.kind === 'channel') this.handlers.onLeave?.(buffer);
    });
    this.$('register-nick').addEventListener('click', () => {
      const buffer = this.activeBuffer;
      if (buffer) this.handlers.onRegister?.(this.store.connections.get(buffer.connectionId));
    });
    this.$('copy-link').addEventListener('click', () => {
      const buffer = this.activeBuffer;
      if (buffer?.kind === 'channel') this.handlers.onCopyLink?.(buffer);
    });
    document.addEventListener('visibilitychange', () => {
      if (document.hidden) return;
      const buffer = this.activeBuffer;
      // Coming back to the page: lines that came while it was hidden get the divider above them.
      if (buffer && buffer.unread > 0) {
        this.placeDivider(buffer);
        this.log.render(buffer, this.dividerOf(buffer));
      }
      this.markRead();
    });
  }

  get activeBuffer() {
    if (!this.active) return null;
    const connection = this.store.connections.get(this.active.connectionId);
    return connection?.buffers.get(this.active.key) ?? null;
  }

  isActive(connectionId, key) {
    return this.active !== null && this.active.connectionId === connectionId && this.active.key === key;
  }

  /** Where to go when the buffer on screen goes away: its connection's server buffer, else the first one. */
  fallbackBuffer() {
    const same = this.active && this.store.connections.get(this.active.connectionId);
    if (same) return serverBuffer(same);
    const first = this.store.connections.values().next().value;
    return first ? serverBuffer(first) : null;
  }

  /** Shows `buffer`; `auto` when the client chose it rather than the user. */
  activate(buffer, { auto = false } = {}) {
    if (!buffer) {
      this.active = null;
    } else {
      if (!this.isActive(buffer.connectionId, buffer.key)) this.placeDivider(buffer);
      this.active = { connectionId: buffer.connectionId, key: buffer.key };
      this.store.act({ type: 'active', connectionId: buffer.connectionId, key: buffer.key });
      this.handlers.onActivate?.(buffer, auto);
    }
    this.sidebar.setOpen(false);
    this.markRead();
    this.log.stick = true;
    this.log.render(this.activeBuffer, this.dividerOf(this.activeBuffer));
    this.schedule('sidebar', 'header', 'nicks', 'input');
  }

  /** Remembers where the user left `buffer`: the divider goes above the first line after it that has arrived so far. */
  placeDivider(buffer) {
    const connection = this.store.connections.get(buffer.connectionId);
    this.dividers.set(`${buffer.connectionId} ${buffer.key}`, { seq: buffer.readSeq, until: Math.max(connection.lastSeq, connection.historySeq) });
  }

  dividerOf(buffer) {
    return buffer ? this.dividers.get(`${buffer.connectionId} ${buffer.key}`) ?? null : null;
  }

  markRead() {
    const buffer = this.activeBuffer;
    if (!buffer || document.hidden) return;
    this.store.act({ type: 'read', connectionId: buffer.connectionId, key: buffer.key });
  }

  /** One change the model made (state.js): what of the page it concerns is drawn with the next frame. */
  onChange(change) {
    const onScreen = this.isActive(change.connectionId, change.key);
    switch (change.what) {
      case 'line':
        if (onScreen) this.log.queue(change.line);
        this.schedule();
        break;
      case 'unread':
        if (onScreen) this.markRead();
        this.schedule('sidebar');
        break;
      case 'users':
      case 'joined':
        if (onScreen) this.schedule('nicks', 'header');
        this.schedule('sidebar');
        break;
      case 'topic':
        if (onScreen) this.schedule('header');
        break;
      case 'state':
        this.schedule('sidebar', 'header', 'input', 'nicks');
        break;
      case 'buffers':
      case 'connections':
      case 'read':
        if (this.active && this.activeBuffer === null) this.activate(this.fallbackBuffer(), { auto: true });
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
    if (this.log.hasPending) this.log.appendLines(this.activeBuffer, this.dividerOf(this.activeBuffer));
    if (parts.has('sidebar')) this.renderTitle(this.sidebar.render(this.store.connections.values(), this.active));
    if (parts.has('header')) this.renderHeader();
    if (parts.has('nicks')) this.nicks.render(this.activeBuffer, this.active && this.store.connections.get(this.active.connectionId));
    if (parts.has('input')) this.renderInput();
    if (this.log.stick) this.log.scrollToBottom();
    this.handlers.onRendered?.();
  }

  /** The page title: the number of mentions, or • when there are only unread messages. */
  renderTitle({ totalMentions, totalUnread }) {
    document.title = totalMentions > 0 ? `(${totalMentions}) ${appName}` : totalUnread > 0 ? `• ${appName}` : appName;
  }

  renderHeader() {
    const buffer = this.activeBuffer;
    const title = this.$('buffer-title');
    const topic = this.$('buffer-topic');
    const badge = this.$('connection-state');
    const leave = this.$('leave-channel');
    leave.hidden = !(buffer?.kind === 'channel' && buffer.joined);
    this.$('copy-link').hidden = buffer?.kind !== 'channel';
    this.$('register-nick').hidden = !(buffer && this.handlers.canRegister?.(this.store.connections.get(buffer.connectionId)));
    if (!buffer) {
      title.textContent = appName;
      topic.replaceChildren();
      badge.textContent = '';
      badge.dataset.state = '';
      this.$('transport-state').hidden = true;
      return;
    }
    const connection = this.store.connections.get(buffer.connectionId);
    title.textContent = buffer.kind === 'server' ? label(connection) : buffer.name;
    if (buffer.kind === 'channel') topic.replaceChildren(renderFormatted(buffer.topic || t(buffer.joined ? 'page.noTopic' : 'page.notInChannel')));
    else if (buffer.kind === 'query') topic.replaceChildren(document.createTextNode(t('page.privateConversation')));
    else topic.replaceChildren(document.createTextNode(t('page.serverAs', { server: connection.server, tls: connection.tls ? t('page.tlsSuffix') : '', nick: connection.nick || '…' })));
    const state = displayState(connection.state);
    badge.textContent = t(`state.${state}`);
    badge.dataset.state = state;
    badge.title = connection.statusDetail || badge.textContent;
    const transport = this.$('transport-state');
    transport.textContent = connection.transport === 'poll' ? t('page.polling') : connection.transport === 'retrying' ? t('page.retrying') : '';
    transport.hidden = !transport.textContent;
    badge.dataset.transport = connection.transport;
  }

  renderInput() {
    const buffer = this.activeBuffer;
    const input = this.$('input');
    const connection = buffer ? this.store.connections.get(buffer.connectionId) : null;
    const usable = Boolean(connection) && connection.state !== 'closed';
    input.disabled = !usable;
    this.$('send').disabled = !usable;
    this.$('input-nick').textContent = connection ? connection.nick : '';
    input.placeholder = !buffer ? t('page.connectFirst')
      : buffer.kind === 'server' ? t('page.serverCommands')
        : t('page.messageTo', { name: buffer.name });
  }
}
