// The replies that stop a newcomer, in words that say what happened and what to do. Pure: state.js decides where
// each line goes; this only words it, with the translator `t` it is given (i18n.js). `server` is the server's own
// text, kept at the end where it adds something.

const withServer = (t, text, server) => (server ? t('reply.serverSays', { text, server }) : text);

/** Numerics that refuse a JOIN: the line goes to that channel's buffer, opened for it if need be. */
export const JOIN_REFUSALS = new Set(['471', '473', '474', '475', '477', '489', '520']);

/**
 * Plain words for an error numeric, or null to show the server's own words. `subject` is the nick or channel the
 * server names, `text` its words, `account` the SASL account the connection logs in with (if known).
 */
export function explainNumeric(t, command, subject, text, account) {
  switch (command) {
    case '465': return t('reply.465', { text: text || t('reply.noReason') });
    case '474': return t('reply.474', { subject });
    case '477': return withServer(t, t('reply.477', { subject }), text);
    case '489': return t('reply.489', { subject });
    case '520': return withServer(t, t('reply.520', { subject }), text);
    case '902': return t('reply.902', { account: account || t('reply.thatAccount'), text });
    case '904':
    case '905':
    case '906': return t(`reply.${command}`, { account: account || t('reply.yourAccount') });
    case '907': return account ? t('reply.907as', { account }) : t('reply.907');
    default: return null;
  }
}

/** Codes of IRCv3 standard replies that a newcomer meets, in plain words. */
const STANDARD_REPLY_CODES = new Set(['ACCOUNT_REQUIRED', 'NICKNAME_RESERVED', 'BANNED', 'NEED_REGISTRATION', 'INVALID_TARGET']);

/**
 * An IRCv3 standard reply (FAIL, WARN, NOTE: `<command> <code> [<context>...] :<description>`) as a line:
 * { kind, text }. FAIL is an error, WARN a notice, NOTE information.
 */
export function standardReply(t, type, params) {
  const [command = '*', code = '', ...rest] = params;
  const description = rest.length > 0 ? rest[rest.length - 1] : '';
  const context = rest.slice(0, -1);
  const plain = STANDARD_REPLY_CODES.has(code) ? t(`reply.${code}`) : null;
  const about = command && command !== '*' ? `${command}${context.length ? ` ${context.join(' ')}` : ''}: ` : '';
  const words = plain ? `${plain}${description ? t('reply.serverSaysTail', { text: description }) : ''}` : description || code;
  const kind = type === 'FAIL' ? 'error' : type === 'WARN' ? 'notice' : 'server';
  return { kind, text: `${about}${words}` };
}


/**
 * A server's ERROR (it is closing the connection) in words: on a plain connection, a reason that speaks of TLS or
 * SSL means the server wants TLS, and the person is told how to connect that way.
 */
export function explainServerError(t, text, tls) {
  if (!tls && /\b(TLS|SSL|secure|encrypted)\b/i.test(text)) return withServer(t, t('reply.wantsTls'), text);
  return text;
}

/**
 * A plain connection to a port that is TLS by convention (6697) lost before the server's welcome: the server most
 * likely waited for TLS. The words to say so, or null when that is not the case.
 */
export function plainToTlsPort(t, server, tls) {
  return !tls && /:6697$/.test(server) ? t('reply.wantsTls') : null;
}
