// What the web client's model must make of a recorded conversation with a real server (ClientModelRecordingTests
// records one through the gateway): `cast` names who was who, `events` are the events as the stream delivered them.

import assert from 'node:assert/strict';
import { fold } from '../../../IrcStream.Api/wwwroot/js/state.js';
import { Session } from './session.mjs';

const EVENT_TYPES = new Set(['status', 'message', 'gap']);

/** Replays `recording` through the reducer and checks what the person would see; throws on the first difference. */
export function checkConversation({ cast, events }) {
  const { me, was, other, channel, inviteOnly } = cast;
  assert.ok(events.length > 0, 'the recording holds events');
  for (const event of events) {
    assert.ok(EVENT_TYPES.has(event.type), `an event type of the contract: ${JSON.stringify(event)}`);
    assert.equal(typeof event.seq, 'number');
    assert.match(event.time, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)$/, 'time is ISO 8601');
  }

  const session = new Session({ id: 'recorded', nick: me, channels: [], state: 'connecting', lastSeq: 0 });
  const closedAt = events.findIndex((e) => e.type === 'status' && e.status === 'CLOSED');
  assert.equal(closedAt, events.length - 1, 'CLOSED is the last event');
  for (const event of events.slice(0, closedAt)) assert.ok(session.event(event).applied, `seq ${event.seq} is applied, in order`);
  for (const event of events.slice(0, closedAt)) assert.equal(session.event(event).applied, false, `seq ${event.seq} sent again is ignored`);
  assert.ok(session.event(events[closedAt]).applied);

  const connection = session.connection;
  assert.equal(connection.state, 'closed');
  assert.equal(connection.nick, me);
  assert.ok(session.server.lines.some((l) => l.kind === 'status' && l.text.startsWith('Connected')), 'REGISTERED said so');

  const chan = session.buffer(channel);
  assert.equal(chan.kind, 'channel');
  assert.equal(chan.joined, false, 'CLOSED left the channel');
  assert.equal(chan.users.size, 0, 'and emptied its nick list');
  assert.equal(chan.topic, 'the recorded topic');
  assert.equal(chan.topicSetBy, was);
  const line = (buffer, predicate, what) => {
    const found = buffer.lines.find(predicate);
    assert.ok(found, `${what} in ${buffer.name}: ${JSON.stringify(buffer.lines.map((l) => [l.kind, l.text]))}`);
    return found;
  };
  assert.equal(line(chan, (l) => l.text === `hello ${me}`, 'the greeting').highlight, true);
  assert.equal(line(chan, (l) => l.kind === 'action', 'the action').text, 'waves');
  line(chan, (l) => l.kind === 'mode' && l.text === `${was} sets mode +v ${me}`, 'the voice');
  line(chan, (l) => l.kind === 'nick' && l.text === `${was} is now known as ${other}`, 'the nick change');
  const mine = line(chan, (l) => l.text === 'my own words', 'my own message (echo-message)');
  assert.deepEqual([mine.self, mine.nick], [true, me]);
  line(chan, (l) => l.kind === 'part' && l.text === `${other} left (bye now)`, 'the part');
  assert.ok(chan.mentions >= 1);

  const query = session.buffer(other);
  assert.equal(query.kind, 'query', 'the conversation followed the nick change');
  assert.equal(query.name, other);
  assert.equal(line(query, (l) => l.text === 'psst, a private word', 'the private message').highlight, true);
  line(query, (l) => l.kind === 'notice' && l.text === 'a notice for you', 'the notice');
  const whois = line(query, (l) => l.kind === 'whois', 'the WHOIS card').whois;
  assert.equal(fold(connection, whois.nick), fold(connection, other));
  assert.ok(whois.user && whois.host && whois.server, `the card has the address and server: ${JSON.stringify(whois)}`);
  assert.ok((whois.channels ?? []).some((c) => fold(connection, c).endsWith(fold(connection, channel))), 'the card lists the channel');

  const refused = session.buffer(inviteOnly);
  assert.equal(refused.lines[0].text, `Cannot join ${inviteOnly}: it is invite only.`);
  assert.equal(refused.joined, false);
  line(session.server, (l) => l.kind === 'error' && l.text === 'The server does not know the command FOO.', 'the unknown command');
  assert.ok(session.server.lines.some((l) => l.folded), 'the sign-on numerics are folded');

  // Before CLOSED, the channel was joined with the nick list the events gave.
  const live = new Session({ id: 'live', nick: me, channels: [], state: 'connecting', lastSeq: 0 }).events(events.slice(0, closedAt));
  assert.deepEqual(live.users(channel), [`+${me}`], 'only me, voiced, after the other person left');
  assert.equal(live.buffer(channel).joined, true);
  assert.equal(live.connection.state, 'connected');
}
