// Splits long text into PRIVMSG/NOTICE lines (the gateway sends the lines it is given as they are), so that no line the
// client posts is refused (510 bytes of UTF-8 outside tags) and nothing is cut when the server relays it.

/** "...SHALL NOT exceed 512 characters in length, counting all characters including the trailing CR-LF" (RFC 1459 2.3). */
export const MAX_LINE_BYTES = 510;

/**
 * Room for the ":nick!user@host " a server puts in front when relaying: ":" + nick (30) + "!" + user (11)
 * + "@" + host (64) + " ".
 */
export const RELAY_RESERVE_BYTES = 1 + 30 + 1 + 11 + 1 + 64 + 1;

const encoder = new TextEncoder();

/** The UTF-8 length of a string (a lone surrogate counts as U+FFFD, 3 bytes, as TextEncoder writes it). */
export function utf8Length(text) {
  return encoder.encode(text).length;
}

const segmenter = typeof Intl !== 'undefined' && Intl.Segmenter ? new Intl.Segmenter(undefined, { granularity: 'grapheme' }) : null;

function graphemes(text) {
  return segmenter ? Array.from(segmenter.segment(text), (s) => s.segment) : Array.from(text);
}

/** How many UTF-16 units from the start of `text` fit in `budget` bytes, ending between graphemes when one fits. */
function fit(text, budget) {
  let units = 0;
  let bytes = 0;
  for (const grapheme of graphemes(text)) {
    const size = utf8Length(grapheme);
    if (bytes + size > budget) break;
    units += grapheme.length;
    bytes += size;
  }
  if (units > 0) return units;
  // A single grapheme longer than the line: cut between its code points instead.
  for (const codePoint of text) {
    const size = utf8Length(codePoint);
    if (bytes + size > budget) break;
    units += codePoint.length;
    bytes += size;
  }
  return units;
}

/**
 * Cuts `text` into pieces of at most `budget` UTF-8 bytes: never inside a character, not inside a grapheme
 * unless it alone is too long, and at a space in the second half of a piece when there is one (that space is
 * dropped). Each line break starts a new piece; empty lines are left out.
 */
export function splitText(text, budget) {
  if (budget < 4) throw new RangeError(`A budget of ${budget} bytes cannot hold every character.`);
  const pieces = [];
  for (let line of text.split(/\r\n|\r|\n/)) {
    while (line.length > 0) {
      const count = fit(line, budget);
      if (count === line.length) {
        pieces.push(line);
        break;
      }
      let cut = count;
      let next = count;
      const space = line.slice(0, count).lastIndexOf(' ');
      if (space > 0 && utf8Length(line.slice(0, space)) >= budget / 2) {
        cut = space;
        next = space + 1;
      }
      pieces.push(line.slice(0, cut));
      line = line.slice(next);
    }
  }
  return pieces;
}

/**
 * The lines "{command} {target} :{before}{piece}{after}" that carry `text`, each within MAX_LINE_BYTES less
 * the relay reserve. `before`/`after` wrap every piece (e.g. "\x01ACTION " and "\x01" for /me).
 */
export function splitMessage(command, target, text, { before = '', after = '', reserve = RELAY_RESERVE_BYTES } = {}) {
  const prefix = `${command} ${target} :${before}`;
  const budget = MAX_LINE_BYTES - reserve - utf8Length(prefix) - utf8Length(after);
  return splitText(text, budget).map((piece) => `${prefix}${piece}${after}`);
}
