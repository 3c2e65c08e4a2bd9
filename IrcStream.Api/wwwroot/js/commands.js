// What the user types, turned into IRC lines for POST .../lines and into actions on the client itself.

import { t } from './i18n.js';
import { splitMessage } from './irc-split.js';

/** Each command's usage, and the key of what it does in the text tables (commands.*). */
const COMMAND_USAGE = [
  ['/join #channel [key]', 'join'],
  ['/part [#channel] [reason]', 'part'],
  ['/msg nick|#channel text', 'msg'],
  ['/query nick [text]', 'query'],
  ['/me action', 'me'],
  ['/notice target text', 'notice'],
  ['/nick newnick', 'nick'],
  ['/topic [text]', 'topic'],
  ['/whois nick', 'whois'],
  ['/close', 'close'],
  ['/quit [reason]', 'quit'],
  ['/raw line, /quote line', 'raw'],
  ['/help', 'help'],
];

/** The commands as /help lists them: [usage, what it does] in the chosen language. */
export function commandList() {
  return COMMAND_USAGE.map(([usage, key]) => [usage, t(`commands.${key}`)]);
}

/** A mistake in what the user typed, shown to them in words. */
export class CommandError extends Error {}

function needs(value, usage) {
  if (!value) throw new CommandError(t('commands.usage', { usage }));
  return value;
}

function firstWord(text) {
  const trimmed = text.trim();
  const space = trimmed.indexOf(' ');
  return space < 0 ? [trimmed, ''] : [trimmed.slice(0, space), trimmed.slice(space + 1)];
}

/**
 * Interprets one input line typed in a buffer.
 * @param {string} input what was typed
 * @param {object} context { bufferName, bufferKind: 'server'|'channel'|'query', isChannel(name), chantypes }
 * @returns {{ lines: string[], action?: object }} IRC lines to send and an optional client action:
 *   { type: 'open', name } | { type: 'focus', name } | { type: 'close' } | { type: 'quit' } | { type: 'help' }
 */
export function interpret(input, context) {
  const { bufferName, bufferKind, isChannel } = context;
  const inConversation = bufferKind === 'channel' || bufferKind === 'query';
  const channelName = (name) => (isChannel(name) ? name : `${(context.chantypes || '#')[0]}${name}`);
  const say = (target, text) => splitMessage('PRIVMSG', target, text);

  if (!input.startsWith('/') || input.startsWith('//')) {
    const text = input.startsWith('//') ? input.slice(1) : input;
    if (!text.trim()) return { lines: [] };
    if (!inConversation) throw new CommandError(t('commands.serverBuffer'));
    return { lines: say(bufferName, text) };
  }

  const [word, rest] = firstWord(input.slice(1));
  const args = rest.trim();
  // "COMMAND #channel [:text]": the channel named first, else the one on screen.
  const channelCommand = (command, usage) => {
    let [target, text] = firstWord(args);
    if (!target || !isChannel(target)) {
      text = args;
      target = bufferKind === 'channel' ? bufferName : '';
    }
    needs(target, `${usage} (or type it in the channel)`);
    return text ? `${command} ${target} :${text}` : `${command} ${target}`;
  };
  switch (word.toLowerCase()) {
    case 'join':
    case 'j': {
      const [channels, key] = firstWord(needs(args, '/join #channel [key]'));
      const names = channels.split(',').filter(Boolean).map(channelName);
      return { lines: [`JOIN ${names.join(',')}${key ? ` ${key}` : ''}`], action: { type: 'focus', name: names[0] } };
    }
    case 'part':
    case 'leave':
      return { lines: [channelCommand('PART', '/part #channel [reason]')] };
    case 'msg':
    case 'privmsg': {
      const [target, text] = firstWord(args);
      needs(target && text, '/msg nick|#channel text');
      return { lines: say(target, text), action: isChannel(target) ? undefined : { type: 'open', name: target, focus: false } };
    }
    case 'query':
    case 'q': {
      const [target, text] = firstWord(needs(args, '/query nick [text]'));
      if (isChannel(target)) throw new CommandError('/query is for people; use /join for a channel.');
      return { lines: text ? say(target, text) : [], action: { type: 'open', name: target, focus: true } };
    }
    case 'me': {
      if (!inConversation) throw new CommandError('/me works in a channel or a private conversation.');
      return { lines: splitMessage('PRIVMSG', bufferName, needs(args, '/me action'), { before: '\x01ACTION ', after: '\x01' }) };
    }
    case 'notice': {
      const [target, text] = firstWord(args);
      needs(target && text, '/notice target text');
      return { lines: splitMessage('NOTICE', target, text) };
    }
    case 'nick': {
      const [nick] = firstWord(needs(args, '/nick newnick'));
      return { lines: [`NICK ${nick}`] };
    }
    case 'topic':
      return { lines: [channelCommand('TOPIC', '/topic #channel [text]')] };
    case 'whois':
    case 'wi': {
      const [nick] = firstWord(needs(args, '/whois nick'));
      return { lines: [`WHOIS ${nick}`] };
    }
    case 'quit':
      return { lines: args ? [`QUIT :${args}`] : [], action: { type: 'quit' } };
    case 'close':
      return {
        lines: bufferKind === 'channel' ? [`PART ${bufferName}`] : [],
        action: { type: 'close' },
      };
    case 'raw':
    case 'quote':
      return { lines: [needs(rest.replace(/^ +/, ''), '/raw IRC line')] };
    case 'help':
      return { lines: [], action: { type: 'help' } };
    default:
      throw new CommandError(t('commands.unknown', { word }));
  }
}

/**
 * Tab completion of the word before the caret from `nicks` (most relevant first). Returns
 * { value, caret } or null. At the start of the line the nick gets ": " after it.
 */
export function completeNick(value, caret, nicks, fold = (s) => s.toLowerCase()) {
  const before = value.slice(0, caret);
  const start = before.search(/\S*$/);
  const partial = before.slice(start);
  if (!partial) return null;
  const match = nicks.find((nick) => fold(nick).startsWith(fold(partial)));
  if (!match) return null;
  const suffix = start === 0 ? ': ' : ' ';
  const after = value.slice(caret).replace(/^ /, '');
  const completed = value.slice(0, start) + match + suffix;
  return { value: completed + after, caret: completed.length };
}

/** Up/Down arrow recall of what was typed before, like a shell. */
export class InputHistory {
  constructor(limit = 100) {
    this.limit = limit;
    this.entries = [];
    this.position = 0;
    this.draft = '';
  }

  push(entry) {
    if (entry && this.entries[this.entries.length - 1] !== entry) this.entries.push(entry);
    if (this.entries.length > this.limit) this.entries.shift();
    this.position = this.entries.length;
    this.draft = '';
  }

  /** The entry before (Up) the current one; `current` is kept as the draft when leaving the newest line. */
  previous(current) {
    if (this.position === this.entries.length) this.draft = current;
    if (this.position > 0) this.position -= 1;
    return this.entries[this.position] ?? current;
  }

  next() {
    if (this.position < this.entries.length) this.position += 1;
    return this.position === this.entries.length ? this.draft : this.entries[this.position];
  }
}
