// How long the web client's model (wwwroot/js/state.js) takes per event while a replay fills it: 20 channels of
// 200 people, then PRIVMSGs spread over them, and PRIVMSGs into one buffer that is full (2,000 lines kept).
// Run: node IrcStream.Benchmarks/WebClient/reducer-replay.mjs (docs/BENCHMARKS.md, "The web client's model").

import { Session } from '../../IrcStream.Tests/Web/Node/session.mjs';

function time(label, count, step) {
  const started = performance.now();
  for (let i = 0; i < count; i++) step(i);
  const ms = performance.now() - started;
  console.log(`${label}: ${count} events in ${ms.toFixed(1)} ms, ${((ms * 1000) / count).toFixed(1)} µs per event`);
}

for (const count of [1000, 5000]) {
  const session = new Session().registered({ channel: null });
  for (let c = 0; c < 20; c++) {
    session.message('me!u@h', 'JOIN', `#c${c}`);
    session.message('irc.test', '353', 'me', '=', `#c${c}`, Array.from({ length: 200 }, (_, i) => `u${c}_${i}`).join(' '));
    session.message('irc.test', '366', 'me', `#c${c}`, 'End of /NAMES list.');
  }
  time('PRIVMSG into 20 channels of 200 people', count, (i) => {
    session.message(`u0_${i % 200}!u@h`, 'PRIVMSG', `#c${i % 20}`, `message ${i} with some text`);
    session.changes = [];
  });
}

const full = new Session().registered();
for (let i = 0; i < 2000; i++) full.message('bob!b@h', 'PRIVMSG', '#chan', `fill ${i}`);
time('PRIVMSG into one full buffer', 2000, (i) => {
  full.message('bob!b@h', 'PRIVMSG', '#chan', `more ${i}`);
  full.changes = [];
});
