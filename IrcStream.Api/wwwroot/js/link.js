// Links that fill the connect form: /?nick=Guest?#project, /?channels=%23a,%23b&server=irc.example.net:6697&lang=de.
// Pure functions (no DOM, no storage), so the module tests can feed them any URL. What a link carries is checked
// by the same rules as the gateway's (IrcNames): a link can fill the form, never smuggle a line into IRC.

import { t } from './i18n.js';

/** RFC 2812 2.3.1 special characters a nick may hold (IrcNames.NickSpecials). */
const NICK_SPECIALS = '[]\\`_^{|}';
/** IrcNames.MaxNickLength. */
export const MAX_NICK_LENGTH = 64;
/** IrcNames.MaxChannelBytes. */
export const MAX_CHANNEL_BYTES = 200;
const CHANNEL_PREFIXES = '#&+!';

const isLetter = (c) => /^[A-Za-z]$/.test(c);
const isDigit = (c) => /^[0-9]$/.test(c);

/** Null for a nick the gateway accepts; otherwise why not, in words. */
export function nickProblem(nick) {
  if (!nick) return t('link.nickEmpty');
  if (nick.length > MAX_NICK_LENGTH) return t('link.nickTooLong', { max: MAX_NICK_LENGTH });
  if (!isLetter(nick[0]) && !NICK_SPECIALS.includes(nick[0])) return t('link.nickStart');
  for (const c of nick) {
    if (!isLetter(c) && !isDigit(c) && c !== '-' && !NICK_SPECIALS.includes(c)) return t('link.nickChar', { char: c });
  }
  return null;
}

/** Null for a channel name a JOIN can carry (IrcNames.ChannelProblem); otherwise why not. */
export function channelProblem(channel) {
  if (!channel) return t('link.channelEmpty');
  if (!CHANNEL_PREFIXES.includes(channel[0])) return t('link.channelPrefix', { channel });
  if (channel.length === 1) return t('link.channelBare', { channel });
  if (/[ ,\x07\r\n\0]/.test(channel)) return t('link.channelChars', { channel });
  if (new TextEncoder().encode(channel).length > MAX_CHANNEL_BYTES) return t('link.channelTooLong', { channel, max: MAX_CHANNEL_BYTES });
  return null;
}

/** Each `?` of a nick format becomes a random digit: Guest??? -> Guest042. */
export function fillNickFormat(format, random = Math.random) {
  return (format ?? '').replace(/\?/g, () => String(Math.floor(random() * 10)));
}

/** True when `server` (host:port) is one of `allowed` (entries may hold `*` wildcards, as in AllowedServers). */
export function isAllowedServer(server, allowed) {
  const wanted = server.toLowerCase();
  return allowed.some((entry) => {
    const pattern = entry.toLowerCase().split('*').map((part) => part.replace(/[.+^${}()|[\]\\?]/g, '\\$&')).join('[^:]*');
    return new RegExp(`^${pattern}$`).test(wanted);
  });
}

function decode(text) {
  try {
    return decodeURIComponent(text.replace(/\+/g, ' '));
  } catch {
    return text;
  }
}

/**
 * Channels from a fragment, as networks and KiwiIRC write them: `/#project`, `/#a,#b`, `/##dev`, `/#%23a,%23b`.
 * The fragment's own `#` is the first channel's prefix unless the fragment starts with an encoded one (`%23`).
 */
function fragmentChannels(hash) {
  const raw = (hash ?? '').replace(/^#/, '');
  if (!raw) return [];
  const list = /^%23/i.test(raw) ? raw : `#${raw}`;
  return list.split(',').map(decode);
}

/** A name from a link, with `#` added where it has no channel prefix (`?channels=help` is #help). */
function withPrefix(name) {
  const trimmed = name.trim();
  if (!trimmed) return '';
  return CHANNEL_PREFIXES.includes(trimmed[0]) ? trimmed : `#${trimmed}`;
}

/**
 * What a link asks for. `search` and `hash` are `location.search` and `location.hash`; `allowedServers` the
 * gateway's list. Returns { nick, channels, server, lang, problems, present }: only valid values are kept; each
 * refused one adds a sentence to `problems`; `present` is true when the link named anything at all.
 */
export function parseLink(search, hash, allowedServers = [], random = Math.random) {
  const params = new URLSearchParams(search ?? '');
  const problems = [];
  const result = { nick: null, channels: [], server: null, lang: null, problems, present: false };

  const nick = params.get('nick');
  if (nick !== null && nick !== '') {
    result.present = true;
    const filled = fillNickFormat(nick, random);
    const problem = nickProblem(filled);
    if (problem) problems.push(t('link.nickUnused', { problem }));
    else result.nick = filled;
  }

  const named = [
    ...(params.get('channels') ?? params.get('channel') ?? '').split(',').map(withPrefix),
    ...fragmentChannels(hash).map(withPrefix),
  ].filter(Boolean);
  const seen = new Set();
  for (const channel of named) {
    result.present = true;
    const problem = channelProblem(channel);
    if (problem) {
      problems.push(t('link.channelUnused', { problem }));
      continue;
    }
    const key = channel.toLowerCase();
    if (!seen.has(key)) {
      seen.add(key);
      result.channels.push(channel);
    }
  }

  const server = params.get('server');
  if (server) {
    result.present = true;
    if (isAllowedServer(server, allowedServers)) result.server = server;
    else problems.push(t('link.serverRefused', { server }));
  }

  const lang = params.get('lang');
  if (lang && /^[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})*$/.test(lang)) result.lang = lang;
  return result;
}

/**
 * A link to `channel` on this gateway, in the form networks document: the channel in the fragment
 * (`https://webchat.example.net/#project`), `?server=` when it is not the form's default, `?channels=` for a name
 * a fragment cannot carry (not starting with `#`).
 */
export function channelLink(origin, channel, server, defaultServer) {
  const params = new URLSearchParams();
  if (server && server.toLowerCase() !== (defaultServer ?? '').toLowerCase()) params.set('server', server);
  const inFragment = channel.startsWith('#');
  if (!inFragment) params.set('channels', channel);
  const query = params.toString();
  return `${origin}/${query ? `?${query}` : ''}${inFragment ? `#${encodeURI(channel.slice(1))}` : ''}`;
}
