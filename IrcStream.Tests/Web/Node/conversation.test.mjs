// The web client's model on a conversation recorded from a real InspIRCd through the gateway (the SSE stream as it
// was delivered; recorded by ClientModelRecordingTests, which runs the same check on a fresh recording).

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { checkConversation } from './conversation.mjs';
import { recorded } from './session.mjs';

test('the model rebuilds a conversation recorded from InspIRCd', () => {
  checkConversation(recorded('inspircd-conversation.json'));
});

test('the recording holds every kind of event the conversation had', () => {
  const { events } = recorded('inspircd-conversation.json');
  const commands = new Set(events.filter((e) => e.type === 'message').map((e) => e.command));
  for (const command of ['001', '005', 'JOIN', '353', '366', 'PRIVMSG', 'NOTICE', 'TOPIC', 'MODE', 'NICK', '311', '318', '473', '421', 'PART']) {
    assert.ok(commands.has(command), `${command} is in the recording`);
  }
  const statuses = events.filter((e) => e.type === 'status').map((e) => e.status);
  assert.deepEqual([statuses[0], statuses.at(-1)], ['CONNECTING', 'CLOSED']);
  assert.ok(statuses.includes('REGISTERED'));
});
