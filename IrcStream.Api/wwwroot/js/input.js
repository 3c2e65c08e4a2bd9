// The input line: what the person types, sent to the buffer on screen or run as a command (commands.js), kept in
// the box when it cannot be sent; Up/Down history, Alt+Up/Down between buffers, Tab nick completion.

import { api, describeProblem, ProblemError } from './api.js';
import { CommandError, commandList, InputHistory, completeNick, interpret } from './commands.js';
import { t } from './i18n.js';
import { bufferNamed, fold, isChannel, isMe, sortedUsers } from './state.js';

/** Lines per POST: well under the 64 KiB body limit even at 510 bytes each. */
const LINES_PER_REQUEST = 100;

export async function send(connection, lines) {
  for (let i = 0; i < lines.length; i += LINES_PER_REQUEST) {
    await api.sendLines(connection.id, lines.slice(i, i + LINES_PER_REQUEST));
  }
}

/** "connected" (announced by the REGISTERED status): IRC is usable. */
export function isRegistered(connection) {
  return connection.state === 'connected';
}

/** Why nothing can be sent right now, in words. */
function notConnectedReason(connection) {
  switch (connection.state) {
    case 'connecting':
    case 'registering': return t('input.stillConnecting', { server: connection.server });
    case 'closed': return t('input.closed');
    default: return t('input.down', { server: connection.server, state: t(`state.${connection.state}`) });
  }
}

/** Nicks for Tab: who spoke most recently first, then everyone else in the channel. */
function nickCandidates(connection, buffer) {
  const seen = new Set();
  const out = [];
  const add = (nick) => {
    const key = fold(connection, nick);
    if (!nick || seen.has(key) || isMe(connection, nick)) return;
    seen.add(key);
    out.push(nick);
  };
  for (let i = buffer.lines.length - 1; i >= 0 && out.length < 50; i--) {
    const line = buffer.lines[i];
    if (line.nick && (buffer.kind !== 'channel' || buffer.users.has(fold(connection, line.nick)))) add(line.nick);
  }
  for (const user of sortedUsers(connection, buffer)) add(user.nick);
  if (buffer.kind === 'query') add(buffer.name);
  return out;
}

/** Alt+Up / Alt+Down: the previous or next buffer in the sidebar's order. */
function stepBuffer(step) {
  const items = [...document.querySelectorAll('#connections .buffer')];
  const current = items.findIndex((item) => item.classList.contains('active'));
  items[(current + step + items.length) % items.length]?.click();
}

export class InputLine {
  /**
   * `app` is what a typed line can make happen: `store` (the model, app.js), activeBuffer(), activate(buffer),
   * openQuery(connection, nick) (returns its buffer), sendFrom(buffer, lines), localLine(buffer, kind, text),
   * closeBuffer(buffer), markGone(connection), focusOnJoin(connection, name).
   */
  constructor(app) {
    this.app = app;
    this.history = new InputHistory();
    this.input = document.getElementById('input');
    document.getElementById('input-form').addEventListener('submit', (event) => {
      event.preventDefault();
      const input = this.input;
      const text = input.value;
      if (!text.trim()) return;
      this.history.push(text);
      input.value = '';
      this.submit(text).then((kept) => {
        // Put it back unless the user has started typing something else meanwhile.
        if (kept && !input.value) input.value = kept;
        else if (kept) input.value = `${kept} ${input.value}`;
      });
    });
    this.input.addEventListener('keydown', (event) => this.onKey(event));
  }

  focus() {
    this.input.focus({ preventScroll: true });
  }

  onKey(event) {
    const input = this.input;
    if (event.altKey && (event.key === 'ArrowUp' || event.key === 'ArrowDown')) {
      event.preventDefault();
      stepBuffer(event.key === 'ArrowUp' ? -1 : 1);
    } else if (event.key === 'ArrowUp') {
      event.preventDefault();
      input.value = this.history.previous(input.value);
      input.setSelectionRange(input.value.length, input.value.length);
    } else if (event.key === 'ArrowDown') {
      event.preventDefault();
      input.value = this.history.next();
      input.setSelectionRange(input.value.length, input.value.length);
    } else if (event.key === 'Tab' && !event.shiftKey && !event.ctrlKey && !event.altKey) {
      const buffer = this.app.activeBuffer();
      if (!buffer || !input.value) return;
      event.preventDefault();
      const connection = this.app.store.connections.get(buffer.connectionId);
      const completed = completeNick(input.value, input.selectionStart ?? input.value.length, nickCandidates(connection, buffer), (s) => fold(connection, s));
      if (completed) {
        input.value = completed.value;
        input.setSelectionRange(completed.caret, completed.caret);
      }
    }
  }

  /**
   * Acts on one line the user typed. Returns text to put back in the input box: what could not be sent because
   * the connection is not registered stays there, so nothing typed is thrown away.
   */
  async submit(text) {
    const app = this.app;
    const buffer = app.activeBuffer();
    if (!buffer) return text;
    const connection = app.store.connections.get(buffer.connectionId);
    let result;
    try {
      result = interpret(text, {
        bufferName: buffer.name,
        bufferKind: buffer.kind,
        isChannel: (name) => isChannel(connection, name),
        chantypes: connection.isupport.chantypes,
      });
    } catch (error) {
      if (error instanceof CommandError) {
        app.localLine(buffer, 'error', error.message);
        return;
      }
      throw error;
    }
    const action = result.action;
    const needsServer = result.lines.length > 0 && action?.type !== 'quit' && action?.type !== 'close';
    if (needsServer && !isRegistered(connection)) {
      app.localLine(buffer, 'error', t('input.keptInBox', { reason: notConnectedReason(connection) }));
      return text;
    }
    if (action?.type === 'focus') {
      const existing = bufferNamed(connection, action.name);
      if (existing?.joined) app.activate(existing);
      else app.focusOnJoin(connection, action.name);
    }
    if (action?.type === 'open') {
      const query = app.openQuery(connection, action.name);
      if (action.focus) app.activate(query);
    }
    if (action?.type === 'help') {
      for (const [usage, meaning] of commandList()) app.localLine(buffer, 'client', `${usage} — ${meaning}`);
      app.localLine(buffer, 'client', t('input.helpTail'));
    }
    if (action?.type === 'close') {
      if (buffer.kind === 'server') app.localLine(buffer, 'error', t('input.serverBufferQuit'));
      else await app.closeBuffer(buffer);
      return '';
    }
    try {
      if (result.lines.length > 0 && (action?.type !== 'quit' || isRegistered(connection))) await app.sendFrom(buffer, result.lines);
      if (action?.type === 'quit') await api.close(connection.id);
    } catch (error) {
      if (error instanceof ProblemError && error.status === 409) {
        const now = app.store.connections.get(connection.id) ?? connection;
        app.localLine(buffer, 'error', t('input.backInBox', { reason: notConnectedReason(now) }));
        return text;
      }
      if (error instanceof ProblemError && error.status === 404) app.markGone(connection);
      app.localLine(buffer, 'error', t('input.notSent', { problem: describeProblem(error) }));
    }
    return '';
  }
}
