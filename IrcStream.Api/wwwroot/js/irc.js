// Small IRC facts the client needs: nick/source parsing, case mapping, ISUPPORT (005) and CTCP.

/** The nick of a message source "nick!user@host" (or the server name when it has no "!"). */
export function sourceNick(source) {
  if (!source) return '';
  const bang = source.indexOf('!');
  const at = source.indexOf('@');
  const end = bang >= 0 ? bang : at >= 0 ? at : source.length;
  return source.slice(0, end);
}

/** True when the source is a user (nick!user@host or a bare nick), not a server name such as irc.example.net. */
export function isUserSource(source) {
  if (!source) return false;
  return source.includes('!') || source.includes('@') || !source.includes('.');
}

/**
 * Folds a name for comparison the way the server's CASEMAPPING says: "ascii" folds A-Z only; "rfc1459"
 * also folds []\~ to {}|^; "strict-rfc1459" folds []\ but not ~.
 */
export function caseFold(name, casemapping = 'rfc1459') {
  let out = '';
  for (const ch of name) {
    const code = ch.charCodeAt(0);
    if (code >= 65 && code <= 90) out += String.fromCharCode(code + 32);
    else if (casemapping !== 'ascii' && (ch === '[' || ch === ']' || ch === '\\')) out += String.fromCharCode(code + 32);
    else if (casemapping === 'rfc1459' && ch === '~') out += '^';
    else out += ch;
  }
  return out;
}

/** What the client assumes until the server's 005 says otherwise (RFC 1459 / RFC 2812 defaults). */
export function defaultIsupport() {
  return {
    network: '',
    casemapping: 'rfc1459',
    chantypes: '#&',
    prefixModes: 'ov',
    prefixSymbols: '@+',
    // CHANMODES=A,B,C,D: A = list (always a parameter), B = always, C = only when set, D = never.
    chanmodes: ['beI', 'k', 'l', 'imnpst'],
    statusmsg: '',
  };
}

/** Applies the tokens of one RPL_ISUPPORT line (params between the nick and the trailing text) to `isupport`. */
export function applyIsupport(isupport, tokens) {
  for (const token of tokens) {
    const negated = token.startsWith('-');
    const eq = token.indexOf('=');
    const key = (negated ? token.slice(1) : eq >= 0 ? token.slice(0, eq) : token).toUpperCase();
    const value = negated || eq < 0 ? '' : token.slice(eq + 1);
    const defaults = defaultIsupport();
    switch (key) {
      case 'NETWORK': isupport.network = negated ? '' : value; break;
      case 'CASEMAPPING':
        isupport.casemapping = ['ascii', 'rfc1459', 'strict-rfc1459'].includes(value.toLowerCase()) ? value.toLowerCase() : defaults.casemapping;
        break;
      case 'CHANTYPES': isupport.chantypes = negated ? defaults.chantypes : value; break;
      case 'STATUSMSG': isupport.statusmsg = negated ? '' : value; break;
      case 'PREFIX': {
        const match = /^\(([^)]*)\)(.*)$/.exec(value);
        if (!negated && match && match[1].length === match[2].length) {
          isupport.prefixModes = match[1];
          isupport.prefixSymbols = match[2];
        } else if (negated || value === '') {
          isupport.prefixModes = negated ? defaults.prefixModes : '';
          isupport.prefixSymbols = negated ? defaults.prefixSymbols : '';
        }
        break;
      }
      case 'CHANMODES': {
        const parts = value.split(',');
        isupport.chanmodes = negated ? defaults.chanmodes : [0, 1, 2, 3].map((i) => parts[i] ?? '');
        break;
      }
      default: break;
    }
  }
  return isupport;
}

/** True when `name` is a channel name under the server's CHANTYPES. */
export function isChannelName(name, isupport) {
  return name.length > 0 && isupport.chantypes.includes(name[0]);
}

/** Splits a CTCP body "\x01ACTION waves\x01" into { command, text }; null when the text is not CTCP. */
export function parseCtcp(text) {
  if (text.length < 2 || text[0] !== '\x01') return null;
  const body = text.endsWith('\x01') ? text.slice(1, -1) : text.slice(1);
  const space = body.indexOf(' ');
  return space < 0
    ? { command: body.toUpperCase(), text: '' }
    : { command: body.slice(0, space).toUpperCase(), text: body.slice(space + 1) };
}
