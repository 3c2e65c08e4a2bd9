// Wires the gateway (api.js, events.js), the model (state.js) and the page: the view (ui.js), the connect dialog
// (connect.js), the input line (input.js) and the settings (settings.js).

import { api, describeProblem } from './api.js';
import { ConnectDialog } from './connect.js';
import { EventFeed } from './events.js';
import { pickLanguage, t, useLanguage } from './i18n.js';
import { InputLine, isRegistered, send, sendFrom } from './input.js';
import { channelLink, parseLink } from './link.js';
import { Notifier } from './notify.js';
import { ReadStore } from './readstate.js';
import { RegisterDialog, Registrations } from './register.js';
import { setUpSettings } from './settings.js';
import { Model } from './state.js';
import { local, session } from './storage.js';
import { View, applyBranding } from './ui.js';

const ACTIVE_KEY = 'ircstream.active';
/** The SASL account a connection logs in with, per connection id, so a failure can name it after a reload. */
const ACCOUNT_KEY = 'ircstream.account.';

const transport = new URLSearchParams(location.search).get('transport') === 'poll' ? 'poll' : 'auto';
const readStore = new ReadStore();
const model = new Model({ store: readStore });
const feeds = new Map();
/** What each connection's server offers for registering a nick, and the dialog that does it. */
const registrations = new Registrations();

/** The buffer to show again after a reload, until it turns up in the replay or the user picks another. */
let restoreTarget = readStoredActive();
/** A channel the user asked to /join, shown as soon as the server confirms. */
let focusOnJoin = null;
/** True while the buffer on screen was picked by the client, not the person. */
let autoChosen = false;

const view = new View(model, {
  onActivate(buffer, auto) {
    autoChosen = auto;
    if (auto && restoreTarget) return;
    restoreTarget = null;
    // Per tab, and for the next time the page is opened (a new tab starts with no sessionStorage).
    const active = JSON.stringify({ connectionId: buffer.connection.id, key: buffer.key });
    session.setItem(ACTIVE_KEY, active);
    local.setItem(ACTIVE_KEY, active);
    if (!auto) inputLine.focus();
  },
  onRemoveConnection(connection) {
    feeds.get(connection.id)?.stop();
    feeds.delete(connection.id);
    model.removeConnection(connection);
    readStore.remove(connection.id);
    if (model.connections.size === 0) connectDialog.open();
  },
  async onStopConnection(connection) {
    try {
      await api.close(connection.id);
    } catch (error) {
      if (error.status !== 404) {
        localLine(connection.serverBuffer, 'error', t('gateway.stopFailed', { problem: describeProblem(error) }));
        return;
      }
      markGone(connection);
    }
  },
  onNickClick(connection, nick) {
    const buffer = connection.ensureBuffer(nick, 'query', { byUser: true });
    view.activate(buffer);
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
    connection.saslAccount = account;
    local.setItem(`${ACCOUNT_KEY}${connection.id}`, account);
    model.emit('state', { connection });
  },
});

/** The gateway's settings for the client (GET /api/config); the form works without them. */
let config = { allowedServers: [], defaultChannels: [], showServerField: true, autoConnect: false };

/** Puts a link to the channel on the clipboard and in the buffer, where it can be copied by hand too. */
async function copyChannelLink(buffer) {
  const link = channelLink(location.origin, buffer.name, buffer.connection.server, config.defaultServer);
  try {
    await navigator.clipboard.writeText(link);
    localLine(buffer, 'client', t('link.copied', { channel: buffer.name, link }));
  } catch {
    localLine(buffer, 'client', t('link.plain', { channel: buffer.name, link }));
  }
}

const notifier = new Notifier({ onClick: (buffer) => view.activate(buffer) });

readStore.onChange((connectionId, saved) => {
  const connection = model.connections.get(connectionId);
  if (connection?.mergeReadState(saved)) model.emit('read', { connection });
});

function readStoredActive() {
  try {
    return JSON.parse(session.getItem(ACTIVE_KEY) ?? local.getItem(ACTIVE_KEY) ?? 'null');
  } catch {
    return null;
  }
}

model.on((what, detail) => {
  if (what === 'buffers' || what === 'connections') {
    if (restoreTarget) {
      const buffer = model.connections.get(restoreTarget.connectionId)?.buffers.get(restoreTarget.key);
      if (buffer) view.activate(buffer);
    }
    if (!view.activeBuffer) {
      const first = model.connections.values().next().value;
      if (first) view.activate(first.serverBuffer, { auto: true });
    }
  }
  if (what === 'buffers' || what === 'joined') preferChannel();
  // Joined, or refused with the reason in the channel's buffer: either way that is the buffer to show.
  if ((what === 'joined' || what === 'refused') && focusOnJoin && focusOnJoin.connection === detail.buffer.connection
      && detail.buffer.key === detail.buffer.connection.fold(focusOnJoin.name)) {
    focusOnJoin = null;
    view.activate(detail.buffer);
  }
  if (what === 'gap') refreshChannels(detail.connection);
  if (what === 'unread' && detail.line.highlight && !model.replaying) notifier.announce(detail.buffer, detail.line);
});

/** Nothing remembered (storage blocked in a frame, a new browser): a joined channel says more than the sign-on lines. */
function preferChannel() {
  const active = view.activeBuffer;
  if (!autoChosen || restoreTarget || active?.kind !== 'server') return;
  const channel = [...active.connection.buffers.values()].find((b) => b.kind === 'channel' && b.joined);
  if (channel) view.activate(channel, { auto: true });
}

/** After a gap the nick lists may have missed joins and parts: ask the server for them again. */
function refreshChannels(connection) {
  const channels = [...connection.buffers.values()].filter((b) => b.kind === 'channel' && b.joined).map((b) => b.name);
  if (channels.length === 0) return;
  api.sendLines(connection.id, channels.map((name) => `NAMES ${name}`)).catch(() => {});
}

function localLine(buffer, kind, text) {
  model.addLine(buffer, { time: new Date(), kind, text });
}

function markGone(connection) {
  if (connection.state === 'closed') return;
  feeds.get(connection.id)?.stop();
  model.setState(connection, 'closed');
  localLine(connection.serverBuffer, 'error', t('gateway.gone'));
  for (const buffer of connection.buffers.values()) buffer.users.clear();
  model.emit('buffers', { connection });
}

function startFeed(connection) {
  const feed = new EventFeed(connection.id, {
    transport,
    lastSeq: () => connection.lastSeq,
    onEvent: (event) => {
      if (model.apply(connection, event) && registrations.observe(connection, event)) model.emit('state', { connection });
    },
    onTransport: (name) => {
      connection.transport = name;
      model.emit('state', { connection });
    },
    onGone: () => markGone(connection),
  });
  feeds.set(connection.id, feed);
  feed.start();
}

window.addEventListener('online', () => {
  for (const feed of feeds.values()) feed.reopen();
});

/** Closes a buffer (parting a channel first when the server can be told). */
async function closeBuffer(buffer) {
  const connection = buffer.connection;
  if (buffer.kind === 'server') return;
  if (buffer.kind === 'channel' && buffer.joined && isRegistered(connection)) {
    try {
      await sendFrom(buffer, [`PART ${buffer.name}`]);
    } catch (error) {
      localLine(buffer, 'error', t('gateway.leaveFailed', { channel: buffer.name, problem: describeProblem(error) }));
      return;
    }
  }
  connection.removeBuffer(buffer);
}

const inputLine = new InputLine({
  activeBuffer: () => view.activeBuffer,
  activate: (buffer) => view.activate(buffer),
  localLine,
  closeBuffer,
  markGone,
  focusOnJoin: (connection, name) => { focusOnJoin = { connection, name }; },
});

const connectDialog = new ConnectDialog({
  hasConnections: () => model.connections.size > 0,
  onConnected(info, body) {
    if (body.sasl?.account) local.setItem(`${ACCOUNT_KEY}${info.id}`, body.sasl.account);
    const connection = model.addConnection({ ...info, saslAccount: body.sasl?.account });
    if (body.channels?.length) focusOnJoin = { connection, name: body.channels[0] };
    startFeed(connection);
    view.activate(connection.serverBuffer);
    forgetLink();
  },
});

/** A link's channels on a connection the browser already has to that server: joined there, no second connection. */
function joinOnExisting(link) {
  const server = (link.server ?? config.defaultServer ?? '').toLowerCase();
  if (!server || link.channels.length === 0) return false;
  const connection = [...model.connections.values()].find((c) => c.server.toLowerCase() === server && c.state !== 'closed');
  if (!connection) return false;
  const first = link.channels[0];
  restoreTarget = null;
  focusOnJoin = { connection, name: first };
  // JOIN of a channel already joined changes nothing on IRC; the buffer opens once the replay has it.
  send(connection, [`JOIN ${link.channels.join(',')}`])
    .catch((error) => localLine(connection.serverBuffer, 'error', t('link.joinFailed', { channels: link.channels.join(', '), problem: describeProblem(error) })));
  return true;
}

async function start() {
  const [loaded, listed] = await Promise.allSettled([api.config(), api.listConnections()]);
  if (loaded.status === 'fulfilled' && loaded.value) config = { ...config, ...loaded.value };
  // The language first (the link's ?lang=, else the browser's): everything from here on speaks it.
  const asked = new URLSearchParams(location.search).get('lang');
  await useLanguage(pickLanguage([asked, ...(navigator.languages ?? [navigator.language])], config.languages ?? ['en']));
  model.emit('connections', {});
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
    const connection = model.addConnection({ ...info, saslAccount: local.getItem(`${ACCOUNT_KEY}${info.id}`) ?? '' });
    startFeed(connection);
  }
  if (link.present && joinOnExisting(link)) {
    forgetLink();
    return;
  }
  if (model.connections.size === 0) view.activate(null);
  if (model.connections.size === 0 || link.present) {
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
