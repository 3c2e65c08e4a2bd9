// The page: the View puts the buffer on screen and coalesces rendering into animation frames; the sidebar
// (sidebar.js), the log (log.js) and the nick list (nicklist.js) draw their parts, the View the header and the
// input line. Every piece of IRC data reaches the page through textContent or renderFormatted (text nodes),
// never through innerHTML.

import { t } from './i18n.js';
import { renderFormatted } from './irc-format.js';
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
  constructor(model, handlers) {
    this.model = model;
    this.handlers = handlers;
    /** { connectionId, key } of the buffer on screen */
    this.active = null;
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
    model.on((what, detail) => this.onModel(what, detail));
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
    document.addEventListener('visibilitychange', () => {
      if (document.hidden) return;
      const buffer = this.activeBuffer;
      // Coming back to the page: lines that came while it was hidden get the divider above them.
      if (buffer && buffer.unread > 0) {
        this.placeDivider(buffer);
        this.log.render(buffer);
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
    this.sidebar.setOpen(false);
    this.markRead();
    this.log.stick = true;
    this.log.render(this.activeBuffer);
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
        if (detail.buffer === active) this.log.queue(detail.line);
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
    if (this.log.hasPending) this.log.appendLines(this.activeBuffer);
    if (parts.has('sidebar')) this.renderTitle(this.sidebar.render(this.model.connections.values(), this.activeBuffer));
    if (parts.has('header')) this.renderHeader();
    if (parts.has('nicks')) this.nicks.render(this.activeBuffer);
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
    const usable = Boolean(buffer) && buffer.connection.state !== 'closed';
    input.disabled = !usable;
    this.$('send').disabled = !usable;
    this.$('input-nick').textContent = buffer ? buffer.connection.nick : '';
    input.placeholder = !buffer ? t('page.connectFirst')
      : buffer.kind === 'server' ? t('page.serverCommands')
        : t('page.messageTo', { name: buffer.name });
  }
}
