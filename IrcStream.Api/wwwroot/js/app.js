// Wires the gateway (api.js, events.js), the model (state.js), the input (commands.js) and the page (ui.js).

import { api, ProblemError } from './api.js';
import { humanCheckTexts } from './pow.js';
import { COMMANDS, CommandError, InputHistory, completeNick, interpret } from './commands.js';
import { EventFeed } from './events.js';
import { channelLink, fillNickFormat, parseLink } from './link.js';
import { Notifier } from './notify.js';
import { ReadStore } from './readstate.js';
import { REGISTER_TEXTS, RegisterDialog, Registrations } from './register.js';
import { Model } from './state.js';
import { local, session } from './storage.js';
import { View, applyBranding } from './ui.js';

/** Lines per POST: well under the 64 KiB body limit even at 510 bytes each. */
const LINES_PER_REQUEST = 100;
const ACTIVE_KEY = 'ircstream.active';
/** The SASL account a connection logs in with, per connection id, so a failure can name it after a reload. */
const ACCOUNT_KEY = 'ircstream.account.';

const transport = new URLSearchParams(location.search).get('transport') === 'poll' ? 'poll' : 'auto';
const readStore = new ReadStore();
const model = new Model({ store: readStore });
const feeds = new Map();
/** What each connection's server offers for registering a nick, and the dialog that does it. */
const registrations = new Registrations();
const history = new InputHistory();
const $ = (id) => document.getElementById(id);

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
    if (!auto) $('input').focus({ preventScroll: true });
  },
  onRemoveConnection(connection) {
    feeds.get(connection.id)?.stop();
    feeds.delete(connection.id);
    model.removeConnection(connection);
    readStore.remove(connection.id);
    if (model.connections.size === 0) openConnectDialog();
  },
  async onStopConnection(connection) {
    try {
      await api.close(connection.id);
    } catch (error) {
      if (error.status !== 404) {
        localLine(connection.serverBuffer, 'error', `Could not stop the connection: ${describeProblem(error)}`);
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
    sendFrom(buffer, [`PART ${buffer.name}`]).catch((error) => localLine(buffer, 'error', `Not sent: ${describeProblem(error)}`));
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
  texts: REGISTER_TEXTS,
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
    localLine(buffer, 'client', `Link to ${buffer.name} copied: ${link}`);
  } catch {
    localLine(buffer, 'client', `Link to ${buffer.name}: ${link}`);
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
  localLine(connection.serverBuffer, 'error', 'The gateway no longer has this connection (it was closed or the session expired).');
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

// ---- input ----

async function send(connection, lines) {
  for (let i = 0; i < lines.length; i += LINES_PER_REQUEST) {
    await api.sendLines(connection.id, lines.slice(i, i + LINES_PER_REQUEST));
  }
}

/** Sends what the user typed in `buffer`; the server's error replies to it will be shown there. */
function sendFrom(buffer, lines) {
  buffer.connection.lastInput = { key: buffer.key, seq: buffer.connection.lastSeq };
  return send(buffer.connection, lines);
}

/** "connected" (announced by the REGISTERED status): IRC is usable. */
function isRegistered(connection) {
  return connection.state === 'connected';
}

/** Why nothing can be sent right now, in words. */
function notConnectedReason(connection) {
  switch (connection.state) {
    case 'connecting':
    case 'registering': return `still connecting to ${connection.server}`;
    case 'closed': return 'this connection is closed';
    default: return `the connection to ${connection.server} is down right now (${connection.state})`;
  }
}

/** Closes a buffer (parting a channel first when the server can be told). */
async function closeBuffer(buffer) {
  const connection = buffer.connection;
  if (buffer.kind === 'server') return;
  if (buffer.kind === 'channel' && buffer.joined && isRegistered(connection)) {
    try {
      await sendFrom(buffer, [`PART ${buffer.name}`]);
    } catch (error) {
      localLine(buffer, 'error', `Could not leave ${buffer.name}: ${describeProblem(error)}`);
      return;
    }
  }
  connection.removeBuffer(buffer);
}

function describeProblem(error) {
  if (!(error instanceof ProblemError)) return String(error.message ?? error);
  const fieldMessages = Object.values(error.errors).flat();
  return [error.detail || error.title, ...fieldMessages].filter(Boolean).join(' ');
}

/**
 * Acts on one line the user typed. Returns text to put back in the input box: what could not be sent because
 * the connection is not registered stays there, so nothing typed is thrown away.
 */
async function submitInput(text) {
  const buffer = view.activeBuffer;
  if (!buffer) return text;
  const connection = buffer.connection;
  let result;
  try {
    result = interpret(text, {
      bufferName: buffer.name,
      bufferKind: buffer.kind,
      isChannel: (name) => connection.isChannel(name),
      chantypes: connection.isupport.chantypes,
    });
  } catch (error) {
    if (error instanceof CommandError) {
      localLine(buffer, 'error', error.message);
      return;
    }
    throw error;
  }
  const action = result.action;
  const needsServer = result.lines.length > 0 && action?.type !== 'quit' && action?.type !== 'close';
  if (needsServer && !isRegistered(connection)) {
    localLine(buffer, 'error', `Not sent: ${notConnectedReason(connection)}. What you typed is still in the box; press Enter again once the connection is back.`);
    return text;
  }
  if (action?.type === 'focus') {
    const existing = connection.buffer(action.name);
    if (existing?.joined) view.activate(existing);
    else focusOnJoin = { connection, name: action.name };
  }
  if (action?.type === 'open') {
    const query = connection.ensureBuffer(action.name, 'query', { byUser: true });
    if (action.focus) view.activate(query);
  }
  if (action?.type === 'help') {
    for (const [usage, meaning] of COMMANDS) localLine(buffer, 'client', `${usage} — ${meaning}`);
    localLine(buffer, 'client', 'Text without a slash goes to this buffer. Tab completes nicks; Up and Down recall what you typed; Alt+Up and Alt+Down switch buffers.');
  }
  if (action?.type === 'close') {
    if (buffer.kind === 'server') localLine(buffer, 'error', 'This is the server buffer: /quit closes the connection.');
    else await closeBuffer(buffer);
    return '';
  }
  try {
    if (result.lines.length > 0 && (action?.type !== 'quit' || isRegistered(connection))) await sendFrom(buffer, result.lines);
    if (action?.type === 'quit') await api.close(connection.id);
  } catch (error) {
    if (error instanceof ProblemError && error.status === 409) {
      localLine(buffer, 'error', `Not sent: ${notConnectedReason(connection)}. What you typed is back in the box; press Enter again once the connection is back.`);
      return text;
    }
    if (error instanceof ProblemError && error.status === 404) markGone(connection);
    localLine(buffer, 'error', `Not sent: ${describeProblem(error)}`);
  }
  return '';
}

const input = $('input');
$('input-form').addEventListener('submit', (event) => {
  event.preventDefault();
  const text = input.value;
  if (!text.trim()) return;
  history.push(text);
  input.value = '';
  submitInput(text).then((kept) => {
    // Put it back unless the user has started typing something else meanwhile.
    if (kept && !input.value) input.value = kept;
    else if (kept) input.value = `${kept} ${input.value}`;
  });
});

/** Alt+Up / Alt+Down: the previous or next buffer in the sidebar's order. */
function stepBuffer(step) {
  const items = [...document.querySelectorAll('#connections .buffer')];
  const current = items.findIndex((item) => item.classList.contains('active'));
  items[(current + step + items.length) % items.length]?.click();
}

input.addEventListener('keydown', (event) => {
  if (event.altKey && (event.key === 'ArrowUp' || event.key === 'ArrowDown')) {
    event.preventDefault();
    stepBuffer(event.key === 'ArrowUp' ? -1 : 1);
  } else if (event.key === 'ArrowUp') {
    event.preventDefault();
    input.value = history.previous(input.value);
    input.setSelectionRange(input.value.length, input.value.length);
  } else if (event.key === 'ArrowDown') {
    event.preventDefault();
    input.value = history.next();
    input.setSelectionRange(input.value.length, input.value.length);
  } else if (event.key === 'Tab' && !event.shiftKey && !event.ctrlKey && !event.altKey) {
    const buffer = view.activeBuffer;
    if (!buffer || !input.value) return;
    event.preventDefault();
    const completed = completeNick(input.value, input.selectionStart ?? input.value.length, nickCandidates(buffer), (s) => buffer.connection.fold(s));
    if (completed) {
      input.value = completed.value;
      input.setSelectionRange(completed.caret, completed.caret);
    }
  }
});

/** Nicks for Tab: who spoke most recently first, then everyone else in the channel. */
function nickCandidates(buffer) {
  const connection = buffer.connection;
  const seen = new Set();
  const out = [];
  const add = (nick) => {
    const key = connection.fold(nick);
    if (!nick || seen.has(key) || connection.isMe(nick)) return;
    seen.add(key);
    out.push(nick);
  };
  for (let i = buffer.lines.length - 1; i >= 0 && out.length < 50; i--) {
    const line = buffer.lines[i];
    if (line.nick && (buffer.kind !== 'channel' || buffer.users.has(connection.fold(line.nick)))) add(line.nick);
  }
  for (const user of buffer.sortedUsers()) add(user.nick);
  if (buffer.kind === 'query') add(buffer.name);
  return out;
}

// ---- connect dialog ----

const dialog = $('connect-dialog');
const form = $('connect-form');

function openConnectDialog() {
  clearFormErrors();
  if (!dialog.open) dialog.showModal();
  $('connect-cancel').hidden = model.connections.size === 0;
  // The nick is what a newcomer types first; a suggested one is selected, so typing replaces it.
  const nick = $('connect-nick');
  nick.focus();
  nick.select();
}

function clearFormErrors() {
  for (const node of form.querySelectorAll('.field-error')) {
    node.hidden = true;
    node.textContent = '';
  }
  for (const inputNode of form.querySelectorAll('[aria-invalid]')) inputNode.removeAttribute('aria-invalid');
  $('connect-error').hidden = true;
}

/** Maps the gateway's `errors` keys ("Nick", "sasl.Account", "channels[1]") onto the form's fields. */
function fieldFor(key) {
  const normal = key.replace(/\[\d+\]/g, '').replace(/^\$\.?/, '').toLowerCase();
  const known = ['server', 'tls', 'nick', 'username', 'realname', 'password', 'sasl.account', 'sasl.password', 'sasl', 'channels'];
  return known.includes(normal) ? normal : known.find((k) => normal.startsWith(`${k}.`)) ?? null;
}

const FIELD_INPUTS = {
  server: 'connect-server', tls: 'connect-tls', nick: 'connect-nick', username: 'connect-username', realname: 'connect-realname',
  password: 'connect-password', 'sasl.account': 'connect-sasl-account', 'sasl.password': 'connect-sasl-password',
  sasl: 'connect-sasl-account', channels: 'connect-channels',
};

function showFormError(field, text) {
  const node = form.querySelector(`.field-error[data-error-for="${field}"]`);
  node.textContent = node.hidden ? text : `${node.textContent} ${text}`;
  node.hidden = false;
  const inputNode = $(FIELD_INPUTS[field]);
  inputNode.setAttribute('aria-invalid', 'true');
  if (field.startsWith('sasl') || ['realname', 'username', 'password'].includes(field)) form.querySelector('details.more').open = true;
  return inputNode;
}

function showProblem(error) {
  let firstInvalid = null;
  const general = [];
  for (const [key, messages] of Object.entries(error.errors ?? {})) {
    const field = fieldFor(key);
    const text = [messages].flat().join(' ');
    if (field) firstInvalid ??= showFormError(field, text);
    else general.push(text);
  }
  // 403 for a server that is not allowed has no `errors`: it is about the server field all the same.
  if (!firstInvalid && error.status === 403) firstInvalid = showFormError('server', error.detail || error.title);
  else if (general.length > 0 || !firstInvalid) {
    const box = $('connect-error');
    box.textContent = [error.title, error.detail, ...general].filter(Boolean).join(' — ');
    box.hidden = false;
  }
  firstInvalid?.focus();
}

function readForm() {
  const value = (name) => form.elements[name].value.trim();
  const body = { server: value('server'), tls: form.elements.tls.checked, nick: value('nick') };
  if (value('username')) body.username = value('username');
  if (value('realname')) body.realname = value('realname');
  if (form.elements.password.value) body.password = form.elements.password.value;
  if (value('sasl-account') || form.elements['sasl-password'].value) {
    body.sasl = { account: value('sasl-account'), password: form.elements['sasl-password'].value };
  }
  const channels = value('channels').split(/[\s,]+/).filter(Boolean).map((c) => (/^[#&+!]/.test(c) ? c : `#${c}`));
  if (channels.length > 0) body.channels = channels;
  return body;
}

/** Checks in the browser what needs no round trip; the gateway checks everything again. */
function validateLocally(body) {
  let ok = true;
  if (!body.server) ok = !showFormError('server', 'Enter the server to connect to, such as irc.example.net:6697.');
  if (!body.nick) ok = !showFormError('nick', 'Choose a nick: the name others see.') && ok;
  else if (/[\s,*?!@]/.test(body.nick) || /^[#&:$0-9-]/.test(body.nick)) {
    ok = !showFormError('nick', 'A nick cannot contain spaces or , * ? ! @, nor start with a digit, - or #.') && ok;
  }
  return ok;
}

form.addEventListener('submit', async (event) => {
  event.preventDefault();
  clearFormErrors();
  const body = readForm();
  if (!validateLocally(body)) {
    form.querySelector('[aria-invalid]')?.focus();
    return;
  }
  const submit = $('connect-submit');
  submit.disabled = true;
  submit.textContent = 'Connecting…';
  try {
    // Human check hook (pow.js): its progress shows on the button while the browser solves the gateway's puzzle.
    const info = await api.connect(body, (percent) => { submit.textContent = humanCheckTexts.working(percent); });
    if (body.sasl?.account) local.setItem(`${ACCOUNT_KEY}${info.id}`, body.sasl.account);
    const connection = model.addConnection({ ...info, saslAccount: body.sasl?.account });
    if (body.channels?.length) focusOnJoin = { connection, name: body.channels[0] };
    startFeed(connection);
    view.activate(connection.serverBuffer);
    dialog.close();
    forgetLink();
  } catch (error) {
    if (error instanceof ProblemError) showProblem(error);
    else throw error;
  } finally {
    submit.disabled = false;
    submit.textContent = 'Connect';
  }
});

$('connect-cancel').addEventListener('click', () => dialog.close());
dialog.addEventListener('cancel', (event) => {
  if (model.connections.size === 0) event.preventDefault();
});
$('new-connection').addEventListener('click', openConnectDialog);
/** Port 6697 is IRC over TLS by convention (and the contract's default with tls), 6667 plain. */
function matchTlsToPort() {
  const port = /:(\d+)$/.exec(form.elements.server.value.trim())?.[1];
  if (port === '6697') form.elements.tls.checked = true;
  if (port === '6667') form.elements.tls.checked = false;
}
form.elements.server.addEventListener('change', matchTlsToPort);
$('connect-tls').addEventListener('change', (event) => {
  const server = form.elements.server;
  if (/:(6667|6697)$/.test(server.value)) server.value = server.value.replace(/:\d+$/, event.target.checked ? ':6697' : ':6667');
});

/** Offers the allowed servers, and fills the form from the operator's defaults and then the link's values. */
function fillForm(link) {
  const servers = config.allowedServers ?? [];
  const concrete = servers.filter((s) => !s.includes('*'));
  $('allowed-servers').replaceChildren(...concrete.map((s) => Object.assign(document.createElement('option'), { value: s })));
  const patterns = servers.filter((s) => s.includes('*'));
  const hint = $('allowed-hint');
  hint.textContent = servers.length > 0 ? `This gateway connects to: ${servers.join(', ')}` : '';
  hint.hidden = servers.length === 0;
  if (patterns.length > 0 && concrete.length === 0) form.elements.server.placeholder = patterns[0].replace('*', 'irc');
  const server = link.server ?? config.defaultServer ?? concrete[0];
  if (server) {
    form.elements.server.value = server;
    matchTlsToPort();
  }
  // A server named by a link stays visible: the person should see where the link sends them.
  $('server-fields').hidden = config.showServerField === false && !link.server;
  const nick = link.nick ?? fillNickFormat(config.nickFormat);
  if (nick) form.elements.nick.value = nick;
  const channels = link.channels.length > 0 ? link.channels : config.defaultChannels ?? [];
  form.elements.channels.value = channels.join(' ');
  if (link.problems.length > 0) {
    const box = $('connect-error');
    box.textContent = link.problems.join(' ');
    box.hidden = false;
  }
}

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
    .catch((error) => localLine(connection.serverBuffer, 'error', `Could not join ${link.channels.join(', ')}: ${describeProblem(error)}`));
  return true;
}

async function start() {
  const [loaded, listed] = await Promise.allSettled([api.config(), api.listConnections()]);
  if (loaded.status === 'fulfilled' && loaded.value) config = { ...config, ...loaded.value };
  applyBranding(config);
  const link = parseLink(location.search, location.hash, config.allowedServers ?? []);
  fillForm(link);
  let infos = [];
  if (listed.status === 'fulfilled') {
    infos = listed.value ?? [];
    readStore.prune(infos.map((info) => info.id));
  } else {
    view.activate(null);
    const box = $('connect-error');
    box.textContent = `Could not list your connections: ${describeProblem(listed.reason)}`;
    box.hidden = false;
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
    openConnectDialog();
    if (link.present && config.autoConnect && link.problems.length === 0 && form.elements.nick.value) form.requestSubmit();
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

// ---- settings ----

const settingsDialog = $('settings-dialog');
const notifyBox = $('setting-notify');
const soundBox = $('setting-sound');

function showNotifyHint(permission) {
  const hint = $('notify-hint');
  hint.textContent = permission === 'denied' ? 'This browser blocks notifications from this page: allow them in the site settings first.'
    : permission === 'unsupported' ? 'This browser cannot show desktop notifications.' : '';
  hint.hidden = !hint.textContent;
}

$('open-settings').addEventListener('click', () => {
  notifyBox.checked = notifier.settings.notify && notifier.permission === 'granted';
  soundBox.checked = notifier.settings.sound;
  showNotifyHint(notifier.permission);
  settingsDialog.showModal();
});
notifyBox.addEventListener('change', async () => {
  const permission = await notifier.setNotify(notifyBox.checked);
  notifyBox.checked = notifier.settings.notify;
  showNotifyHint(permission);
});
soundBox.addEventListener('change', () => notifier.setSound(soundBox.checked));
