// node check-recording.mjs <recording.json>: checks a fresh recording (ClientModelRecordingTests) as
// conversation.test.mjs checks the one kept in fixtures/. Exits 1 with the difference when the model gets it wrong.

import { readFileSync } from 'node:fs';
import { checkConversation } from './conversation.mjs';

const [file] = process.argv.slice(2);
checkConversation(JSON.parse(readFileSync(file, 'utf8')));
console.log(`${file}: the model rebuilds the conversation.`);
