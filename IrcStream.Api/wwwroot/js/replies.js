// The replies that stop a newcomer, in words that say what happened and what to do. Pure: state.js decides where
// each line goes; this only words it. `server` is the server's own text, kept at the end where it adds something.

const withServer = (text, server) => (server ? `${text} (The server says: ${server})` : text);

/** Numerics that refuse a JOIN: the line goes to that channel's buffer, opened for it if need be. */
export const JOIN_REFUSALS = new Set(['471', '473', '474', '475', '477', '489', '520']);

/**
 * Plain words for an error numeric, or null to show the server's own words. `subject` is the nick or channel the
 * server names, `text` its words, `account` the SASL account the connection logs in with (if known).
 */
export function explainNumeric(command, subject, text, account) {
  switch (command) {
    case '465': return `This server has banned you: ${text || 'no reason given'}. Connecting again will not help; if you think it is a mistake, contact the network's staff.`;
    case '474': return `Cannot join ${subject}: you are banned from it. If you think it is a mistake, ask the channel's operators or the network's staff.`;
    case '477': return withServer(`Cannot join ${subject}: only people logged in to a registered account may join it. Register your nick ("Register this nick" at the top, where the server offers it) or log in (More options → SASL when you connect), then join again.`, text);
    case '489': return `Cannot join ${subject}: it admits only connections over TLS. Connect again with "Use TLS" ticked (port 6697 on most networks).`;
    case '520': return withServer(`Cannot join ${subject}: it is for IRC operators only.`, text);
    case '902': return `You cannot log in as ${account || 'that account'} now: the account is locked or held by someone else (the server says: ${text}).`;
    case '904': return `Logging in as ${account || 'your account'} failed: the account name or the password is wrong. Check both (More options → SASL) and connect again; you are connected without logging in meanwhile.`;
    case '905': return `Logging in as ${account || 'your account'} failed: the account name or password is too long for the server.`;
    case '906': return `Logging in as ${account || 'your account'} was cancelled; you are connected without logging in.`;
    case '907': return `You are already logged in${account ? ` as ${account}` : ''}.`;
    default: return null;
  }
}

/** Codes of IRCv3 standard replies that a newcomer meets, in plain words. */
const STANDARD_REPLY_TEXT = {
  ACCOUNT_REQUIRED: 'You need to be logged in to an account for that: register your nick with the network, or log in with SASL when you connect.',
  NICKNAME_RESERVED: 'This nick belongs to a registered account: log in to it (More options → SASL when you connect) or pick another nick with /nick.',
  BANNED: 'You are banned from doing that.',
  NEED_REGISTRATION: 'You need to be connected and signed on for that: wait until the connection reads "connected".',
  INVALID_TARGET: 'That channel or nick does not exist or cannot be used.',
};

/**
 * An IRCv3 standard reply (FAIL, WARN, NOTE: `<command> <code> [<context>...] :<description>`) as a line:
 * { kind, text }. FAIL is an error, WARN a notice, NOTE information.
 */
export function standardReply(type, params) {
  const [command = '*', code = '', ...rest] = params;
  const description = rest.length > 0 ? rest[rest.length - 1] : '';
  const context = rest.slice(0, -1);
  const plain = STANDARD_REPLY_TEXT[code];
  const about = command && command !== '*' ? `${command}${context.length ? ` ${context.join(' ')}` : ''}: ` : '';
  const words = plain ? `${plain}${description ? ` (The server says: ${description})` : ''}` : description || code;
  const kind = type === 'FAIL' ? 'error' : type === 'WARN' ? 'notice' : 'server';
  return { kind, text: `${about}${words}` };
}

/** What a person does about a server that takes only TLS. */
const WANTS_TLS = 'This server accepts only connections over TLS (encrypted). Connect again with "Use TLS" ticked (port 6697 on most networks).';

/**
 * A server's ERROR (it is closing the connection) in words: on a plain connection, a reason that speaks of TLS or
 * SSL means the server wants TLS, and the person is told how to connect that way.
 */
export function explainServerError(text, tls) {
  if (!tls && /\b(TLS|SSL|secure|encrypted)\b/i.test(text)) return withServer(WANTS_TLS, text);
  return text;
}

/**
 * A plain connection to a port that is TLS by convention (6697) lost before the server's welcome: the server most
 * likely waited for TLS. The words to say so, or null when that is not the case.
 */
export function plainToTlsPort(server, tls) {
  return !tls && /:6697$/.test(server) ? WANTS_TLS : null;
}
