// The model of what the person sees: connections, their buffers (server, channels, private conversations),
// topics and nick lists, unread counts, error routing and WHOIS cards, as a pure reducer. `apply(state, id, event,
// now)` takes one gateway event, `act(state, action)` one thing the page did (a connection added, a buffer read or
// closed, a line of its own); each returns the next state and the changes it made, and never touches its input.
// No storage, no clock, no DOM here: what was stored is passed in (`saved`), what to store comes out as a `save`
// change, the time comes from the event or the caller's `now`, and the view reads the state and the changes.

import { applyIsupport, caseFold, defaultIsupport, isChannelName, isUserSource, parseCtcp, sourceNick } from './irc.js';
import { stripFormatting } from './irc-format.js';
import { english } from './i18n.js';
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
 * Error replies that answer something the user typed, in plain words. `subject` is the nick or channel the
 * server names; `text` the server's own words.
 */
const ERROR_TEXT = new Set(['401', '403', '404', '405', '421', '432', '433', '437', '441', '442', '443', '471', '473', '474', '475', '477', '482']);
const errorText = (change, command, subject, text) => change.t(`error.${command}`, { subject, text });

/**
 * Connection-level chatter that the person has no use for; TAGMSG carries only tags (typing notifications,
 * reactions), which the client does not show.
 */
const SILENT_COMMANDS = new Set(['PING', 'PONG', 'CAP', 'AUTHENTICATE', 'BATCH', 'TAGMSG']);

/** The state before the first connection. `nextLineId` numbers the lines of every buffer. */
export function initialState() {
  return { connections: new Map(), nextLineId: 1 };
}

// ---- reading the state ----

export function fold(connection, name) {
  return caseFold(name, connection.isupport.casemapping);
}

export function isChannel(connection, name) {
  return isChannelName(name, connection.isupport);
}

export function isMe(connection, nick) {
  return Boolean(nick) && fold(connection, nick) === fold(connection, connection.nick);
}

/** The name a connection goes by: the network's (NETWORK= in 005), else the server's address. */
export function label(connection) {
  return connection.isupport.network || connection.server;
}

export function serverBuffer(connection) {
  return connection.buffers.get('');
}

/** The buffer for `name` ('' is the server buffer), or null. */
export function bufferNamed(connection, name) {
  return connection.buffers.get(name === '' ? '' : fold(connection, name)) ?? null;
}

/** The buffer `key` of connection `connectionId`, or null. */
export function bufferAt(state, connectionId, key) {
  return state.connections.get(connectionId)?.buffers.get(key) ?? null;
}

/** The nick list sorted by rank (per PREFIX) and then name, each with its display prefix. */
export function sortedUsers(connection, buffer) {
  const { prefixModes, prefixSymbols } = connection.isupport;
  const rank = (user) => {
    let best = prefixModes.length;
    for (const mode of user.modes) best = Math.min(best, prefixModes.indexOf(mode) < 0 ? best : prefixModes.indexOf(mode));
    return best;
  };
  return [...buffer.users.values()]
    .map((user) => {
      const r = rank(user);
      return { nick: user.nick, prefix: r < prefixModes.length ? prefixSymbols[r] : '', rank: r };
    })
    .sort((a, b) => a.rank - b.rank || fold(connection, a.nick).localeCompare(fold(connection, b.nick)) || a.nick.localeCompare(b.nick));
}

/** What the read store keeps for a connection: the read base, read points and closed buffers. */
export function readState(connection) {
  return { base: connection.readBase, read: Object.fromEntries(connection.readMarks), closed: Object.fromEntries(connection.closedMarks) };
}

// ---- one change to one connection ----

function newBuffer(connectionId, name, kind, key) {
  return {
    connectionId,
    key,
    name,
    /** 'server' | 'channel' | 'query' */
    kind,
    lines: [],
    topic: '',
    topicSetBy: '',
    /** folded nick -> { nick, modes: string of prefix mode letters } */
    users: new Map(),
    pendingNames: null,
    joined: false,
    unread: 0,
    mentions: 0,
    /** Events up to this seq were seen by the person in this buffer (kept across reloads by the read store). */
    readSeq: 0,
  };
}

/** A copy of a Map, an array or an object. */
function copyOf(value) {
  if (value instanceof Map) return new Map(value);
  if (Array.isArray(value)) return value.slice();
  return { ...value };
}

/**
 * One change to one connection. It works on copies: the connection, then each buffer, Map and array the first time
 * the change writes to it, so the state it was made from stays as it was and what it did not touch is shared.
 */
class Change {
  constructor(state, connection, { seq = connection.lastSeq, replaying = false, now, t = english } = {}) {
    this.nextLineId = state.nextLineId;
    /** The words of the lines it writes: the translator it was given (i18n.js), English by default. */
    this.t = t;
    this.c = { ...connection, buffers: new Map(connection.buffers) };
    this.seq = seq;
    this.replaying = replaying;
    this.now = now;
    this.copies = new WeakMap();
    this.copies.set(this.c, new Set(['buffers']));
    this.changes = [];
    this.saveReadState = false;
  }

  /** `object[field]`, copied the first time this change writes to it. */
  own(object, field) {
    let owned = this.copies.get(object);
    if (!owned) {
      owned = new Set();
      this.copies.set(object, owned);
    }
    if (!owned.has(field)) {
      object[field] = copyOf(object[field]);
      owned.add(field);
    }
    return object[field];
  }

  /** The buffer `key` as this change may write it, or null. */
  buffer(key) {
    const buffer = this.c.buffers.get(key);
    if (!buffer || this.copies.has(buffer)) return buffer ?? null;
    const copy = { ...buffer };
    this.copies.set(copy, new Set());
    this.c.buffers.set(key, copy);
    return copy;
  }

  named(name) {
    return this.buffer(name === '' ? '' : fold(this.c, name));
  }

  get server() {
    return this.buffer('');
  }

  buffers() {
    return [...this.c.buffers.keys()].map((key) => this.buffer(key));
  }

  note(what, buffer, extra) {
    if (buffer?.detached) return;
    this.changes.push({ what, connectionId: this.c.id, ...(buffer ? { key: buffer.key } : {}), ...extra });
  }

  /** The next state, and what changed (with the read state to store when it moved). */
  finish(state) {
    if (this.saveReadState) this.changes.push({ what: 'save', connectionId: this.c.id, readState: readState(this.c) });
    const connections = new Map(state.connections).set(this.c.id, this.c);
    return { state: { ...state, connections, nextLineId: this.nextLineId }, changes: this.changes };
  }
}

function addLine(change, buffer, line) {
  const full = { id: change.nextLineId++, seq: change.c.lastSeq, self: false, highlight: false, counted: false, nick: '', text: '', ...line };
  const lines = change.own(buffer, 'lines');
  lines.push(full);
  if (lines.length > MAX_LINES_PER_BUFFER) lines.splice(0, lines.length - MAX_LINES_PER_BUFFER);
  change.note('line', buffer, { line: full });
  return full;
}

/** Counts `line` unread in `buffer` unless the person read past it (in this tab, another one, or before a reload). */
function countUnread(change, buffer, line) {
  line.counted = true;
  if (line.seq <= buffer.readSeq) return;
  buffer.unread += 1;
  if (line.highlight) buffer.mentions += 1;
  change.note('unread', buffer, { line, live: !change.replaying });
}

/** Counts again from the lines (after another tab read them, or the read point moved). */
function recount(buffer) {
  let unread = 0;
  let mentions = 0;
  for (const line of buffer.lines) {
    if (!line.counted || line.seq <= buffer.readSeq) continue;
    unread += 1;
    if (line.highlight) mentions += 1;
  }
  buffer.unread = unread;
  buffer.mentions = mentions;
}

/**
 * The buffer for `name`, made when missing. A buffer the person closed comes back only for activity newer than
 * the close (or when the person opens it: `byUser`); for older activity (a replay) a detached buffer is returned,
 * which nothing shows.
 */
function ensureBuffer(change, name, kind, { byUser = false } = {}) {
  const c = change.c;
  const key = fold(c, name);
  const existing = change.buffer(key);
  if (existing) return existing;
  const closedAt = c.closedMarks.get(key);
  const buffer = newBuffer(c.id, name, kind ?? (isChannel(c, name) ? 'channel' : 'query'), key);
  change.copies.set(buffer, new Set(['lines', 'users']));
  if (closedAt !== undefined && !byUser && change.seq <= closedAt) return Object.assign(buffer, { detached: true });
  if (closedAt !== undefined) {
    change.own(c, 'closedMarks').delete(key);
    change.own(c, 'readMarks').delete(key);
    change.saveReadState = true;
  }
  buffer.readSeq = closedAt ?? c.readMarks.get(key) ?? c.readBase;
  c.buffers.set(key, buffer);
  change.note('buffers');
  return buffer;
}

function setState(change, state, detail) {
  change.c.state = state;
  if (detail !== undefined) change.c.statusDetail = detail;
  change.note('state');
}

/** Nobody is known to be in `buffer` (off IRC, or the connection is gone). */
function clearUsers(change, buffer) {
  buffer.users = new Map();
  change.own(buffer, 'users');
}

/** Re-keys buffers and nick lists after CASEMAPPING changed. */
function rekey(change) {
  const c = change.c;
  const buffers = change.buffers();
  c.buffers = new Map();
  for (const buffer of buffers) {
    if (buffer.kind !== 'server') buffer.key = fold(c, buffer.name);
    c.buffers.set(buffer.key, buffer);
    buffer.users = new Map([...buffer.users.values()].map((u) => [fold(c, u.nick), u]));
    change.own(buffer, 'users');
  }
}

// ---- gateway events ----

/**
 * Applies one gateway event to connection `connectionId`. Events at or below the last seq applied are ignored, so a
 * replayed or resent event never shows twice: then `applied` is false and the state is the same object. `now` is
 * the time for an event without one; `t` words the lines it writes (i18n.js `translator`; English when not given).
 */
export function apply(state, connectionId, event, now, t = english) {
  const connection = state.connections.get(connectionId);
  if (!connection || typeof event?.seq !== 'number' || event.seq <= connection.lastSeq) return { state, changes: [], applied: false };
  const change = new Change(state, connection, { seq: event.seq, replaying: event.seq <= connection.historySeq, now, t });
  change.c.lastSeq = event.seq;
  const time = event.time ? new Date(event.time) : now;
  switch (event.type) {
    case 'status': applyStatus(change, event, time); break;
    case 'gap': applyGap(change, event, time); break;
    case 'message': applyMessage(change, event, time); break;
    default: break;
  }
  return { ...change.finish(state), applied: true };
}

function applyStatus(change, event, time) {
  const lostBeforeWelcome = change.c.state === 'registering' && (event.status === 'DISCONNECTED' || event.status === 'RECONNECTING');
  const state = STATUS_STATE[event.status];
  if (state) setState(change, state, event.detail ?? '');
  const offIrc = event.status === 'DISCONNECTED' || event.status === 'RECONNECTING' || event.status === 'CLOSED';
  if (offIrc) {
    // Off IRC the channels are left and nobody is known to be in them; the rejoin's NAMES fills them again.
    for (const buffer of change.buffers()) {
      if (buffer.kind !== 'channel' || (!buffer.joined && buffer.users.size === 0)) continue;
      buffer.joined = false;
      clearUsers(change, buffer);
      buffer.pendingNames = null;
      change.note('users', buffer);
    }
  }
  // REGISTERED carries the nick the server confirmed (a bare nick; anything else is not taken as one).
  if (event.status === 'REGISTERED' && /^[^\s!@]+$/.test(event.detail ?? '')) confirmNick(change, event.detail, time);
  const words = STATUS_WORDS.has(event.status) ? change.t(`status.${event.status}`) : event.status;
  const text = event.detail ? `${words}: ${event.detail}` : words;
  const kind = event.status === 'ERROR' || event.status === 'CONNECT_TIMEOUT' ? 'error' : 'status';
  addLine(change, change.server, { time, kind, text });
  // Said once: a server that waits for TLS drops every plain attempt the same way.
  const wantsTls = lostBeforeWelcome && !change.c.toldWantsTls ? plainToTlsPort(change.t, change.c.server, change.c.tls) : null;
  if (wantsTls) {
    change.c.toldWantsTls = true;
    addLine(change, change.server, { time, kind: 'error', text: wantsTls });
  }
  if (offIrc) {
    for (const buffer of change.buffers()) {
      if (buffer.kind === 'channel') addLine(change, buffer, { time, kind: 'status', text });
    }
  }
}

function applyGap(change, event, time) {
  const count = typeof event.from === 'number' && typeof event.to === 'number' ? event.to - event.from + 1 : 0;
  const text = count > 0
    ? change.t('irc.gap', { count })
    : change.t('irc.gapUnknown');
  for (const buffer of change.buffers()) addLine(change, buffer, { time, kind: 'gap', text });
  // The nick lists may have missed joins and parts: the caller asks the server for these channels' NAMES again.
  const channels = [...change.c.buffers.values()].filter((b) => b.kind === 'channel' && b.joined).map((b) => b.name);
  change.note('gap', null, { channels });
}

function applyMessage(change, event, time) {
  const c = change.c;
  const params = event.params ?? [];
  const command = (event.command ?? '').toUpperCase();
  const nick = sourceNick(event.source);
  const last = params.length > 0 ? params[params.length - 1] : '';
  if (SILENT_COMMANDS.has(command)) return;
  if (/^\d{3}$/.test(command)) {
    applyNumeric(change, command, params, time);
    return;
  }
  switch (command) {
    case 'PRIVMSG':
    case 'NOTICE':
      applyText(change, command, event, nick, params, time);
      return;
    case 'JOIN': {
      const channel = params[0];
      if (!channel) return;
      const buffer = ensureBuffer(change, channel, 'channel');
      if (isMe(c, nick)) {
        buffer.joined = true;
        clearUsers(change, buffer);
        // The topic is the one the server gives now (332), or none.
        buffer.topic = '';
        buffer.topicSetBy = '';
        change.note('topic', buffer);
        change.note('joined', buffer);
      }
      change.own(buffer, 'users').set(fold(c, nick), { nick, modes: '' });
      addLine(change, buffer, { time, kind: 'join', nick, text: change.t('irc.joined', { nick, channel: buffer.name }) });
      change.note('users', buffer);
      return;
    }
    case 'PART': {
      const buffer = change.named(params[0] ?? '');
      if (!buffer) return;
      const reason = params.length > 1 ? ` (${stripFormatting(params[1])})` : '';
      change.own(buffer, 'users').delete(fold(c, nick));
      if (isMe(c, nick)) {
        buffer.joined = false;
        clearUsers(change, buffer);
        addLine(change, buffer, { time, kind: 'part', nick, text: change.t('irc.youLeft', { channel: buffer.name, reason }) });
      } else {
        addLine(change, buffer, { time, kind: 'part', nick, text: change.t('irc.left', { nick, reason }) });
      }
      change.note('users', buffer);
      return;
    }
    case 'QUIT': {
      const reason = last ? ` (${stripFormatting(last)})` : '';
      const key = fold(c, nick);
      for (const buffer of change.buffers()) {
        const inChannel = buffer.kind === 'channel' && buffer.users.has(key);
        if (inChannel) change.own(buffer, 'users').delete(key);
        if (inChannel || (buffer.kind === 'query' && buffer.key === key)) {
          addLine(change, buffer, { time, kind: 'quit', nick, text: change.t('irc.quit', { nick, reason }) });
          if (inChannel) change.note('users', buffer);
        }
      }
      return;
    }
    case 'KICK': {
      const [channel, victim] = params;
      const buffer = channel ? change.named(channel) : null;
      if (!buffer || !victim) return;
      const reason = params.length > 2 ? ` (${stripFormatting(params[2])})` : '';
      change.own(buffer, 'users').delete(fold(c, victim));
      if (isMe(c, victim)) {
        buffer.joined = false;
        clearUsers(change, buffer);
        countUnread(change, buffer, addLine(change, buffer, { time, kind: 'kick', nick, text: change.t('irc.kickedYou', { nick, channel: buffer.name, reason }), highlight: true }));
      } else {
        addLine(change, buffer, { time, kind: 'kick-other', nick, text: change.t('irc.kicked', { nick, victim, reason }) });
      }
      change.note('users', buffer);
      return;
    }
    case 'NICK': {
      const newNick = params[0];
      if (!newNick) return;
      const oldKey = fold(c, nick);
      const wasMe = isMe(c, nick);
      if (wasMe) {
        c.nick = newNick;
        c.streamNick = newNick;
        change.note('state');
      }
      for (const buffer of change.buffers()) {
        const user = buffer.kind === 'channel' ? buffer.users.get(oldKey) : null;
        if (user) {
          const users = change.own(buffer, 'users');
          users.delete(oldKey);
          users.set(fold(c, newNick), { nick: newNick, modes: user.modes });
          change.note('users', buffer);
        }
        const isQuery = buffer.kind === 'query' && buffer.key === oldKey;
        if (user || isQuery || (wasMe && buffer.kind === 'server')) {
          const text = wasMe ? change.t('irc.youAreNow', { nick: newNick }) : change.t('irc.isNow', { nick, newNick });
          addLine(change, buffer, { time, kind: 'nick', nick, text });
        }
        if (isQuery && !bufferNamed(c, newNick)) {
          c.buffers.delete(oldKey);
          buffer.name = newNick;
          buffer.key = fold(c, newNick);
          c.buffers.set(buffer.key, buffer);
          change.note('buffers');
        }
      }
      return;
    }
    case 'MODE': {
      const target = params[0] ?? '';
      const modes = params.slice(1).join(' ');
      if (isChannel(c, target)) {
        const buffer = change.named(target);
        if (!buffer) return;
        applyChannelModes(change, buffer, params.slice(1));
        addLine(change, buffer, { time, kind: 'mode', nick, text: change.t('irc.setsMode', { nick: nick || event.source, change: modes }) });
      } else {
        addLine(change, change.server, { time, kind: 'mode', nick, text: change.t('irc.modeOn', { change: modes, target }) });
      }
      return;
    }
    case 'TOPIC': {
      const buffer = change.named(params[0] ?? '');
      if (!buffer) return;
      buffer.topic = last;
      buffer.topicSetBy = nick;
      change.note('topic', buffer);
      addLine(change, buffer, { time, kind: 'topic', nick, text: change.t('irc.topicChanged', { nick, topic: last }) });
      return;
    }
    case 'INVITE': {
      const channel = params[1] ?? '';
      addLine(change, activeBuffer(change), { time, kind: 'notice', nick, text: change.t('irc.invites', { nick, channel }), highlight: true });
      return;
    }
    case 'ERROR':
      addLine(change, change.server, { time, kind: 'error', text: explainServerError(change.t, last, change.c.tls) });
      return;
    case 'FAIL':
    case 'WARN':
    case 'NOTE': {
      const reply = standardReply(change.t, command, params);
      addLine(change, command === 'FAIL' ? errorBuffer(change, '') : change.server, { time, ...reply });
      return;
    }
    case 'WALLOPS':
      addLine(change, change.server, { time, kind: 'notice', nick, text: last });
      return;
    case 'CHGHOST':
    case 'ACCOUNT':
    case 'AWAY':
    case 'SETNAME':
      return;
    default:
      addLine(change, change.server, { time, kind: 'info', text: [command, ...params].join(' ') });
  }
}

/** The buffer the person is looking at (the page says which: `activeKey`), else the server buffer. */
function activeBuffer(change) {
  return change.buffer(change.c.activeKey) ?? change.server;
}

function applyText(change, command, event, nick, params, time) {
  const c = change.c;
  let target = params[0] ?? '';
  let text = params.length > 1 ? params[params.length - 1] : '';
  // STATUSMSG: "@#chan" reaches the channel's operators only; show it in the channel.
  if (target.length > 1 && c.isupport.statusmsg.includes(target[0]) && isChannel(c, target.slice(1))) {
    target = target.slice(1);
  }
  const self = isMe(c, nick);
  const fromServer = !isUserSource(event.source);
  let kind = command === 'NOTICE' ? 'notice' : 'message';
  const ctcp = parseCtcp(text);
  if (ctcp) {
    if (ctcp.command === 'ACTION') {
      kind = 'action';
      text = ctcp.text;
    } else {
      // A CTCP request or reply (VERSION, PING) is about the client, not a conversation: none is opened for it.
      const words = change.t(command === 'NOTICE' ? 'irc.ctcpReply' : 'irc.ctcpRequest', { command: ctcp.command, text: ctcp.text ? ` ${ctcp.text}` : '', nick });
      addLine(change, change.server, { time, kind: 'info', nick, text: words });
      return;
    }
  }
  let buffer;
  if (isChannel(c, target)) {
    buffer = ensureBuffer(change, target, 'channel');
  } else if (fromServer || target === '*' || !nick) {
    buffer = change.server;
  } else if (command === 'NOTICE') {
    // A notice from a user lands in the conversation with them when there is one, else where the person is.
    const other = self ? target : nick;
    buffer = change.named(other) ?? (self ? change.server : activeBuffer(change));
  } else {
    buffer = ensureBuffer(change, self ? target : nick, 'query');
  }
  const highlight = !self && (mentions(c, text) || (buffer.kind === 'query' && kind !== 'notice'));
  const line = addLine(change, buffer, { time, kind, nick: nick || event.source || '', text, self, highlight });
  if (!self) countUnread(change, buffer, line);
}

/** True when `text` names the connection's nick as a word. */
function mentions(connection, text) {
  if (!connection.nick) return false;
  const plain = fold(connection, stripFormatting(text));
  const me = fold(connection, connection.nick);
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

/** The server confirmed the nick (001, REGISTERED): say so when it is not the one the person had. */
function confirmNick(change, nick, time) {
  const c = change.c;
  // Compared with the nick the events last gave (a replay starts with none), or with the one asked for.
  const before = c.streamNick ?? (change.replaying ? null : c.nick);
  c.streamNick = nick;
  if (c.nick !== nick) {
    c.nick = nick;
    change.note('state');
  }
  if (before && fold(c, before) !== fold(c, nick)) {
    addLine(change, change.server, { time, kind: 'status', text: change.t('irc.nickNotAvailable', { nick, wanted: before }) });
  }
}

/**
 * Where an error reply goes: the buffer it names, else where the person last typed (live, and only once
 * registered: during registration the gateway answers the server itself), else the server buffer.
 */
function errorBuffer(change, subject) {
  const c = change.c;
  const named = subject ? change.named(subject) : null;
  if (named) return named;
  const input = c.lastInput;
  const registered = c.state === 'connected';
  if (!change.replaying && registered && input) return change.buffer(input.key) ?? change.server;
  return change.server;
}

function applyWhois(change, command, params, time) {
  const c = change.c;
  const nick = params[1] ?? '';
  const key = fold(c, nick);
  const whois = change.own(c, 'whois');
  const card = { ...(whois.get(key) ?? { nick, extra: [] }) };
  whois.set(key, card);
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
      whois.delete(key);
      if (!card.user) {
        addLine(change, errorBuffer(change, ''), { time, kind: 'server', text: change.t('whois.none', { nick }) });
        return;
      }
      addLine(change, whoisBuffer(change, nick), { time, kind: 'whois', text: `${nick} (${card.user}@${card.host})`, whois: card });
      return;
    }
    default: card.extra = [...card.extra, params.slice(2).join(' ')]; break;
  }
}

function whoisBuffer(change, nick) {
  const input = change.c.lastInput;
  if (!change.replaying && input && change.c.buffers.has(input.key)) return change.buffer(input.key);
  return change.named(nick) ?? activeBuffer(change);
}

function applyChannelModes(change, buffer, args) {
  const c = change.c;
  const modeString = args[0] ?? '';
  const values = args.slice(1);
  const { prefixModes, chanmodes } = c.isupport;
  let adding = true;
  let changedUsers = false;
  for (const mode of modeString) {
    if (mode === '+') { adding = true; continue; }
    if (mode === '-') { adding = false; continue; }
    const takesValue = prefixModes.includes(mode) || chanmodes[0].includes(mode) || chanmodes[1].includes(mode)
      || (adding && chanmodes[2].includes(mode));
    const value = takesValue ? values.shift() : undefined;
    if (!prefixModes.includes(mode) || value === undefined) continue;
    const key = fold(c, value);
    const user = buffer.users.get(key);
    if (!user) continue;
    const has = user.modes.includes(mode);
    if (adding && !has) change.own(buffer, 'users').set(key, { ...user, modes: user.modes + mode });
    if (!adding && has) change.own(buffer, 'users').set(key, { ...user, modes: user.modes.replace(mode, '') });
    changedUsers = true;
  }
  if (changedUsers) change.note('users', buffer);
}

function applyNumeric(change, command, params, time) {
  const c = change.c;
  const rest = params.slice(1);
  const last = params.length > 0 ? params[params.length - 1] : '';
  switch (command) {
    case '001':
      if (params[0]) confirmNick(change, params[0], time);
      change.note('state');
      break;
    case '005': {
      const before = c.isupport.casemapping;
      c.isupport = applyIsupport({ ...c.isupport }, params.slice(1, -1));
      if (before !== c.isupport.casemapping) rekey(change);
      change.note('state');
      change.note('buffers');
      addLine(change, change.server, { time, kind: 'info', text: params.slice(1).join(' '), folded: true });
      return;
    }
    case '332': {
      const buffer = ensureBuffer(change, params[1], 'channel');
      buffer.topic = last;
      change.note('topic', buffer);
      addLine(change, buffer, { time, kind: 'topic', text: change.t('irc.topic', { topic: last }) });
      return;
    }
    case '333': {
      const buffer = change.named(params[1] ?? '');
      if (!buffer) return;
      buffer.topicSetBy = sourceNick(params[2] ?? '');
      change.note('topic', buffer);
      return;
    }
    case '353': {
      // RPL_NAMREPLY: <me> <symbol> <channel> :<names>
      const buffer = change.named(params[2] ?? '');
      if (!buffer) break;
      buffer.pendingNames ??= new Map();
      const pending = change.own(buffer, 'pendingNames');
      const { prefixSymbols, prefixModes } = c.isupport;
      for (const entry of last.split(' ')) {
        if (!entry) continue;
        let i = 0;
        let modes = '';
        while (i < entry.length && prefixSymbols.includes(entry[i])) {
          modes += prefixModes[prefixSymbols.indexOf(entry[i])];
          i++;
        }
        const name = sourceNick(entry.slice(i));
        if (name) pending.set(fold(c, name), { nick: name, modes });
      }
      return;
    }
    case '366': {
      const buffer = change.named(params[1] ?? '');
      if (!buffer) return;
      if (buffer.pendingNames) {
        buffer.users = buffer.pendingNames;
        buffer.pendingNames = null;
        change.note('users', buffer);
      }
      return;
    }
    default:
      break;
  }
  if (WHOIS_NUMERICS.has(command) && params.length > 2) {
    applyWhois(change, command, params, time);
    return;
  }
  const isSaslFailure = ['902', '904', '905', '906', '907'].includes(command);
  const isError = ((command[0] === '4' || command[0] === '5') && !NOT_ERRORS.has(command)) || isSaslFailure;
  // Most numerics are "<me> [subjects...] :<text>"; show the subjects before the text.
  const words = rest.length > 1 ? `${rest.slice(0, -1).join(' ')} ${last}` : last;
  if (isError) {
    const subject = rest.length > 1 ? rest[0] : '';
    const explained = explainNumeric(change.t, command, subject, last, c.saslAccount);
    if (JOIN_REFUSALS.has(command) && isChannel(c, subject)) {
      // Said in the channel's own buffer, opened for it: that is where the person looks for the channel.
      const buffer = ensureBuffer(change, subject, 'channel');
      addLine(change, buffer, { time, kind: 'error', text: explained ?? (ERROR_TEXT.has(command) ? errorText(change, command, subject, last) : words) });
      change.note('refused', buffer);
      return;
    }
    // While registering, the gateway itself answers a refused nick: the server's own words, no advice.
    const registered = c.state === 'connected';
    const plain = explained ?? (registered && ERROR_TEXT.has(command) && subject ? errorText(change, command, subject, last) : words);
    addLine(change, errorBuffer(change, subject), { time, kind: 'error', text: plain });
    return;
  }
  let buffer = change.server;
  if (CHANNEL_NUMERICS.has(command) && params[1] && bufferNamed(c, params[1])) buffer = change.named(params[1]);
  addLine(change, buffer, { time, kind: 'server', text: words, folded: FOLDED_NUMERICS.has(command) });
}

// ---- what the page does ----

/**
 * Applies one thing the page did. `action.type`:
 * - `add` a connection (`info`, the gateway's connection object with `saslAccount`; `saved`, what the read store
 *   held for it, or null);
 * - `remove` connection `connectionId`;
 * - `line`: a line of the client's own (`key`, `kind`, `text`, `now`);
 * - `read`: the person has seen everything in buffer `key` so far;
 * - `merge`: what another tab stored (`saved`);
 * - `open`: the person opens a private conversation with `name`;
 * - `close`: buffer `key` closed for good (it stays closed after a reload and in other tabs);
 * - `gone`: the gateway no longer has the connection (`now`);
 * - `transport`: how its events arrive (`transport`: 'sse', 'poll', 'retrying', 'ended');
 * - `active`: the buffer `key` is on screen (INVITE and WHOIS replies go there);
 * - `input`: the person sent something from buffer `key` (error replies that answer it go there).
 * Returns `{ state, changes }`; nothing changed leaves the same state object and no changes. `t` words the lines it
 * writes, as for `apply`.
 */
export function act(state, action, t = english) {
  if (action.type === 'add') return addConnection(state, action.info, action.saved);
  const connection = state.connections.get(action.connectionId);
  if (!connection) return { state, changes: [] };
  if (action.type === 'remove') {
    const connections = new Map(state.connections);
    connections.delete(connection.id);
    return { state: { ...state, connections }, changes: [{ what: 'connections', connectionId: connection.id }] };
  }
  const change = new Change(state, connection, { now: action.now, t });
  const c = change.c;
  switch (action.type) {
    case 'line': {
      const buffer = change.buffer(action.key);
      if (!buffer) return { state, changes: [] };
      addLine(change, buffer, { time: action.now, kind: action.kind, text: action.text });
      break;
    }
    case 'read': {
      const buffer = change.buffer(action.key);
      if (!buffer || (buffer.unread === 0 && buffer.mentions === 0 && buffer.readSeq >= c.lastSeq)) return { state, changes: [] };
      buffer.readSeq = Math.max(buffer.readSeq, c.lastSeq);
      buffer.unread = 0;
      buffer.mentions = 0;
      change.own(c, 'readMarks').set(buffer.key, buffer.readSeq);
      change.saveReadState = true;
      change.note('read');
      break;
    }
    case 'merge':
      if (!action.saved) return { state, changes: [] };
      if (mergeReadState(change, action.saved)) change.note('read');
      break;
    case 'open':
      ensureBuffer(change, action.name, 'query', { byUser: true });
      break;
    case 'close': {
      const buffer = c.buffers.get(action.key);
      if (!buffer || buffer.kind === 'server') return { state, changes: [] };
      c.buffers.delete(buffer.key);
      change.own(c, 'closedMarks').set(buffer.key, c.lastSeq);
      change.own(c, 'readMarks').delete(buffer.key);
      change.saveReadState = true;
      change.note('buffers');
      break;
    }
    case 'gone':
      if (c.state === 'closed') return { state, changes: [] };
      setState(change, 'closed');
      addLine(change, change.server, { time: action.now, kind: 'error', text: change.t('gateway.gone') });
      for (const buffer of change.buffers()) clearUsers(change, buffer);
      change.note('buffers');
      break;
    case 'transport':
      c.transport = action.transport;
      change.note('state');
      break;
    case 'account':
      // The person registered this account through the connection: SASL failures name it from now on.
      c.saslAccount = action.account;
      change.note('state');
      break;
    case 'active':
      c.activeKey = action.key;
      break;
    case 'input':
      c.lastInput = { key: action.key, seq: c.lastSeq };
      break;
    default:
      throw new Error(`Unknown action ${action.type}`);
  }
  return change.finish(state);
}

function addConnection(state, info, saved) {
  if (state.connections.has(info.id)) return { state, changes: [] };
  const historySeq = info.lastSeq ?? 0;
  const readBase = saved?.base ?? historySeq;
  const readMarks = new Map(Object.entries(saved?.read ?? {}));
  const connection = {
    id: info.id,
    server: info.server,
    tls: Boolean(info.tls),
    /** The SASL account the person gave when connecting (the contract's connection object does not carry it). */
    saslAccount: info.saslAccount ?? '',
    /** True once the log said that the server seems to want TLS (said once a connection). */
    toldWantsTls: false,
    nick: info.nick ?? '',
    /** The nick as the events last confirmed it (001, NICK): null until the first one. */
    streamNick: null,
    state: info.state ?? 'connecting',
    statusDetail: '',
    isupport: defaultIsupport(),
    lastSeq: 0,
    /** Events up to here happened before this page loaded (a replay): no notifications, no error routing for them. */
    historySeq,
    transport: '',
    /** The buffer the person is looking at (INVITE and WHOIS replies go there). */
    activeKey: '',
    /** Where and when (seq) the person last sent something: error replies that answer it go to that buffer. */
    lastInput: null,
    /** WHOIS replies being gathered, by folded nick, until 318 ends them. */
    whois: new Map(),
    /** What counts as read in a buffer the person never opened: the history when this browser first saw the connection. */
    readBase,
    /** folded name -> seq read up to (buffers the person opened) */
    readMarks,
    /** folded name -> seq at which the person closed the buffer: older activity does not bring it back */
    closedMarks: new Map(Object.entries(saved?.closed ?? {})),
    /** folded name -> buffer, the server buffer under '' */
    buffers: new Map(),
  };
  const server = newBuffer(info.id, info.server, 'server', '');
  server.readSeq = readMarks.get('') ?? readBase;
  connection.buffers.set('', server);
  const change = new Change({ ...state, connections: new Map(state.connections).set(info.id, connection) }, connection);
  for (const channel of info.channels ?? []) {
    if (!connection.closedMarks.has(fold(connection, channel))) ensureBuffer(change, channel, 'channel').joined = true;
  }
  change.saveReadState = !saved;
  change.changes = [{ what: 'connections', connectionId: info.id }];
  return change.finish(state);
}

/** Takes what another tab of this session stored (read points, closed buffers). Returns true when anything changed. */
function mergeReadState(change, saved) {
  const c = change.c;
  let changed = false;
  for (const [key, seq] of Object.entries(saved.read ?? {})) {
    if (seq <= (c.readMarks.get(key) ?? -1)) continue;
    change.own(c, 'readMarks').set(key, seq);
    const existing = c.buffers.get(key);
    if (existing && seq > existing.readSeq) {
      const buffer = change.buffer(key);
      buffer.readSeq = seq;
      recount(buffer);
      changed = true;
    }
  }
  for (const [key, seq] of Object.entries(saved.closed ?? {})) {
    if ((c.closedMarks.get(key) ?? -1) >= seq) continue;
    change.own(c, 'closedMarks').set(key, seq);
    const buffer = c.buffers.get(key);
    if (buffer && buffer.kind !== 'server' && buffer.lines.every((line) => line.seq <= seq)) {
      c.buffers.delete(key);
      changed = true;
    }
  }
  for (const key of [...c.closedMarks.keys()]) {
    if (!(key in (saved.closed ?? {})) && !c.buffers.has(key)) change.own(c, 'closedMarks').delete(key);
  }
  return changed;
}
