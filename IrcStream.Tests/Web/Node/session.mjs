// Drives the web client's reducer (wwwroot/js/state.js) the way app.js does, for node's test runner: a state, the
// changes each step reported, what was asked to be stored, and events written as the gateway sends them.

import { readFileSync } from 'node:fs';
import { act, apply, bufferNamed, initialState, serverBuffer, sortedUsers } from '../../../IrcStream.Api/wwwroot/js/state.js';

export const NOW = new Date('2026-12-07T18:00:00.000Z');

/** The events of a recorded stream (fixtures/*.json: the gateway's event objects, as /poll returns them). */
export function recorded(name) {
  return JSON.parse(readFileSync(new URL(`./fixtures/${name}`, import.meta.url), 'utf8'));
}

export class Session {
  /** `info` is the gateway's connection object; `saved` what the read store held for it. */
  constructor(info = {}, { saved = null, state = initialState() } = {}) {
    this.state = state;
    this.changes = [];
    this.saved = new Map();
    this.seq = 0;
    this.id = info.id ?? 'c1';
    this.act({ type: 'add', info: { id: this.id, server: 'irc.test:6667', nick: 'me', channels: [], state: 'connecting', ...info }, saved });
  }

  get connection() {
    return this.state.connections.get(this.id);
  }

  buffer(name) {
    return bufferNamed(this.connection, name);
  }

  get server() {
    return serverBuffer(this.connection);
  }

  users(name) {
    return sortedUsers(this.connection, this.buffer(name)).map((u) => u.prefix + u.nick);
  }

  texts(name) {
    return this.buffer(name).lines.map((l) => l.text);
  }

  record(result) {
    this.state = result.state;
    for (const change of result.changes) {
      if (change.what === 'save') this.saved.set(change.connectionId, structuredClone(change.readState));
      this.changes.push(change);
    }
    return result;
  }

  /** Applies one event as the gateway sent it (its seq, or the next one). Returns apply's result. */
  event(event) {
    if (typeof event.seq === 'number') this.seq = Math.max(this.seq, event.seq);
    return this.record(apply(this.state, this.id, event, NOW));
  }

  events(list) {
    for (const event of list) this.event(event);
    return this;
  }

  /** A `message` event: `source`, `command`, `params`, optional `tags`. */
  message(source, command, ...params) {
    return this.event({ seq: this.seq + 1, type: 'message', time: '2026-12-07T17:00:00.000Z', tags: {}, source, command, params });
  }

  status(status, detail) {
    return this.event({ seq: this.seq + 1, type: 'status', time: '2026-12-07T17:00:00.000Z', status, ...(detail === undefined ? {} : { detail }) });
  }

  act(action) {
    return this.record(act(this.state, { connectionId: this.id, now: NOW, ...action }));
  }

  /** The changes of one kind reported so far (and forgets them). */
  take(what) {
    const taken = this.changes.filter((c) => c.what === what);
    this.changes = this.changes.filter((c) => c.what !== what);
    return taken;
  }

  /** Welcome, ISUPPORT and a channel joined with its names: where most tests start. */
  registered({ channel = '#chan', names = '@me bob alice', isupport = ['PREFIX=(ov)@+', 'CHANTYPES=#', 'CASEMAPPING=rfc1459', 'NETWORK=TestNet'] } = {}) {
    this.status('CONNECTING', 'irc.test:6667');
    this.status('CONNECTED', 'irc.test:6667');
    this.message('irc.test', '001', 'me', 'Welcome to the network me');
    this.message('irc.test', '005', 'me', ...isupport, 'are supported by this server');
    this.status('REGISTERED', 'me');
    if (channel) {
      this.message('me!u@h', 'JOIN', channel);
      this.message('irc.test', '353', 'me', '=', channel, names);
      this.message('irc.test', '366', 'me', channel, 'End of /NAMES list.');
    }
    this.changes = [];
    return this;
  }
}
