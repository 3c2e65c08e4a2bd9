// The web client's reducer (wwwroot/js/state.js) on event sequences, one group per event type of docs/API.md:
// status (each status), gap, keepalive, and message events of every command the client treats.
// Run: node --test IrcStream.Tests/Web/Node (the suite runs it through NodeTests.cs).

import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { english, t, translator, useLanguage } from '../../../IrcStream.Api/wwwroot/js/i18n.js';
import DE from '../../../IrcStream.Api/wwwroot/js/lang/de.js';
import { act, apply, initialState, serverBuffer } from '../../../IrcStream.Api/wwwroot/js/state.js';
import { NOW, Session } from './session.mjs';

describe('the reducer is pure', () => {
  test('apply and act leave the state they were given as it was', () => {
    const session = new Session().registered();
    session.message('bob!b@h', 'PRIVMSG', '#chan', 'hello me');
    const before = session.state;
    const copy = structuredClone(before);
    const steps = [
      (s) => apply(s, 'c1', { seq: 100, type: 'message', time: '2026-12-07T17:00:00Z', tags: {}, source: 'carol!c@h', command: 'JOIN', params: ['#chan'] }, NOW),
      (s) => apply(s, 'c1', { seq: 101, type: 'message', time: '2026-12-07T17:00:00Z', tags: {}, source: 'bob!b@h', command: 'NICK', params: ['robert'] }, NOW),
      (s) => apply(s, 'c1', { seq: 102, type: 'status', time: '2026-12-07T17:00:00Z', status: 'RECONNECTING' }, NOW),
      (s) => apply(s, 'c1', { seq: 103, type: 'gap', time: '2026-12-07T17:00:00Z', from: 90, to: 103 }, NOW),
      (s) => apply(s, 'c1', { seq: 104, type: 'message', time: '2026-12-07T17:00:00Z', tags: {}, source: 'irc.test', command: '005', params: ['me', 'CASEMAPPING=ascii', 'x'] }, NOW),
      (s) => act(s, { type: 'read', connectionId: 'c1', key: '#chan' }),
      (s) => act(s, { type: 'close', connectionId: 'c1', key: '#chan' }),
      (s) => act(s, { type: 'gone', connectionId: 'c1', now: NOW }),
    ];
    for (const step of steps) {
      const { state } = step(before);
      assert.notEqual(state, before);
      assert.deepEqual(before, copy, `${step} changed its input`);
    }
  });

  test('the lines it writes are in the language it is given, whatever the page chose, English when it is given none', async () => {
    const session = new Session().registered();
    const join = { seq: 500, type: 'message', time: '2026-12-07T17:00:00Z', tags: {}, source: 'carol!c@h', command: 'JOIN', params: ['#chan'] };
    const german = translator(DE, 'de');
    const lastLine = ({ state }) => state.connections.get('c1').buffers.get('#chan').lines.at(-1).text;
    assert.equal(lastLine(apply(session.state, 'c1', join, NOW, german)), 'carol hat #chan betreten');
    assert.equal(lastLine(apply(session.state, 'c1', join, NOW)), 'carol joined #chan');
    assert.equal(lastLine(apply(session.state, 'c1', join, NOW, english)), 'carol joined #chan');
    const gone = act(session.state, { type: 'gone', connectionId: 'c1', now: NOW }, german);
    assert.equal(serverBuffer(gone.state.connections.get('c1')).lines.at(-1).text, DE['gateway.gone']);
    // The page's chosen language (i18n.js's own state) does not reach a reducer that is not given it.
    globalThis.document = { documentElement: {}, querySelectorAll: () => [] };
    try {
      await useLanguage('de').catch(() => {});
      assert.equal(lastLine(apply(session.state, 'c1', join, NOW)), 'carol joined #chan');
    } finally {
      delete globalThis.document;
    }
    assert.equal(t('page.send'), 'Senden', 'the page itself speaks German now');
  });

  test('what a change did not touch is shared with the state before', () => {
    const session = new Session({ channels: ['#a', '#b'] }).registered({ channel: null });
    const before = session.state;
    session.message('bob!b@h', 'PRIVMSG', '#a', 'hi');
    assert.equal(session.buffer('#b'), before.connections.get('c1').buffers.get('#b'));
    assert.notEqual(session.buffer('#a'), before.connections.get('c1').buffers.get('#a'));
  });

  test('the time of an event without one is the caller\'s `now`, not a clock inside', () => {
    const session = new Session().registered();
    session.event({ seq: 50, type: 'message', tags: {}, source: 'bob!b@h', command: 'PRIVMSG', params: ['#chan', 'no time'] });
    assert.equal(session.buffer('#chan').lines.at(-1).time.toISOString(), NOW.toISOString());
    session.message('bob!b@h', 'PRIVMSG', '#chan', 'with time');
    assert.equal(session.buffer('#chan').lines.at(-1).time.toISOString(), '2026-12-07T17:00:00.000Z');
  });

  test('line ids are numbered in the state, so two replays of the same events give the same lines', () => {
    const run = () => new Session().registered().message('bob!b@h', 'PRIVMSG', '#chan', 'x').state;
    assert.deepEqual(run(), run());
  });
});

describe('seq', () => {
  test('events at or below the last seq applied, and events without a seq, change nothing', () => {
    const session = new Session({ channels: ['#a'] });
    const ev = (seq, text) => ({ seq, type: 'message', time: '2026-12-07T17:00:00Z', tags: {}, source: 'bob!b@h', command: 'PRIVMSG', params: ['#a', text] });
    const applied = [ev(1, 'one'), ev(2, 'two'), ev(2, 'two'), ev(1, 'one'), ev(3, 'three')].map((e) => session.event(e).applied);
    assert.deepEqual(applied, [true, true, false, false, true]);
    const before = session.state;
    const keepalive = session.event({ type: 'keepalive' });
    assert.equal(keepalive.applied, false);
    assert.equal(keepalive.state, before);
    assert.deepEqual(session.texts('#a'), ['one', 'two', 'three']);
    assert.equal(session.connection.lastSeq, 3);
  });

  test('events of a connection the state does not hold change nothing', () => {
    const state = initialState();
    const result = apply(state, 'nope', { seq: 1, type: 'status', status: 'CONNECTING' }, NOW);
    assert.equal(result.state, state);
    assert.equal(result.applied, false);
  });
});

describe('status events', () => {
  test('each status sets the contract\'s connection state and says so in the server buffer', () => {
    const session = new Session();
    const seen = [];
    for (const [status, detail] of [['CONNECTING', 'irc.test:6667'], ['CONNECTED', 'irc.test:6667'], ['REGISTERED', 'me'],
      ['DISCONNECTED', 'connection reset'], ['RECONNECTING', 'in 60 s'], ['CLOSED', undefined]]) {
      session.status(status, detail);
      seen.push([status, session.connection.state, session.server.lines.at(-1).text, session.server.lines.at(-1).kind]);
    }
    assert.deepEqual(seen, [
      ['CONNECTING', 'connecting', 'Connecting: irc.test:6667', 'status'],
      ['CONNECTED', 'registering', 'Reached the server, signing on: irc.test:6667', 'status'],
      ['REGISTERED', 'connected', 'Connected: me', 'status'],
      ['DISCONNECTED', 'disconnected', 'Disconnected: connection reset', 'status'],
      ['RECONNECTING', 'reconnecting', 'Reconnecting: in 60 s', 'status'],
      ['CLOSED', 'closed', 'Connection closed', 'status'],
    ]);
    assert.equal(session.take('state').length, 6);
  });

  test('ERROR and CONNECT_TIMEOUT are error lines and leave the state as it is', () => {
    const session = new Session();
    session.status('CONNECTING', 'irc.test:6667');
    session.status('CONNECT_TIMEOUT', 'after 15 s');
    assert.equal(session.connection.state, 'connecting');
    session.status('ERROR', 'Closed by the gateway\'s operator: spamming');
    assert.equal(session.connection.state, 'connecting');
    assert.deepEqual(session.server.lines.slice(-2).map((l) => [l.kind, l.text]), [
      ['error', 'The connection attempt timed out: after 15 s'],
      ['error', 'Error: Closed by the gateway\'s operator: spamming'],
    ]);
    assert.equal(session.connection.statusDetail, 'irc.test:6667');
  });

  test('DISCONNECTED, RECONNECTING and CLOSED leave the channels and empty their nick lists; the rejoin fills them again', () => {
    for (const status of ['DISCONNECTED', 'RECONNECTING', 'CLOSED']) {
      const session = new Session().registered();
      session.message('irc.test', '353', 'me', '=', '#chan', 'half-done');
      session.status(status);
      const chan = session.buffer('#chan');
      assert.equal(chan.joined, false, status);
      assert.equal(chan.users.size, 0, status);
      assert.equal(chan.pendingNames, null, status);
      assert.equal(chan.lines.at(-1).kind, 'status');
      assert.ok(session.take('users').some((c) => c.key === '#chan'));
    }
    const session = new Session().registered();
    session.status('RECONNECTING', 'in 60 s');
    session.status('CONNECTING', 'irc.test:6667');
    session.status('CONNECTED', 'irc.test:6667');
    session.message('irc.test', '001', 'me', 'Welcome');
    session.status('REGISTERED', 'me');
    session.message('me!u@h', 'JOIN', '#chan');
    session.message('irc.test', '332', 'me', '#chan', 'fresh topic');
    session.message('irc.test', '353', 'me', '=', '#chan', '@me carol');
    session.message('irc.test', '366', 'me', '#chan', 'End of /NAMES list.');
    assert.equal(session.buffer('#chan').joined, true);
    assert.deepEqual(session.users('#chan'), ['@me', 'carol']);
    assert.equal(session.buffer('#chan').topic, 'fresh topic');
  });

  test('REGISTERED and 001 confirm the nick, and say so when it is not the one asked for', () => {
    const session = new Session({ nick: 'alice' });
    session.status('CONNECTED', 'irc.test:6667');
    session.message('irc.test', '433', '*', 'alice', 'Nickname is already in use');
    session.message('irc.test', '001', 'alice_', 'Welcome');
    session.status('REGISTERED', 'alice_');
    assert.equal(session.connection.nick, 'alice_');
    assert.equal(session.server.lines.filter((l) => l.text === 'You are alice_: the nick alice was not available.').length, 1);
    assert.equal(session.server.lines.find((l) => l.kind === 'error').text, 'alice Nickname is already in use',
      'while registering, a refused nick is the server\'s own words');
  });

  test('a REGISTERED detail that is not a bare nick is not taken as one', () => {
    const session = new Session({ nick: 'me' });
    session.status('REGISTERED', 'me!u@h');
    assert.equal(session.connection.nick, 'me');
  });

  test('a replay does not compare with the nick asked for: the events\' own nick counts', () => {
    const session = new Session({ nick: 'alice_', lastSeq: 10 });
    session.message('irc.test', '001', 'alice_', 'Welcome');
    assert.ok(!session.server.lines.some((l) => l.text.includes('was not available')));
  });
});

describe('gap', () => {
  test('a gap is a line in every buffer, counts the missing events, and asks for the joined channels\' names', () => {
    const session = new Session({ channels: ['#a'] });
    session.event({ seq: 1, type: 'message', time: '2026-12-07T17:00:00Z', tags: {}, source: 'bob!b@h', command: 'PRIVMSG', params: ['#a', 'one'] });
    session.event({ seq: 900, type: 'gap', time: '2026-12-07T17:00:01Z', from: 4, to: 900 });
    session.event({ seq: 901, type: 'message', time: '2026-12-07T17:00:00Z', tags: {}, source: 'bob!b@h', command: 'PRIVMSG', params: ['#a', 'after'] });
    assert.deepEqual(session.texts('#a'), ['one', 'Some messages were not kept by the gateway (897 events missing here).', 'after']);
    assert.equal(session.buffer('#a').lines[1].kind, 'gap');
    assert.ok(session.server.lines.some((l) => l.kind === 'gap'));
    assert.deepEqual(session.take('gap').map((c) => c.channels), [['#a']]);
    assert.equal(session.buffer('#a').unread, 2, 'a gap line is not counted unread');
    assert.equal(session.connection.lastSeq, 901);
  });

  test('a gap without bounds still says so', () => {
    const session = new Session();
    session.event({ seq: 5, type: 'gap', time: '2026-12-07T17:00:01Z' });
    assert.equal(session.server.lines.at(-1).text, 'Some messages were not kept by the gateway.');
  });
});

describe('PRIVMSG and NOTICE', () => {
  test('a channel message is counted unread; one naming me is a mention; my own is neither', () => {
    const session = new Session().registered();
    session.message('bob!b@h', 'PRIVMSG', '#chan', 'hello all');
    session.message('bob!b@h', 'PRIVMSG', '#chan', 'me: look');
    session.message('bob!b@h', 'PRIVMSG', '#chan', 'meh, not you');
    session.message('me!u@h', 'PRIVMSG', '#chan', 'mine');
    const chan = session.buffer('#chan');
    assert.deepEqual(chan.lines.slice(-4).map((l) => [l.nick, l.highlight, l.self]), [['bob', false, false], ['bob', true, false], ['bob', false, false], ['me', false, true]]);
    assert.equal(chan.unread, 3);
    assert.equal(chan.mentions, 1);
    assert.deepEqual(session.take('unread').map((c) => [c.key, c.live]), [['#chan', true], ['#chan', true], ['#chan', true]]);
  });

  test('a private message opens a conversation and is a mention; my echo to someone goes to theirs', () => {
    const session = new Session().registered({ channel: null });
    session.message('Bob!b@h', 'PRIVMSG', 'me', 'psst');
    session.message('me!u@h', 'PRIVMSG', 'bob', 'yes?');
    const query = session.buffer('bob');
    assert.equal(query.kind, 'query');
    assert.equal(query.name, 'Bob');
    assert.deepEqual(query.lines.map((l) => [l.nick, l.text, l.highlight]), [['Bob', 'psst', true], ['me', 'yes?', false]]);
    assert.equal(query.mentions, 1);
    assert.ok(session.take('buffers').length >= 1);
  });

  test('CTCP ACTION is an action line; other CTCP is an info line in the server buffer', () => {
    const session = new Session().registered();
    session.message('bob!b@h', 'PRIVMSG', '#chan', '\x01ACTION waves\x01');
    session.message('bob!b@h', 'PRIVMSG', 'me', '\x01VERSION\x01');
    session.message('bob!b@h', 'NOTICE', 'me', '\x01PING 123\x01');
    assert.deepEqual(session.buffer('#chan').lines.at(-1).kind, 'action');
    assert.equal(session.buffer('#chan').lines.at(-1).text, 'waves');
    assert.deepEqual(session.server.lines.slice(-2).map((l) => l.text), ['CTCP request VERSION from bob', 'CTCP reply PING 123 from bob']);
    assert.equal(session.buffer('bob'), null, 'a CTCP request opens no conversation');
  });

  test('notices: from the server to the server buffer, from a user to the conversation or where the person is', () => {
    const session = new Session().registered();
    session.message('irc.test', 'NOTICE', '*', '*** Looking up your hostname');
    session.message('irc.test', 'NOTICE', 'me', 'server says');
    session.message('bob!b@h', 'NOTICE', 'me', 'first notice');
    session.act({ type: 'active', key: '#chan' });
    session.message('bob!b@h', 'NOTICE', 'me', 'second notice');
    session.message('bob!b@h', 'PRIVMSG', 'me', 'hi');
    session.message('bob!b@h', 'NOTICE', 'me', 'third notice');
    assert.deepEqual(session.server.lines.filter((l) => l.kind === 'notice').map((l) => l.text), ['*** Looking up your hostname', 'server says', 'first notice']);
    assert.equal(session.buffer('#chan').lines.at(-1).text, 'second notice');
    assert.deepEqual(session.texts('bob'), ['hi', 'third notice']);
    assert.equal(session.buffer('bob').lines.at(-1).highlight, false, 'a notice in a conversation is not a mention');
  });

  test('STATUSMSG (@#chan) is shown in the channel', () => {
    const session = new Session().registered({ isupport: ['PREFIX=(ov)@+', 'STATUSMSG=@+', 'CHANTYPES=#'] });
    session.message('bob!b@h', 'NOTICE', '@#chan', 'ops only');
    assert.equal(session.buffer('#chan').lines.at(-1).text, 'ops only');
  });

  test('messages of a chathistory batch are shown in their buffers; the BATCH lines themselves are not', () => {
    const session = new Session().registered();
    const lines = session.buffer('#chan').lines.length;
    session.message('irc.test', 'BATCH', '+h1', 'chathistory', '#chan');
    session.event({ seq: session.seq + 1, type: 'message', time: '2026-12-07T16:00:00.000Z', tags: { batch: 'h1', msgid: 'm1' }, source: 'bob!b@h', command: 'PRIVMSG', params: ['#chan', 'from history'] });
    session.message('irc.test', 'BATCH', '-h1');
    assert.deepEqual(session.texts('#chan').slice(lines), ['from history']);
    assert.equal(session.buffer('#chan').lines.at(-1).time.toISOString(), '2026-12-07T16:00:00.000Z', 'the line keeps the server-time of the history');
  });
});

describe('JOIN, PART, QUIT, KICK, NICK, MODE, TOPIC', () => {
  test('the nick list follows names, join, part, quit, kick, nick and mode with the server\'s prefixes', () => {
    const session = new Session().registered({ channel: null });
    session.message('irc.test', '005', 'me', 'PREFIX=(qaohv)~&@%+', 'CASEMAPPING=rfc1459', 'CHANTYPES=#', 'are supported by this server');
    session.message('me!u@h', 'JOIN', '#Chan');
    session.message('irc.test', '353', 'me', '=', '#chan', '~Owner &Admin @Op %Half +Voice me Plain [Brack]');
    session.message('irc.test', '366', 'me', '#chan', 'End of /NAMES list.');
    assert.deepEqual(session.users('#CHAN'), ['~Owner', '&Admin', '@Op', '%Half', '+Voice', '[Brack]', 'me', 'Plain']);
    session.message('New!u@h', 'JOIN', '#CHAN');
    session.message('Plain!u@h', 'PART', '#chan', 'bye');
    session.message('Voice!u@h', 'QUIT', 'gone');
    session.message('Op!u@h', 'KICK', '#chan', 'new', 'out');
    session.message('Half!u@h', 'NICK', 'Half2');
    session.message('{brack}!u@h', 'NICK', 'Curly');
    session.message('Owner!u@h', 'MODE', '#chan', '+o-h+vl', 'Admin', 'half2', 'Half2', '50');
    session.message('Owner!u@h', 'PRIVMSG', '#CHAN', 'hello');
    assert.deepEqual(session.users('#chan'), ['~Owner', '&Admin', '@Op', '+Half2', 'Curly', 'me']);
    assert.deepEqual([...session.connection.buffers.values()].map((b) => b.name), ['irc.test:6667', '#Chan']);
    assert.deepEqual(session.buffer('#chan').lines.map((l) => l.kind),
      ['join', 'join', 'part', 'quit', 'kick-other', 'nick', 'nick', 'mode', 'message']);
    assert.deepEqual(session.buffer('#chan').lines.slice(1, 8).map((l) => l.text), [
      'New joined #Chan', 'Plain left (bye)', 'Voice quit (gone)', 'Op kicked new (out)', 'Half is now known as Half2',
      '{brack} is now known as Curly', 'Owner sets mode +o-h+vl Admin half2 Half2 50']);
  });

  test('my own JOIN opens the channel joined, with no topic until the server gives one', () => {
    const session = new Session().registered({ channel: null });
    session.message('me!u@h', 'JOIN', '#new');
    const chan = session.buffer('#new');
    assert.equal(chan.kind, 'channel');
    assert.equal(chan.joined, true);
    assert.deepEqual(session.take('joined').map((c) => c.key), ['#new']);
    session.message('irc.test', '332', 'me', '#new', 'the topic');
    session.message('irc.test', '333', 'me', '#new', 'bob!b@h', '1765100000');
    assert.equal(session.buffer('#new').topic, 'the topic');
    assert.equal(session.buffer('#new').topicSetBy, 'bob');
  });

  test('my own PART leaves the channel and keeps its buffer', () => {
    const session = new Session().registered();
    session.message('me!u@h', 'PART', '#chan', 'later');
    assert.equal(session.buffer('#chan').joined, false);
    assert.equal(session.buffer('#chan').users.size, 0);
    assert.equal(session.buffer('#chan').lines.at(-1).text, 'You left #chan (later)');
  });

  test('being kicked is a mention and leaves the channel', () => {
    const session = new Session().registered();
    session.message('bob!b@h', 'KICK', '#chan', 'me', 'behave');
    const chan = session.buffer('#chan');
    assert.equal(chan.joined, false);
    assert.deepEqual([chan.lines.at(-1).kind, chan.lines.at(-1).text, chan.mentions], ['kick', 'bob kicked you from #chan (behave)', 1]);
  });

  test('a QUIT shows in the conversation with that person; a NICK renames the conversation', () => {
    const session = new Session().registered();
    session.message('bob!b@h', 'PRIVMSG', 'me', 'hi');
    session.message('bob!b@h', 'NICK', 'robert');
    assert.equal(session.buffer('bob'), null);
    assert.equal(session.buffer('robert').name, 'robert');
    assert.equal(session.buffer('robert').lines.at(-1).text, 'bob is now known as robert');
    assert.deepEqual(session.users('#chan'), ['@me', 'alice', 'robert']);
    session.message('robert!b@h', 'QUIT', 'Quit: bye');
    assert.equal(session.buffer('robert').lines.at(-1).text, 'robert quit (Quit: bye)');
    assert.deepEqual(session.users('#chan'), ['@me', 'alice']);
  });

  test('my own NICK changes the connection\'s nick and says so in the server buffer', () => {
    const session = new Session().registered();
    session.message('me!u@h', 'NICK', 'me2');
    assert.equal(session.connection.nick, 'me2');
    assert.equal(session.server.lines.at(-1).text, 'You are now known as me2');
    assert.deepEqual(session.users('#chan'), ['@me2', 'alice', 'bob']);
    assert.ok(session.take('state').length > 0);
  });

  test('a user MODE is a line in the server buffer; a channel\'s mode without a nick changes no rank', () => {
    const session = new Session().registered();
    session.message('me', 'MODE', 'me', '+i');
    assert.equal(session.server.lines.at(-1).text, 'Mode +i on me');
    session.message('bob!b@h', 'MODE', '#chan', '+ntk', 'secret');
    assert.equal(session.buffer('#chan').lines.at(-1).text, 'bob sets mode +ntk secret');
    assert.deepEqual(session.users('#chan'), ['@me', 'alice', 'bob']);
  });

  test('TOPIC changes the topic and who set it', () => {
    const session = new Session().registered();
    session.message('bob!b@h', 'TOPIC', '#chan', 'new \x02topic');
    assert.equal(session.buffer('#chan').topic, 'new \x02topic');
    assert.equal(session.buffer('#chan').topicSetBy, 'bob');
    assert.equal(session.buffer('#chan').lines.at(-1).text, 'bob changed the topic to: new \x02topic');
    assert.deepEqual(session.take('topic').map((c) => c.key), ['#chan']);
  });

  test('CASEMAPPING=ascii keeps [] and {} apart; rfc1459 folds them together', () => {
    const run = (casemapping) => {
      const session = new Session({ id: casemapping });
      session.message('s', '005', 'me', `CASEMAPPING=${casemapping}`, 'are supported');
      session.message('me!u@h', 'JOIN', '#[a]');
      session.message('me!u@h', 'JOIN', '#{A}');
      return [...session.connection.buffers.values()].filter((b) => b.kind === 'channel').length;
    };
    assert.equal(run('ascii'), 2);
    assert.equal(run('rfc1459'), 1);
  });

  test('a CASEMAPPING that changes after channels exist re-keys buffers and nick lists', () => {
    const session = new Session().registered({ channel: null, isupport: ['CASEMAPPING=ascii'] });
    session.message('me!u@h', 'JOIN', '#[X]');
    session.message('irc.test', '353', 'me', '=', '#[X]', 'me [Bob]');
    session.message('irc.test', '366', 'me', '#[X]', 'End');
    session.message('irc.test', '005', 'me', 'CASEMAPPING=rfc1459', 'are supported');
    assert.equal(session.buffer('#{x}').name, '#[X]');
    assert.ok(session.buffer('#{x}').users.has('{bob}'));
  });
});

describe('INVITE, ERROR, FAIL/WARN/NOTE, WALLOPS, and what is not shown', () => {
  test('an INVITE is a mention where the person is', () => {
    const session = new Session().registered();
    session.act({ type: 'active', key: '#chan' });
    session.message('bob!b@h', 'INVITE', 'me', '#secret');
    const line = session.buffer('#chan').lines.at(-1);
    assert.deepEqual([line.text, line.highlight], ['bob invites you to #secret (type /join #secret)', true]);
  });

  test('the server\'s ERROR line is an error in the server buffer', () => {
    const session = new Session().registered();
    session.message(null, 'ERROR', 'Closing link: (me@h) [Killed]');
    assert.deepEqual([session.server.lines.at(-1).kind, session.server.lines.at(-1).text], ['error', 'Closing link: (me@h) [Killed]']);
  });

  test('FAIL goes where the person typed; WARN and NOTE to the server buffer', () => {
    const session = new Session().registered();
    session.act({ type: 'input', key: '#chan' });
    session.message('irc.test', 'FAIL', 'NICK', 'NICKNAME_RESERVED', 'alice', 'Nickname is reserved by a different account');
    session.message('irc.test', 'WARN', 'REHASH', 'CERTS_EXPIRED', 'Certificate has expired');
    session.message('irc.test', 'NOTE', '*', 'SOMETHING', 'Just so you know');
    assert.equal(session.buffer('#chan').lines.at(-1).kind, 'error');
    assert.ok(session.buffer('#chan').lines.at(-1).text.startsWith('NICK alice: This nick belongs to a registered account'));
    assert.deepEqual(session.server.lines.slice(-2).map((l) => l.text), ['REHASH: Certificate has expired', 'Just so you know']);
  });

  test('WALLOPS is a notice in the server buffer', () => {
    const session = new Session().registered();
    session.message('oper!o@h', 'WALLOPS', 'server going down');
    assert.deepEqual([session.server.lines.at(-1).kind, session.server.lines.at(-1).text], ['notice', 'server going down']);
  });

  test('TAGMSG (typing notifications, reactions: tags without text) adds no line anywhere', () => {
    const session = new Session().registered();
    session.message('bob!b@h', 'PRIVMSG', 'me', 'hi');
    const count = () => [...session.connection.buffers.values()].map((b) => b.lines.length);
    const before = count();
    session.event({ seq: session.seq + 1, type: 'message', time: '2026-12-07T17:00:00Z', tags: { '+typing': 'active' }, source: 'bob!b@h', command: 'TAGMSG', params: ['#chan'] });
    session.event({ seq: session.seq + 1, type: 'message', time: '2026-12-07T17:00:00Z', tags: { '+draft/react': '👍', '+draft/reply': 'm1' }, source: 'bob!b@h', command: 'TAGMSG', params: ['me'] });
    assert.deepEqual(count(), before);
  });

  test('PING, PONG, CAP, AUTHENTICATE, BATCH, CHGHOST, ACCOUNT, AWAY and SETNAME add no line; anything else is an info line', () => {
    const session = new Session().registered();
    const before = session.server.lines.length;
    for (const [command, ...params] of [['PING', 'x'], ['PONG', 'irc.test', 'x'], ['CAP', 'me', 'ACK', 'sasl'], ['AUTHENTICATE', '+'],
      ['BATCH', '+b', 'netsplit'], ['CHGHOST', 'u2', 'h2'], ['ACCOUNT', 'bob'], ['AWAY', 'lunch'], ['SETNAME', 'Bob B']]) {
      session.message('bob!b@h', command, ...params);
    }
    assert.equal(session.server.lines.length, before);
    assert.equal(session.buffer('#chan').lines.length, 1);
    session.message('irc.test', 'SILENCE', '+*!*@spam');
    assert.deepEqual([session.server.lines.at(-1).kind, session.server.lines.at(-1).text], ['info', 'SILENCE +*!*@spam']);
  });
});

describe('numerics', () => {
  test('sign-on numerics are folded; the MOTD is not; 005 sets ISUPPORT', () => {
    const session = new Session().registered({ channel: null });
    for (const code of ['002', '003', '004', '251', '252', '253', '254', '255', '265', '266', '396']) session.message('irc.test', code, 'me', 'x', `text ${code}`);
    session.message('irc.test', '375', 'me', '- irc.test Message of the Day -');
    session.message('irc.test', '372', 'me', '- hello');
    session.message('irc.test', '376', 'me', 'End of /MOTD command.');
    const lines = session.server.lines;
    assert.ok(lines.filter((l) => /^x text/.test(l.text)).every((l) => l.folded));
    assert.ok(lines.find((l) => l.text.includes('are supported')).folded, '005 is folded too');
    assert.deepEqual(lines.slice(-3).map((l) => [l.text, l.folded]), [['- irc.test Message of the Day -', false], ['- hello', false], ['End of /MOTD command.', false]]);
    assert.equal(session.connection.isupport.network, 'TestNet');
  });

  test('error numerics answer what the person typed, in plain words, in the buffer typed in or the one they name', () => {
    const session = new Session().registered();
    session.act({ type: 'input', key: '#chan' });
    session.message('irc.test', '401', 'me', 'nobody', 'No such nick/channel');
    session.message('irc.test', '404', 'me', '#chan', 'Cannot send to channel');
    session.message('irc.test', '421', 'me', 'FOO', 'Unknown command');
    session.message('irc.test', '482', 'me', '#chan', 'You\'re not channel operator');
    assert.deepEqual(session.buffer('#chan').lines.slice(-4).map((l) => [l.kind, l.text]), [
      ['error', 'nobody is not on IRC right now (no such nick or channel).'],
      ['error', 'Your message to #chan was not delivered: Cannot send to channel'],
      ['error', 'The server does not know the command FOO.'],
      ['error', 'You need to be a channel operator in #chan to do that.'],
    ]);
  });

  test('an error replayed from before the page loaded goes to the server buffer, not where the person types now', () => {
    const session = new Session({ lastSeq: 100 });
    session.status('REGISTERED', 'me');
    session.act({ type: 'input', key: '' });
    session.message('irc.test', '421', 'me', 'FOO', 'Unknown command');
    assert.equal(session.server.lines.at(-1).kind, 'error');
  });

  test('422 (no MOTD) is information, not an error', () => {
    const session = new Session().registered();
    session.message('irc.test', '422', 'me', 'MOTD File is missing');
    assert.deepEqual([session.server.lines.at(-1).kind, session.server.lines.at(-1).text], ['server', 'MOTD File is missing']);
  });

  test('a refused JOIN opens the channel\'s buffer with the reason and reports it', () => {
    const session = new Session({ saslAccount: 'alice' }).registered({ channel: null });
    session.message('irc.test', '473', 'me', '#invite', 'Cannot join channel (+i)');
    session.message('irc.test', '477', 'me', '#members', 'You need to be identified to a registered account to join this channel');
    session.message('irc.test', '474', 'me', '#banned', 'Cannot join channel (you are banned)');
    session.message('irc.test', '489', 'me', '#secure', 'Cannot join channel; SSL users only (+z)');
    assert.equal(session.buffer('#invite').lines[0].text, 'Cannot join #invite: it is invite only.');
    assert.match(session.buffer('#members').lines[0].text, /only people logged in to a registered account.*Register your nick/);
    assert.match(session.buffer('#banned').lines[0].text, /you are banned from it/);
    assert.match(session.buffer('#secure').lines[0].text, /Use TLS/);
    assert.equal(session.buffer('#invite').joined, false);
    assert.deepEqual(session.take('refused').map((c) => c.key), ['#invite', '#members', '#banned', '#secure']);
  });

  test('SASL failures name the account the person gave', () => {
    const session = new Session({ saslAccount: 'alice' });
    session.status('CONNECTED', 'irc.test:6667');
    session.message('irc.test', '904', '*', 'SASL authentication failed');
    assert.match(session.server.lines.at(-1).text, /Logging in as alice failed.*connect again/);
    assert.equal(session.server.lines.at(-1).kind, 'error');
  });

  test('a server that wants TLS is named in plain words, once', () => {
    const errors = (session) => session.server.lines.filter((l) => l.kind === 'error').map((l) => l.text);
    // A plain connection to 6697 dropped before the welcome, twice.
    const tlsPort = new Session({ server: 'irc.test:6697', tls: false });
    for (let i = 0; i < 2; i++) {
      tlsPort.status('CONNECTED', 'irc.test:6697');
      tlsPort.status('DISCONNECTED', 'The server closed the connection');
      tlsPort.status('RECONNECTING', 'in 60 s');
    }
    assert.equal(errors(tlsPort).filter((t) => t.includes('accepts only connections over TLS')).length, 1);
    assert.match(errors(tlsPort)[0], /"Use TLS" ticked/);
    // A server that says why in its ERROR.
    const says = new Session({ server: 'irc.test:6667', tls: false });
    says.status('CONNECTED', 'irc.test:6667');
    says.message(null, 'ERROR', 'Closing Link: Insecure connection. Please reconnect using SSL/TLS');
    assert.match(errors(says).at(-1), /^This server accepts only connections over TLS.*\(The server says: Closing Link/);
    // Over TLS nothing of the kind is said.
    const fine = new Session({ server: 'irc.test:6697', tls: true });
    fine.status('CONNECTED', 'irc.test:6697');
    fine.status('DISCONNECTED', 'lost');
    assert.equal(errors(fine).filter((t) => t.includes('TLS')).length, 0);
  });

  test('a channel numeric goes to the channel\'s buffer; others to the server buffer', () => {
    const session = new Session().registered();
    session.message('irc.test', '324', 'me', '#chan', '+nt');
    session.message('irc.test', '329', 'me', '#chan', '1765100000');
    session.message('irc.test', '324', 'me', '#elsewhere', '+nt');
    assert.deepEqual(session.buffer('#chan').lines.slice(-2).map((l) => l.text), ['#chan +nt', '#chan 1765100000']);
    assert.equal(session.server.lines.at(-1).text, '#elsewhere +nt');
  });

  test('a NAMES reply replaces the list only when it ends (366), so a refresh after a gap never shows half a list', () => {
    const session = new Session().registered();
    session.message('irc.test', '353', 'me', '=', '#chan', '@me dave');
    assert.deepEqual(session.users('#chan'), ['@me', 'alice', 'bob']);
    session.message('irc.test', '353', 'me', '=', '#chan', 'erin');
    session.message('irc.test', '366', 'me', '#chan', 'End of /NAMES list.');
    assert.deepEqual(session.users('#chan'), ['@me', 'dave', 'erin']);
  });

  test('WHOIS replies make one card where the person asked', () => {
    const session = new Session().registered();
    session.act({ type: 'input', key: '#chan' });
    session.message('irc.test', '311', 'me', 'bob', 'b', 'host.example', '*', 'Bob Builder');
    session.message('irc.test', '319', 'me', 'bob', '@#chan #other');
    session.message('irc.test', '312', 'me', 'bob', 'irc.test', 'Test server');
    session.message('irc.test', '317', 'me', 'bob', '125', '1765100000', 'seconds idle, signon time');
    session.message('irc.test', '330', 'me', 'bob', 'bobacct', 'is logged in as');
    session.message('irc.test', '301', 'me', 'bob', 'at lunch');
    session.message('irc.test', '671', 'me', 'bob', 'is using a secure connection');
    session.message('irc.test', '276', 'me', 'bob', 'has client certificate fingerprint abc');
    session.message('irc.test', '318', 'me', 'bob', 'End of /WHOIS list.');
    const line = session.buffer('#chan').lines.at(-1);
    assert.equal(line.kind, 'whois');
    assert.equal(line.text, 'bob (b@host.example)');
    assert.deepEqual({ ...line.whois, signon: line.whois.signon.toISOString() }, {
      nick: 'bob', user: 'b', host: 'host.example', realname: 'Bob Builder', channels: ['@#chan', '#other'], server: 'irc.test',
      serverInfo: 'Test server', idleSeconds: 125, signon: '2025-12-07T09:33:20.000Z', account: 'bobacct', away: 'at lunch',
      secure: true, extra: ['has client certificate fingerprint abc'],
    });
    assert.equal(session.connection.whois.size, 0);
  });

  test('a WHOIS for nobody says so', () => {
    const session = new Session().registered();
    session.act({ type: 'input', key: '#chan' });
    session.message('irc.test', '401', 'me', 'ghost', 'No such nick/channel');
    session.message('irc.test', '318', 'me', 'ghost', 'End of /WHOIS list.');
    assert.deepEqual(session.buffer('#chan').lines.slice(-2).map((l) => l.text), ['ghost is not on IRC right now (no such nick or channel).', 'No information about ghost.']);
  });
});

describe('what the page does', () => {
  test('a new connection is stored once with its read base; channels from the gateway are joined buffers', () => {
    const session = new Session({ channels: ['#a', '#b'], lastSeq: 40 });
    assert.deepEqual([...session.connection.buffers.keys()], ['', '#a', '#b']);
    assert.ok(session.buffer('#a').joined);
    assert.deepEqual(session.saved.get('c1'), { base: 40, read: {}, closed: {} });
    assert.equal(session.buffer('#a').readSeq, 40);
  });

  test('reading a buffer moves its read point and asks for it to be stored; reading it again changes nothing', () => {
    const session = new Session().registered();
    session.message('bob!b@h', 'PRIVMSG', '#chan', 'one');
    session.act({ type: 'read', key: '#chan' });
    assert.equal(session.buffer('#chan').unread, 0);
    assert.equal(session.saved.get('c1').read['#chan'], session.connection.lastSeq);
    const before = session.state;
    const again = session.act({ type: 'read', key: '#chan' });
    assert.equal(again.state, before);
    assert.deepEqual(again.changes, []);
  });

  test('read points and closed buffers come from the store; only new activity reopens a closed chat', () => {
    const pm = (seq, text) => ({ seq, type: 'message', time: '2026-12-07T17:00:00Z', tags: {}, source: 'bob!b@h', command: 'PRIVMSG', params: ['me', text] });
    const chan = (seq, text) => ({ seq, type: 'message', time: '2026-12-07T17:00:00Z', tags: {}, source: 'bob!b@h', command: 'PRIVMSG', params: ['#a', text] });
    const first = new Session({ channels: ['#a'], lastSeq: 0 });
    first.event(chan(1, 'one'));
    first.act({ type: 'read', key: '#a' });
    first.event(chan(2, 'two me: hi'));
    first.event(pm(3, 'old private'));
    first.act({ type: 'close', key: 'bob' });
    const saved = first.saved.get('c1');
    assert.deepEqual(saved, { base: 0, read: { '#a': 1 }, closed: { bob: 3 } });

    const second = new Session({ channels: ['#a'], lastSeq: 3 }, { saved });
    second.events([chan(1, 'one'), chan(2, 'two me: hi'), pm(3, 'old private')]);
    assert.deepEqual([second.buffer('#a').unread, second.buffer('#a').mentions], [1, 1]);
    assert.equal(second.buffer('bob'), null, 'a replayed old message does not reopen a closed chat');
    assert.ok(second.take('unread').every((c) => !c.live), 'a replay notifies nobody');
    second.event(pm(4, 'new private'));
    assert.deepEqual(second.texts('bob'), ['new private']);
    assert.equal(second.buffer('bob').unread, 1);
    assert.deepEqual(second.take('unread').map((c) => c.live), [true]);
    assert.deepEqual(second.saved.get('c1').closed, {}, 'reopened: no longer closed');
  });

  test('what another tab stored: its read points clear badges here, its closed buffers close here', () => {
    const session = new Session({ channels: ['#a'] });
    session.message('bob!b@h', 'PRIVMSG', '#a', 'one');
    session.message('bob!b@h', 'PRIVMSG', 'me', 'private');
    session.act({ type: 'merge', saved: { base: 0, read: { '#a': 2 }, closed: { bob: 2 } } });
    assert.equal(session.buffer('#a').unread, 0);
    assert.equal(session.buffer('bob'), null);
    assert.equal(session.take('read').length, 1);
  });

  test('a line of the client\'s own, opening a conversation, the gateway losing the connection, the transport', () => {
    const session = new Session().registered();
    session.act({ type: 'line', key: '#chan', kind: 'client', text: 'Link to #chan copied' });
    assert.deepEqual([session.buffer('#chan').lines.at(-1).kind, session.buffer('#chan').lines.at(-1).time], ['client', NOW]);
    session.act({ type: 'open', name: 'Carol' });
    assert.equal(session.buffer('carol').kind, 'query');
    session.act({ type: 'transport', transport: 'poll' });
    assert.equal(session.connection.transport, 'poll');
    session.act({ type: 'gone' });
    assert.equal(session.connection.state, 'closed');
    assert.equal(session.buffer('#chan').users.size, 0);
    assert.match(session.server.lines.at(-1).text, /no longer has this connection/);
    const again = session.act({ type: 'gone' });
    assert.deepEqual(again.changes, []);
  });

  test('removing a connection takes it out; the buffer lines keep a bounded length', () => {
    const session = new Session().registered();
    for (let i = 0; i < 2005; i++) session.message('bob!b@h', 'PRIVMSG', '#chan', `line ${i}`);
    assert.equal(session.buffer('#chan').lines.length, 2000);
    assert.equal(session.buffer('#chan').lines.at(-1).text, 'line 2004');
    session.act({ type: 'remove' });
    assert.equal(session.state.connections.size, 0);
  });
});
