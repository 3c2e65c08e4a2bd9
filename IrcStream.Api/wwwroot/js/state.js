// The model of what the user sees: connections, their buffers (server, channels, private conversations),
// topics and nick lists, built only from gateway events. No DOM here: the UI listens to `changed`.

import { applyIsupport, caseFold, defaultIsupport, isChannelName, isUserSource, parseCtcp, sourceNick } from './irc.js';
import { stripFormatting } from './irc-format.js';
import { t } from './i18n.js';
import { JOIN_REFUSALS, explainNumeric, explainServerError, plainToTlsPort, standardReply } from './replies.js';

/** Lines kept per buffer; older ones are dropped from the view (the gateway keeps its own replay window). */
export const MAX_LINES_PER_BUFFER = 2000;

/** Kinds of line that are "quiet": shown dimmed and never counted as unread. */
export const QUIET_KINDS = new Set(['join', 'part', 'quit', 'nick', 'mode', 'kick-other', 'info']);

/**
 * The connection-object state each status event announces, in the contract's words (the gateway's
 * IrcClient.StatusOf the other way round): CONNECTED means the socket is up and registration runs, REGISTERED
 * that IRC is usable. The model only ever holds these states; ERROR and CONNECT_TIMEOUT leave the state as it is.
 */
const STATUS_STATE = {
  CONNECTING: 'connecting',
  CONNECTED: 'registering',
  REGISTERED: 'connected',
  DISCONNECTED: 'disconnected',
  RECONNECTING: 'reconnecting',
  CLOSED: 'closed',
};

/** Statuses the client has words for (status.* in the text tables). */
const STATUS_WORDS = new Set(['CONNECTING', 'CONNECTED', 'REGISTERED', 'CONNECT_TIMEOUT', 'DISCONNECTED', 'RECONNECTING', 'CLOSED', 'ERROR']);

/** Numerics that belong to the buffer of the channel named in their second parameter. */
const CHANNEL_NUMERICS = new Set(['324', '328', '329', '331', '332', '333', '341', '346', '347', '348', '349', '366', '367', '368',
  '403', '404', '405', '442', '467', '471', '473', '474', '475', '476', '477', '482']);

/** WHOIS/WHOWAS replies: gathered into one card, shown where the user asked (the connection's active buffer). */
const WHOIS_NUMERICS = new Set(['301', '307', '310', '311', '312', '313', '314', '317', '318', '319', '320', '330', '335', '338',
  '369', '378', '379', '671', '276']);

/**
 * Sign-on replies a newcomer has no use for (server version, modes, ISUPPORT, user counts, the displayed host):
 * kept in the log but folded away, one click to show (ui.js).
 */
const FOLDED_NUMERICS = new Set(['002', '003', '004', '005', '250', '251', '252', '253', '254', '255', '265', '266', '396']);

/** Numerics in the 4xx range that are information, not a failure: not shown as errors. */
const NOT_ERRORS = new Set(['422']);

/**
 * Error replies that answer something the user typed, in plain words (error.* in the text tables). `subject` is
 * the nick or channel the server names; `text` the server's own words.
 */
const ERROR_TEXT = new Set(['401', '403', '404', '405', '421', '432', '433', '437', '441', '442', '443', '471', '473', '474', '475', '477', '482']);
const errorText = (command, subject, text) => t(`error.${command}`, { subject, text });

/** Keeps nothing: the model without a browser store (module tests). */
export const memoryReadStore = {
  load: () => null,
  save: () => {},
};

/** Connection-level chatter that the user has no use for. */
const SILENT_COMMANDS = new Set(['PING', 'PONG', 'CAP', 'AUTHENTICATE', 'BATCH']);

let nextLineId = 1;

export class Buffer {
  constructor(connection, name, kind) {
    this.connection = connection;
    this.name = name;
    /** 'server' | 'channel' | 'query' */
    this.kind = kind;
    this.lines = [];
    this.topic = '';
    this.topicSetBy = '';
    /** folded nick -> { nick, modes: string of prefix mode letters } */
    this.users = new Map();
    this.pendingNames = null;
    this.joined = false;
    this.unread = 0;
    this.mentions = 0;
    /** Events up to this seq were seen by the user in this buffer (kept across reloads by the read store). */
    this.readSeq = 0;
    /** Set when the user opens the buffer: a "new messages" divider goes before the first unread line up to `dividerUntil`. */
    this.dividerSeq = null;
    this.dividerUntil = 0;
  }

  /** Counts again from the lines (after another tab read them, or the read point moved). */
  recount() {
    let unread = 0;
    let mentions = 0;
    for (const line of this.lines) {
      if (!line.counted || line.seq <= this.readSeq) continue;
      unread += 1;
      if (line.highlight) mentions += 1;
    }
    this.unread = unread;
    this.mentions = mentions;
  }

  get key() {
    return this.kind === 'server' ? '' : this.connection.fold(this.name);
  }

  /** The nick list sorted by rank (per PREFIX) and then name, each with its display prefix. */
  sortedUsers() {
    const { prefixModes, prefixSymbols } = this.connection.isupport;
    const rank = (user) => {
      let best = prefixModes.length;
      for (const mode of user.modes) best = Math.min(best, prefixModes.indexOf(mode) < 0 ? best : prefixModes.indexOf(mode));
      return best;
    };
    return [...this.users.values()]
      .map((user) => {
        const r = rank(user);
        return { nick: user.nick, prefix: r < prefixModes.length ? prefixSymbols[r] : '', rank: r };
      })
      .sort((a, b) => a.rank - b.rank || this.connection.fold(a.nick).localeCompare(this.connection.fold(b.nick)) || a.nick.localeCompare(b.nick));
  }
}

export class Connection {
  /** `info` is the gateway's connection object. */
  constructor(model, info) {
    /** The SASL account the person gave when connecting (the contract's connection object does not carry it). */
    this.saslAccount = info.saslAccount ?? '';
    this.model = model;
    this.id = info.id;
    this.server = info.server;
    this.tls = Boolean(info.tls);
    this.nick = info.nick ?? '';
    /** The nick as the events last confirmed it (001, NICK): null until the first one. */
    this.streamNick = null;
    this.state = info.state ?? 'connecting';
    this.statusDetail = '';
    this.isupport = defaultIsupport();
    this.lastSeq = 0;
    /** Events up to here happened before this page loaded (a replay): no notifications, no error routing for them. */
    this.historySeq = info.lastSeq ?? 0;
    this.transport = '';
    /** The buffer the user is looking at (WHOIS replies go there); set by the UI. */
    this.activeKey = '';
    /** Where and when (seq) the user last sent something: error replies that answer it go to that buffer. */
    this.lastInput = null;
    /** WHOIS replies being gathered, by folded nick, until 318 ends them. */
    this.whois = new Map();
    const saved = model.store.load(this.id);
    /** What counts as read in a buffer the user never opened: the history when this browser first saw the connection. */
    this.readBase = saved?.base ?? this.historySeq;
    /** folded name -> seq read up to (buffers the user opened) */
    this.readMarks = new Map(Object.entries(saved?.read ?? {}));
    /** folded name -> seq at which the user closed the buffer: older activity does not bring it back */
    this.closedMarks = new Map(Object.entries(saved?.closed ?? {}));
    this.serverBuffer = new Buffer(this, info.server, 'server');
    this.serverBuffer.readSeq = this.readMarks.get('') ?? this.readBase;
    /** folded name -> Buffer, the server buffer under '' */
    this.buffers = new Map([['', this.serverBuffer]]);
    for (const channel of info.channels ?? []) {
      if (!this.closedMarks.has(this.fold(channel))) this.ensureBuffer(channel, 'channel').joined = true;
    }
    if (!saved) this.saveReadState();
  }

  /** What the read store keeps for this connection. */
  readState() {
    return { base: this.readBase, read: Object.fromEntries(this.readMarks), closed: Object.fromEntries(this.closedMarks) };
  }

  saveReadState() {
    this.model.store.save(this.id, this.readState());
  }

  /** The user has seen everything in `buffer` so far. Returns true when that changed anything. */
  markRead(buffer) {
    const changed = buffer.unread > 0 || buffer.mentions > 0 || buffer.readSeq < this.lastSeq;
    buffer.readSeq = Math.max(buffer.readSeq, this.lastSeq);
    buffer.unread = 0;
    buffer.mentions = 0;
    if (changed) {
      this.readMarks.set(buffer.key, buffer.readSeq);
      this.saveReadState();
    }
    return changed;
  }

  /** Takes what another tab of this session stored (read points, closed buffers). Returns true when anything changed. */
  mergeReadState(saved) {
    if (!saved) return false;
    let changed = false;
    for (const [key, seq] of Object.entries(saved.read ?? {})) {
      if (seq <= (this.readMarks.get(key) ?? -1)) continue;
      this.readMarks.set(key, seq);
      const buffer = this.buffers.get(key);
      if (buffer && seq > buffer.readSeq) {
        buffer.readSeq = seq;
        buffer.recount();
        changed = true;
      }
    }
    for (const [key, seq] of Object.entries(saved.closed ?? {})) {
      if ((this.closedMarks.get(key) ?? -1) >= seq) continue;
      this.closedMarks.set(key, seq);
      const buffer = this.buffers.get(key);
      if (buffer && buffer.kind !== 'server' && buffer.lines.every((line) => line.seq <= seq)) {
        this.buffers.delete(key);
        changed = true;
      }
    }
    for (const key of [...this.closedMarks.keys()]) {
      if (!(key in (saved.closed ?? {})) && !this.buffers.has(key)) this.closedMarks.delete(key);
    }
    return changed;
  }

  get label() {
    return this.isupport.network || this.server;
  }

  fold(name) {
    return caseFold(name, this.isupport.casemapping);
  }

  isChannel(name) {
    return isChannelName(name, this.isupport);
  }

  isMe(nick) {
    return Boolean(nick) && this.fold(nick) === this.fold(this.nick);
  }

  buffer(name) {
    return this.buffers.get(name === '' ? '' : this.fold(name)) ?? null;
  }

  /**
   * The buffer for `name`, made when missing. A buffer the user closed comes back only for activity newer than
   * the close (or when the user opens it: `byUser`); for older activity (a replay) a detached buffer is returned,
   * which nothing shows.
   */
  ensureBuffer(name, kind, { byUser = false } = {}) {
    const key = this.fold(name);
    let buffer = this.buffers.get(key);
    if (!buffer) {
      const closedAt = this.closedMarks.get(key);
      buffer = new Buffer(this, name, kind ?? (this.isChannel(name) ? 'channel' : 'query'));
      if (closedAt !== undefined && !byUser && this.model.currentSeq <= closedAt) return buffer;
      if (closedAt !== undefined) {
        this.closedMarks.delete(key);
        this.readMarks.delete(key);
        this.saveReadState();
      }
      buffer.readSeq = closedAt ?? this.readMarks.get(key) ?? this.readBase;
      this.buffers.set(key, buffer);
      this.model.emit('buffers', { connection: this });
    }
    return buffer;
  }

  /** Closes a buffer for good: it stays closed after a reload and in the session's other tabs. */
  removeBuffer(buffer) {
    if (buffer.kind === 'server') return;
    this.buffers.delete(buffer.key);
    this.closedMarks.set(buffer.key, this.lastSeq);
    this.readMarks.delete(buffer.key);
    this.saveReadState();
    this.model.emit('buffers', { connection: this });
  }

  /** Re-keys buffers and nick lists after CASEMAPPING changed. */
  rekey() {
    const buffers = [...this.buffers.values()];
    this.buffers = new Map(buffers.map((b) => [b.key, b]));
    for (const buffer of buffers) buffer.users = new Map([...buffer.users.values()].map((u) => [this.fold(u.nick), u]));
  }
}

/** Everything on screen, driven by `apply(connection, event)`. */
export class Model {
  /** `store` keeps read points and closed buffers per connection id (see readstate.js); by default nothing is kept. */
  constructor({ store = memoryReadStore } = {}) {
    this.store = store;
    /** id -> Connection, in the order they were added */
    this.connections = new Map();
    this.listeners = new Set();
    /** True while applying an event from before the page loaded. */
    this.replaying = false;
    /** The seq of the event being applied (lines made outside an event get the connection's last seq). */
    this.currentSeq = 0;
  }

  on(listener) {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  emit(what, detail) {
    for (const listener of this.listeners) listener(what, detail);
  }

  addConnection(info) {
    const existing = this.connections.get(info.id);
    if (existing) return existing;
    const connection = new Connection(this, info);
    this.connections.set(info.id, connection);
    this.emit('connections', { connection });
    return connection;
  }

  removeConnection(connection) {
    this.connections.delete(connection.id);
    this.emit('connections', { connection });
  }

  /**
   * Applies one gateway event. Events at or below the last seq seen are ignored, so a replayed or resent event
   * never shows twice. Returns false for such an event.
   */
  apply(connection, event) {
    if (typeof event.seq !== 'number') return false;
    if (event.seq <= connection.lastSeq) return false;
    connection.lastSeq = event.seq;
    this.currentSeq = event.seq;
    this.replaying = event.seq <= connection.historySeq;
    const time = event.time ? new Date(event.time) : new Date();
    switch (event.type) {
      case 'status': this.applyStatus(connection, event, time); break;
      case 'gap': this.applyGap(connection, event, time); break;
      case 'message': this.applyMessage(connection, event, time); break;
      default: break;
    }
    return true;
  }

  addLine(buffer, line) {
    const full = { id: nextLineId++, seq: buffer.connection.lastSeq, self: false, highlight: false, counted: false, nick: '', text: '', ...line };
    buffer.lines.push(full);
    if (buffer.lines.length > MAX_LINES_PER_BUFFER) buffer.lines.splice(0, buffer.lines.length - MAX_LINES_PER_BUFFER);
    this.emit('line', { buffer, line: full });
    return full;
  }

  setState(connection, state, detail) {
    connection.state = state;
    if (detail !== undefined) connection.statusDetail = detail;
    this.emit('state', { connection });
  }

  applyStatus(connection, event, time) {
    const lostBeforeWelcome = connection.state === 'registering' && (event.status === 'DISCONNECTED' || event.status === 'RECONNECTING');
    const state = STATUS_STATE[event.status];
    if (state) this.setState(connection, state, event.detail ?? '');
    if (event.status === 'DISCONNECTED' || event.status === 'RECONNECTING' || event.status === 'CLOSED') {
      // Off IRC the channels are left and nobody is known to be in them; the rejoin's NAMES fills them again.
      for (const buffer of connection.buffers.values()) {
        if (buffer.kind !== 'channel' || (!buffer.joined && buffer.users.size === 0)) continue;
        buffer.joined = false;
        buffer.users.clear();
        buffer.pendingNames = null;
        this.emit('users', { buffer });
      }
    }
    // REGISTERED carries the nick the server confirmed (a bare nick; anything else is not taken as one).
    if (event.status === 'REGISTERED' && /^[^\s!@]+$/.test(event.detail ?? '')) this.confirmNick(connection, event.detail, time);
    const words = STATUS_WORDS.has(event.status) ? t(`status.${event.status}`) : event.status;
    const text = event.detail ? `${words}: ${event.detail}` : words;
    const kind = event.status === 'ERROR' || event.status === 'CONNECT_TIMEOUT' ? 'error' : 'status';
    this.addLine(connection.serverBuffer, { time, kind, text });
    // Said once: a server that waits for TLS drops every plain attempt the same way.
    const wantsTls = lostBeforeWelcome && !connection.toldWantsTls ? plainToTlsPort(connection.server, connection.tls) : null;
    if (wantsTls) {
      connection.toldWantsTls = true;
      this.addLine(connection.serverBuffer, { time, kind: 'error', text: wantsTls });
    }
    if (event.status === 'DISCONNECTED' || event.status === 'RECONNECTING' || event.status === 'CLOSED') {
      for (const buffer of connection.buffers.values()) {
        if (buffer.kind === 'channel') this.addLine(buffer, { time, kind: 'status', text });
      }
    }
  }

  applyGap(connection, event, time) {
    const count = typeof event.from === 'number' && typeof event.to === 'number' ? event.to - event.from + 1 : 0;
    const text = count > 0
      ? t('irc.gap', { count })
      : t('irc.gapUnknown');
    for (const buffer of connection.buffers.values()) this.addLine(buffer, { time, kind: 'gap', text });
    this.emit('gap', { connection });
  }

  applyMessage(connection, event, time) {
    const params = event.params ?? [];
    const command = (event.command ?? '').toUpperCase();
    const nick = sourceNick(event.source);
    const last = params.length > 0 ? params[params.length - 1] : '';
    if (SILENT_COMMANDS.has(command)) return;
    if (/^\d{3}$/.test(command)) {
      this.applyNumeric(connection, command, params, time);
      return;
    }
    switch (command) {
      case 'PRIVMSG':
      case 'NOTICE':
        this.applyText(connection, command, event, nick, params, time);
        return;
      case 'JOIN': {
        const channel = params[0];
        if (!channel) return;
        const buffer = connection.ensureBuffer(channel, 'channel');
        if (connection.isMe(nick)) {
          buffer.joined = true;
          buffer.users.clear();
          // The topic is the one the server gives now (332), or none.
          buffer.topic = '';
          buffer.topicSetBy = '';
          this.emit('topic', { buffer });
          this.emit('joined', { buffer });
        }
        buffer.users.set(connection.fold(nick), { nick, modes: '' });
        this.addLine(buffer, { time, kind: 'join', nick, text: t('irc.joined', { nick, channel: buffer.name }) });
        this.emit('users', { buffer });
        return;
      }
      case 'PART': {
        const buffer = connection.buffer(params[0] ?? '');
        if (!buffer) return;
        const reason = params.length > 1 ? ` (${stripFormatting(params[1])})` : '';
        buffer.users.delete(connection.fold(nick));
        if (connection.isMe(nick)) {
          buffer.joined = false;
          buffer.users.clear();
          this.addLine(buffer, { time, kind: 'part', nick, text: t('irc.youLeft', { channel: buffer.name, reason }) });
        } else {
          this.addLine(buffer, { time, kind: 'part', nick, text: t('irc.left', { nick, reason }) });
        }
        this.emit('users', { buffer });
        return;
      }
      case 'QUIT': {
        const reason = last ? ` (${stripFormatting(last)})` : '';
        const key = connection.fold(nick);
        for (const buffer of connection.buffers.values()) {
          const inChannel = buffer.kind === 'channel' && buffer.users.delete(key);
          if (inChannel || (buffer.kind === 'query' && buffer.key === key)) {
            this.addLine(buffer, { time, kind: 'quit', nick, text: t('irc.quit', { nick, reason }) });
            if (inChannel) this.emit('users', { buffer });
          }
        }
        return;
      }
      case 'KICK': {
        const [channel, victim] = params;
        const buffer = channel ? connection.buffer(channel) : null;
        if (!buffer || !victim) return;
        const reason = params.length > 2 ? ` (${stripFormatting(params[2])})` : '';
        buffer.users.delete(connection.fold(victim));
        if (connection.isMe(victim)) {
          buffer.joined = false;
          buffer.users.clear();
          this.countUnread(buffer, this.addLine(buffer, { time, kind: 'kick', nick, text: t('irc.kickedYou', { nick, channel: buffer.name, reason }), highlight: true }));
        } else {
          this.addLine(buffer, { time, kind: 'kick-other', nick, text: t('irc.kicked', { nick, victim, reason }) });
        }
        this.emit('users', { buffer });
        return;
      }
      case 'NICK': {
        const newNick = params[0];
        if (!newNick) return;
        const oldKey = connection.fold(nick);
        const wasMe = connection.isMe(nick);
        if (wasMe) {
          connection.nick = newNick;
          connection.streamNick = newNick;
          this.emit('state', { connection });
        }
        for (const buffer of [...connection.buffers.values()]) {
          const user = buffer.kind === 'channel' ? buffer.users.get(oldKey) : null;
          if (user) {
            buffer.users.delete(oldKey);
            buffer.users.set(connection.fold(newNick), { nick: newNick, modes: user.modes });
            this.emit('users', { buffer });
          }
          const isQuery = buffer.kind === 'query' && buffer.key === oldKey;
          if (user || isQuery || (wasMe && buffer.kind === 'server')) {
            const text = wasMe ? t('irc.youAreNow', { nick: newNick }) : t('irc.isNow', { nick, newNick });
            this.addLine(buffer, { time, kind: 'nick', nick, text });
          }
          if (isQuery && !connection.buffer(newNick)) {
            connection.buffers.delete(oldKey);
            buffer.name = newNick;
            connection.buffers.set(buffer.key, buffer);
            this.emit('buffers', { connection });
          }
        }
        return;
      }
      case 'MODE': {
        const target = params[0] ?? '';
        const change = params.slice(1).join(' ');
        if (connection.isChannel(target)) {
          const buffer = connection.buffer(target);
          if (!buffer) return;
          this.applyChannelModes(connection, buffer, params.slice(1));
          this.addLine(buffer, { time, kind: 'mode', nick, text: t('irc.setsMode', { nick: nick || event.source, change }) });
        } else {
          this.addLine(connection.serverBuffer, { time, kind: 'mode', nick, text: t('irc.modeOn', { change, target }) });
        }
        return;
      }
      case 'TOPIC': {
        const buffer = connection.buffer(params[0] ?? '');
        if (!buffer) return;
        buffer.topic = last;
        buffer.topicSetBy = nick;
        this.emit('topic', { buffer });
        this.addLine(buffer, { time, kind: 'topic', nick, text: t('irc.topicChanged', { nick, topic: last }) });
        return;
      }
      case 'INVITE': {
        const channel = params[1] ?? '';
        this.addLine(this.activeBuffer(connection), { time, kind: 'notice', nick, text: t('irc.invites', { nick, channel }), highlight: true });
        return;
      }
      case 'ERROR':
        this.addLine(connection.serverBuffer, { time, kind: 'error', text: explainServerError(last, connection.tls) });
        return;
      case 'FAIL':
      case 'WARN':
      case 'NOTE': {
        const reply = standardReply(command, params);
        this.addLine(command === 'FAIL' ? this.errorBuffer(connection, '') : connection.serverBuffer, { time, ...reply });
        return;
      }
      case 'WALLOPS':
        this.addLine(connection.serverBuffer, { time, kind: 'notice', nick, text: last });
        return;
      case 'CHGHOST':
      case 'ACCOUNT':
      case 'AWAY':
      case 'SETNAME':
        return;
      default:
        this.addLine(connection.serverBuffer, { time, kind: 'info', text: [command, ...params].join(' ') });
    }
  }

  activeBuffer(connection) {
    return connection.buffers.get(connection.activeKey) ?? connection.serverBuffer;
  }

  applyText(connection, command, event, nick, params, time) {
    let target = params[0] ?? '';
    let text = params.length > 1 ? params[params.length - 1] : '';
    // STATUSMSG: "@#chan" reaches the channel's operators only; show it in the channel.
    if (target.length > 1 && connection.isupport.statusmsg.includes(target[0]) && connection.isChannel(target.slice(1))) {
      target = target.slice(1);
    }
    const self = connection.isMe(nick);
    const fromServer = !isUserSource(event.source);
    let buffer;
    if (connection.isChannel(target)) {
      buffer = connection.ensureBuffer(target, 'channel');
    } else if (fromServer || target === '*' || !nick) {
      buffer = connection.serverBuffer;
    } else if (command === 'NOTICE') {
      // A notice from a user lands in the conversation with them when there is one, else where the user is.
      const other = self ? target : nick;
      buffer = connection.buffer(other) ?? (self ? connection.serverBuffer : this.activeBuffer(connection));
    } else {
      buffer = connection.ensureBuffer(self ? target : nick, 'query');
    }

    let kind = command === 'NOTICE' ? 'notice' : 'message';
    const ctcp = parseCtcp(text);
    if (ctcp) {
      if (ctcp.command === 'ACTION') {
        kind = 'action';
        text = ctcp.text;
      } else {
        const words = t(command === 'NOTICE' ? 'irc.ctcpReply' : 'irc.ctcpRequest', { command: ctcp.command, text: ctcp.text ? ` ${ctcp.text}` : '', nick });
        this.addLine(connection.serverBuffer, { time, kind: 'info', nick, text: words });
        return;
      }
    }
    const highlight = !self && (this.mentions(connection, text) || (buffer.kind === 'query' && kind !== 'notice'));
    const line = this.addLine(buffer, { time, kind, nick: nick || event.source || '', text, self, highlight });
    if (!self) this.countUnread(buffer, line);
  }

  mentions(connection, text) {
    if (!connection.nick) return false;
    const plain = connection.fold(stripFormatting(text));
    const me = connection.fold(connection.nick);
    let from = 0;
    for (let at = plain.indexOf(me, from); at >= 0; at = plain.indexOf(me, from)) {
      const before = at === 0 ? '' : plain[at - 1];
      const after = plain[at + me.length] ?? '';
      const isWordChar = (ch) => /[\p{L}\p{N}_\-\[\]\\`^{}|]/u.test(ch);
      if ((!before || !isWordChar(before)) && (!after || !isWordChar(after))) return true;
      from = at + 1;
    }
    return false;
  }

  /** Counts `line` unread in `buffer` unless the user read past it (in this tab, another one, or before a reload). */
  countUnread(buffer, line) {
    line.counted = true;
    if (line.seq <= buffer.readSeq) return;
    buffer.unread += 1;
    if (line.highlight) buffer.mentions += 1;
    this.emit('unread', { buffer, line });
  }

  /** The server confirmed the nick (001, REGISTERED): say so when it is not the one the user had. */
  confirmNick(connection, nick, time) {
    // Compared with the nick the events last gave (a replay starts with none), or with the one asked for.
    const before = connection.streamNick ?? (this.replaying ? null : connection.nick);
    connection.streamNick = nick;
    if (connection.nick !== nick) {
      connection.nick = nick;
      this.emit('state', { connection });
    }
    if (before && connection.fold(before) !== connection.fold(nick)) {
      this.addLine(connection.serverBuffer, { time, kind: 'status', text: t('irc.nickNotAvailable', { nick, wanted: before }) });
    }
  }

  /**
   * Where an error reply goes: the buffer it names, else where the user last typed (live, and only once
   * registered: during registration the gateway answers the server itself), else the server buffer.
   */
  errorBuffer(connection, subject) {
    const named = subject ? connection.buffer(subject) : null;
    if (named) return named;
    const input = connection.lastInput;
    const registered = connection.state === 'connected';
    if (!this.replaying && registered && input) return connection.buffers.get(input.key) ?? connection.serverBuffer;
    return connection.serverBuffer;
  }

  applyWhois(connection, command, params, time) {
    const nick = params[1] ?? '';
    const key = connection.fold(nick);
    let card = connection.whois.get(key);
    if (!card) {
      card = { nick, extra: [] };
      connection.whois.set(key, card);
    }
    const last = params[params.length - 1] ?? '';
    switch (command) {
      case '311':
      case '314': card.user = params[2]; card.host = params[3]; card.realname = last; break;
      case '312': card.server = params[2]; card.serverInfo = last; break;
      case '317': {
        card.idleSeconds = Number(params[2]);
        if (params.length > 4) card.signon = new Date(Number(params[3]) * 1000);
        break;
      }
      case '319': card.channels = [...(card.channels ?? []), ...last.split(' ').filter(Boolean)]; break;
      case '330': card.account = params[2]; break;
      case '301': card.away = last; break;
      case '313': card.operator = last; break;
      case '671': card.secure = true; break;
      case '318':
      case '369': {
        connection.whois.delete(key);
        if (!card.user) {
          this.addLine(this.errorBuffer(connection, ''), { time, kind: 'server', text: t('whois.none', { nick }) });
          return;
        }
        this.addLine(this.whoisBuffer(connection, nick), { time, kind: 'whois', text: `${nick} (${card.user}@${card.host})`, whois: card });
        return;
      }
      default: card.extra.push(params.slice(2).join(' ')); break;
    }
  }

  whoisBuffer(connection, nick) {
    const input = connection.lastInput;
    if (!this.replaying && input && connection.buffers.has(input.key)) return connection.buffers.get(input.key);
    return connection.buffer(nick) ?? this.activeBuffer(connection);
  }

  applyChannelModes(connection, buffer, args) {
    const modeString = args[0] ?? '';
    const values = args.slice(1);
    const { prefixModes, chanmodes } = connection.isupport;
    let adding = true;
    let changedUsers = false;
    for (const mode of modeString) {
      if (mode === '+') { adding = true; continue; }
      if (mode === '-') { adding = false; continue; }
      const takesValue = prefixModes.includes(mode) || chanmodes[0].includes(mode) || chanmodes[1].includes(mode)
        || (adding && chanmodes[2].includes(mode));
      const value = takesValue ? values.shift() : undefined;
      if (!prefixModes.includes(mode) || value === undefined) continue;
      const user = buffer.users.get(connection.fold(value));
      if (!user) continue;
      const has = user.modes.includes(mode);
      if (adding && !has) user.modes += mode;
      if (!adding && has) user.modes = user.modes.replace(mode, '');
      changedUsers = true;
    }
    if (changedUsers) this.emit('users', { buffer });
  }

  applyNumeric(connection, command, params, time) {
    const rest = params.slice(1);
    const last = params.length > 0 ? params[params.length - 1] : '';
    switch (command) {
      case '001':
        if (params[0]) this.confirmNick(connection, params[0], time);
        this.emit('state', { connection });
        break;
      case '005': {
        const before = connection.isupport.casemapping;
        applyIsupport(connection.isupport, params.slice(1, -1));
        if (before !== connection.isupport.casemapping) connection.rekey();
        this.emit('state', { connection });
        this.emit('buffers', { connection });
        this.addLine(connection.serverBuffer, { time, kind: 'info', text: params.slice(1).join(' '), folded: true });
        return;
      }
      case '332': {
        const buffer = connection.ensureBuffer(params[1], 'channel');
        buffer.topic = last;
        this.emit('topic', { buffer });
        this.addLine(buffer, { time, kind: 'topic', text: t('irc.topic', { topic: last }) });
        return;
      }
      case '333': {
        const buffer = connection.buffer(params[1] ?? '');
        if (!buffer) return;
        buffer.topicSetBy = sourceNick(params[2] ?? '');
        this.emit('topic', { buffer });
        return;
      }
      case '353': {
        // RPL_NAMREPLY: <me> <symbol> <channel> :<names>
        const buffer = connection.buffer(params[2] ?? '');
        if (!buffer) break;
        buffer.pendingNames ??= new Map();
        const { prefixSymbols, prefixModes } = connection.isupport;
        for (const entry of last.split(' ')) {
          if (!entry) continue;
          let i = 0;
          let modes = '';
          while (i < entry.length && prefixSymbols.includes(entry[i])) {
            modes += prefixModes[prefixSymbols.indexOf(entry[i])];
            i++;
          }
          const name = sourceNick(entry.slice(i));
          if (name) buffer.pendingNames.set(connection.fold(name), { nick: name, modes });
        }
        return;
      }
      case '366': {
        const buffer = connection.buffer(params[1] ?? '');
        if (!buffer) return;
        if (buffer.pendingNames) {
          buffer.users = buffer.pendingNames;
          buffer.pendingNames = null;
          this.emit('users', { buffer });
        }
        return;
      }
      default:
        break;
    }
    if (WHOIS_NUMERICS.has(command) && params.length > 2) {
      this.applyWhois(connection, command, params, time);
      return;
    }
    const isSaslFailure = ['902', '904', '905', '906', '907'].includes(command);
    const isError = ((command[0] === '4' || command[0] === '5') && !NOT_ERRORS.has(command)) || isSaslFailure;
    // Most numerics are "<me> [subjects...] :<text>"; show the subjects before the text.
    const words = rest.length > 1 ? `${rest.slice(0, -1).join(' ')} ${last}` : last;
    if (isError) {
      const subject = rest.length > 1 ? rest[0] : '';
      const explained = explainNumeric(command, subject, last, connection.saslAccount);
      if (JOIN_REFUSALS.has(command) && connection.isChannel(subject)) {
        // Said in the channel's own buffer, opened for it: that is where the person looks for the channel.
        const buffer = connection.ensureBuffer(subject, 'channel');
        this.addLine(buffer, { time, kind: 'error', text: explained ?? (ERROR_TEXT.has(command) ? errorText(command, subject, last) : words) });
        this.emit('refused', { buffer });
        return;
      }
      // While registering, the gateway itself answers a refused nick: the server's own words, no advice.
      const registered = connection.state === 'connected';
      const plain = explained ?? (registered && ERROR_TEXT.has(command) && subject ? errorText(command, subject, last) : words);
      this.addLine(this.errorBuffer(connection, subject), { time, kind: 'error', text: plain });
      return;
    }
    let buffer = connection.serverBuffer;
    if (CHANNEL_NUMERICS.has(command) && params[1] && connection.buffer(params[1])) buffer = connection.buffer(params[1]);
    this.addLine(buffer, { time, kind: 'server', text: words, folded: FOLDED_NUMERICS.has(command) });
  }
}
