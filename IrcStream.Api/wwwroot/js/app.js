// Wires the gateway (api.js, events.js), the model (state.js) and the page: the view (ui.js), the connect dialog
// (connect.js), the input line (input.js) and the settings (settings.js). The model's effects happen here: the
// clock, the read store, notifications, and asking for NAMES after a gap.

import { api, describeProblem } from './api.js';
import { ConnectDialog } from './connect.js';
import { EventFeed } from './events.js';
import { pickLanguage, t, useLanguage } from './i18n.js';
import { InputLine, isRegistered, send } from './input.js';
import { channelLink, parseLink } from './link.js';
import { Notifier } from './notify.js';
import { ReadStore } from './readstate.js';
import { RegisterDialog, Registrations } from './register.js';
import { setUpSettings } from './settings.js';
import { act, apply, bufferAt, bufferNamed, fold, initialState, readState, serverBuffer } from './state.js';
import { local, session } from './storage.js';
import { View, applyBranding } from './ui.js';

const ACTIVE_KEY = 'ircstream.active';
/** The SASL account a connection logs in with, per connection id, so a failure can name it after a reload. */
const ACCOUNT_KEY = 'ircstream.account.';

const transport = new URLSearchParams(location.search).get('transport') === 'poll' ? 'poll' : 'auto';
const readStore = new ReadStore();

/**
 * The model's state and the one way it changes: the reducer (state.js), given the time and the chosen language's
 * words (i18n.js `t`). Each change it reports goes to the listeners (the view, the wiring below) after the state is
 * in place; the read state it asks to keep is written to the read store (readstate.js).
 */
class Store {
  constructor() {
    this.state = initialState();
    this.listeners = new Set();
  }

  get connections() {
    return this.state.connections;
  }

  on(listener) {
    this.listeners.add(listener);
  }

  /** A gateway event for connection `connectionId`. */
  apply(connectionId, event) {
    this.commit(apply(this.state, connectionId, event, new Date(), t));
  }

  /** Something the page did (state.js, `act`). */
  act(action) {
    this.commit(act(this.state, { now: new Date(), ...action }, t));
  }

  commit({ state, changes }) {
    this.state = state;
    for (const change of changes) {
      // What is stored is the read state as it is now: a later change (a read during this one's listeners) may have moved it.
      if (change.what === 'save') saveReadState(change.connectionId);
      else for (const listener of this.listeners) listener(change);
    }
  }
}

const store = new Store();

function saveReadState(connectionId) {
  const connection = store.connections.get(connectionId);
  if (connection) readStore.save(connectionId, readState(connection));
}

const feeds = new Map();
/** What each connection's server offers for registering a nick, and the dialog that does it. */
const registrations = new Registrations();

/** The buffer to show again after a reload, until it turns up in the replay or the user picks another. */
let restoreTarget = readStoredActive();
/** A channel the user asked to /join, shown as soon as the server confirms. */
let focusOnJoin = null;
/** True while the buffer on screen was picked by the client, not the person. */
let autoChosen = false;

const view = new View(store, {
  onActivate(buffer, auto) {
    autoChosen = auto;
    if (auto && restoreTarget) return;
    restoreTarget = null;
    // Per tab, and for the next time the page is opened (a new tab starts with no sessionStorage).
    const active = JSON.stringify({ connectionId: buffer.connectionId, key: buffer.key });
    session.setItem(ACTIVE_KEY, active);
    local.setItem(ACTIVE_KEY, active);
    if (!auto) inputLine.focus();
  },
  onRemoveConnection(connection) {
    feeds.get(connection.id)?.stop();
    feeds.delete(connection.id);
    store.act({ type: 'remove', connectionId: connection.id });
    readStore.remove(connection.id);
    if (store.connections.size === 0) connectDialog.open();
  },
  async onStopConnection(connection) {
    try {
      await api.close(connection.id);
    } catch (error) {
      if (error.status !== 404) {
        localLine(serverBuffer(connection), 'error', t('gateway.stopFailed', { problem: describeProblem(error) }));
        return;
      }
      markGone(connection);
    }
  },
  onNickClick(connection, nick) {
    view.activate(openQuery(connection, nick));
  },
  onCloseBuffer(buffer) {
    closeBuffer(buffer);
  },
  onLeave(buffer) {
    sendFrom(buffer, [`PART ${buffer.name}`]).catch((error) => localLine(buffer, 'error', t('input.notSent', { problem: describeProblem(error) })));
  },
  onCopyLink(buffer) {
    copyChannelLink(buffer);
  },
  canRegister: (connection) => registrations.canRegister(connection),
  onRegister(connection) {
    registerDialog.open(connection);
  },
});

const registerDialog = new RegisterDialog({
  registrations,
  send: (connection, lines) => send(connection, lines),
  localLine: (buffer, kind, text) => localLine(buffer, kind, text),
  onRegistered(connection, account) {
    // SASL failures and the like name the account from now on, also after a reload.
    store.act({ type: 'account', connectionId: connection.id, account });
    local.setItem(`${ACCOUNT_KEY}${connection.id}`, account);
  },
});

/** The gateway's settings for the client (GET /api/config); the form works without them. */
let config = { allowedServers: [], defaultChannels: [], showServerField: true, autoConnect: false };

/** Puts a link to the channel on the clipboard and in the buffer, where it can be copied by hand too. */
async function copyChannelLink(buffer) {
  const link = channelLink(location.origin, buffer.name, store.connections.get(buffer.connectionId).server, config.defaultServer);
  try {
    await navigator.clipboard.writeText(link);
    localLine(buffer, 'client', t('link.copied', { channel: buffer.name, link }));
  } catch {
    localLine(buffer, 'client', t('link.plain', { channel: buffer.name, link }));
  }
}

const notifier = new Notifier({ onClick: (buffer) => view.activate(buffer) });

readStore.onChange((connectionId, saved) => store.act({ type: 'merge', connectionId, saved }));

function readStoredActive() {
  try {
    return JSON.parse(session.getItem(ACTIVE_KEY) ?? local.getItem(ACTIVE_KEY) ?? 'null');
  } catch {
    return null;
  }
}

store.on((change) => {
  const { what } = change;
  if (what === 'buffers' || what === 'connections') {
    if (restoreTarget) {
      const buffer = bufferAt(store.state, restoreTarget.connectionId, restoreTarget.key);
      if (buffer) view.activate(buffer);
    }
    if (!view.activeBuffer) {
      const first = store.connections.values().next().value;
      if (first) view.activate(serverBuffer(first), { auto: true });
    }
  }
  if (what === 'buffers' || what === 'joined') preferChannel();
  // Joined, or refused with the reason in the channel's buffer: either way that is the buffer to show.
  if ((what === 'joined' || what === 'refused') && focusOnJoin && focusOnJoin.connectionId === change.connectionId) {
    const connection = store.connections.get(change.connectionId);
    if (change.key === fold(connection, focusOnJoin.name)) {
      focusOnJoin = null;
      view.activate(bufferAt(store.state, change.connectionId, change.key));
    }
  }
  if (what === 'gap') askForNames(change.connectionId, change.channels);
  if (what === 'unread' && change.line.highlight && change.live) {
    notifier.announce(bufferAt(store.state, change.connectionId, change.key), change.line);
  }
});

/** Nothing remembered (storage blocked in a frame, a new browser): a joined channel says more than the sign-on lines. */
function preferChannel() {
  const active = view.activeBuffer;
  if (!autoChosen || restoreTarget || active?.kind !== 'server') return;
  const channel = [...store.connections.get(active.connectionId).buffers.values()].find((b) => b.kind === 'channel' && b.joined);
  if (channel) view.activate(channel, { auto: true });
}

/** After a gap the nick lists may have missed joins and parts: ask the server for them again. */
function askForNames(connectionId, channels) {
  if (channels.length === 0) return;
  api.sendLines(connectionId, channels.map((name) => `NAMES ${name}`)).catch(() => {});
}

function localLine(buffer, kind, text) {
  store.act({ type: 'line', connectionId: buffer.connectionId, key: buffer.key, kind, text });
}

/** A private conversation the person opens (also one closed before), and its buffer. */
function openQuery(connection, nick) {
  store.act({ type: 'open', connectionId: connection.id, name: nick });
  return bufferNamed(store.connections.get(connection.id), nick);
}

/** Sends what the person typed in `buffer`; the server's error replies to it will be shown there. */
function sendFrom(buffer, lines) {
  store.act({ type: 'input', connectionId: buffer.connectionId, key: buffer.key });
  return send(store.connections.get(buffer.connectionId), lines);
}

function markGone(connection) {
  if (store.connections.get(connection.id)?.state === 'closed') return;
  feeds.get(connection.id)?.stop();
  store.act({ type: 'gone', connectionId: connection.id });
}

function startFeed(connection) {
  const id = connection.id;
  const feed = new EventFeed(id, {
    transport,
    lastSeq: () => store.connections.get(id)?.lastSeq ?? 0,
    onEvent: (event) => {
      store.apply(id, event);
      // What the server offers for registering a nick, and whether it is logged in: the header's button follows.
      if (registrations.observe(store.connections.get(id), event)) view.schedule('header');
    },
    onTransport: (name) => store.act({ type: 'transport', connectionId: id, transport: name }),
    onGone: () => markGone(connection),
  });
  feeds.set(id, feed);
  feed.start();
}

window.addEventListener('online', () => {
  for (const feed of feeds.values()) feed.reopen();
});

/** Closes a buffer (parting a channel first when the server can be told). */
async function closeBuffer(buffer) {
  const connection = store.connections.get(buffer.connectionId);
  if (buffer.kind === 'server') return;
  if (buffer.kind === 'channel' && buffer.joined && isRegistered(connection)) {
    try {
      await sendFrom(buffer, [`PART ${buffer.name}`]);
    } catch (error) {
      localLine(buffer, 'error', t('gateway.leaveFailed', { channel: buffer.name, problem: describeProblem(error) }));
      return;
    }
  }
  store.act({ type: 'close', connectionId: buffer.connectionId, key: buffer.key });
}

const inputLine = new InputLine({
  store,
  activeBuffer: () => view.activeBuffer,
  openQuery,
  sendFrom,
  activate: (buffer) => view.activate(buffer),
  localLine,
  closeBuffer,
  markGone,
  focusOnJoin: (connection, name) => { focusOnJoin = { connectionId: connection.id, name }; },
});

const connectDialog = new ConnectDialog({
  hasConnections: () => store.connections.size > 0,
  onConnected(info, body) {
    if (body.sasl?.account) local.setItem(`${ACCOUNT_KEY}${info.id}`, body.sasl.account);
    const connection = storeConnection({ ...info, saslAccount: body.sasl?.account });
    if (body.channels?.length) focusOnJoin = { connectionId: connection.id, name: body.channels[0] };
    startFeed(connection);
    view.activate(serverBuffer(connection));
    forgetLink();
  },
});

/** The connection `info` (the gateway's connection object) in the model, with what the read store kept for it. */
function storeConnection(info) {
  store.act({ type: 'add', info, saved: readStore.load(info.id) });
  return store.connections.get(info.id);
}

/** A link's channels on a connection the browser already has to that server: joined there, no second connection. */
function joinOnExisting(link) {
  const server = (link.server ?? config.defaultServer ?? '').toLowerCase();
  if (!server || link.channels.length === 0) return false;
  const connection = [...store.connections.values()].find((c) => c.server.toLowerCase() === server && c.state !== 'closed');
  if (!connection) return false;
  const first = link.channels[0];
  restoreTarget = null;
  focusOnJoin = { connectionId: connection.id, name: first };
  // JOIN of a channel already joined changes nothing on IRC; the buffer opens once the replay has it.
  send(connection, [`JOIN ${link.channels.join(',')}`])
    .catch((error) => localLine(serverBuffer(connection), 'error', t('link.joinFailed', { channels: link.channels.join(', '), problem: describeProblem(error) })));
  return true;
}

async function start() {
  const [loaded, listed] = await Promise.allSettled([api.config(), api.listConnections()]);
  if (loaded.status === 'fulfilled' && loaded.value) config = { ...config, ...loaded.value };
  // The language first (the link's ?lang=, else the browser's): everything from here on speaks it.
  const asked = new URLSearchParams(location.search).get('lang');
  await useLanguage(pickLanguage([asked, ...(navigator.languages ?? [navigator.language])], config.languages ?? ['en']));
  view.schedule('sidebar', 'header', 'nicks', 'input');
  applyBranding(config);
  const link = parseLink(location.search, location.hash, config.allowedServers ?? []);
  connectDialog.fill(link, config);
  let infos = [];
  if (listed.status === 'fulfilled') {
    infos = listed.value ?? [];
    readStore.prune(infos.map((info) => info.id));
  } else {
    view.activate(null);
    connectDialog.showError(t('connect.listFailed', { problem: describeProblem(listed.reason) }));
  }
  if (restoreTarget && !infos.some((info) => info.id === restoreTarget.connectionId)) restoreTarget = null;
  for (const info of infos) {
    const connection = storeConnection({ ...info, saslAccount: local.getItem(`${ACCOUNT_KEY}${info.id}`) ?? '' });
    startFeed(connection);
  }
  if (link.present && joinOnExisting(link)) {
    forgetLink();
    return;
  }
  if (store.connections.size === 0) view.activate(null);
  if (store.connections.size === 0 || link.present) {
    connectDialog.open();
    if (link.present && config.autoConnect && link.problems.length === 0 && connectDialog.nick) connectDialog.requestSubmit();
  }
}

// A link to a channel followed inside the open page (only the fragment changes): joined like one that opened it.
window.addEventListener('hashchange', () => {
  const link = parseLink('', location.hash, config.allowedServers ?? []);
  if (link.channels.length > 0 && joinOnExisting(link)) forgetLink();
});

/**
 * A link is followed once: reloading the page afterwards must not join again what the person has left since.
 * What is about the page itself (`transport`, `lang`) stays in the address.
 */
function forgetLink() {
  const params = new URLSearchParams(location.search);
  const kept = new URLSearchParams();
  for (const name of ['transport', 'lang']) {
    if (params.get(name)) kept.set(name, params.get(name));
  }
  const query = kept.toString();
  window.history.replaceState(null, '', `${location.pathname}${query ? `?${query}` : ''}`);
}

start();

setUpSettings(notifier);
