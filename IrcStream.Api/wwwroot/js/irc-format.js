// mIRC formatting codes to DOM nodes. Everything from IRC is text: nodes are built with createElement and
// textContent only, and links get an href only for http(s) addresses.

const BOLD = '\x02';
const COLOR = '\x03';
const HEX_COLOR = '\x04';
const RESET = '\x0f';
const MONOSPACE = '\x11';
const REVERSE = '\x16';
const ITALIC = '\x1d';
const STRIKETHROUGH = '\x1e';
const UNDERLINE = '\x1f';

/** mIRC colours 0-15 and the extended 16-98 (https://modern.ircdocs.horse/formatting#colors); 99 is "default". */
export const PALETTE = [
  '#ffffff', '#000000', '#00007f', '#009300', '#ff0000', '#7f0000', '#9c009c', '#fc7f00',
  '#ffff00', '#00fc00', '#009393', '#00ffff', '#0000fc', '#ff00ff', '#7f7f7f', '#d2d2d2',
  '#470000', '#472100', '#474700', '#324700', '#004700', '#00472c', '#004747', '#002747', '#000047', '#2e0047', '#470047', '#47002a',
  '#740000', '#743a00', '#747400', '#517400', '#007400', '#007449', '#007474', '#004074', '#000074', '#4b0074', '#740074', '#740045',
  '#b50000', '#b56300', '#b5b500', '#7db500', '#00b500', '#00b571', '#00b5b5', '#0063b5', '#0000b5', '#7500b5', '#b500b5', '#b5006b',
  '#ff0000', '#ff8c00', '#ffff00', '#b2ff00', '#00ff00', '#00ffa0', '#00ffff', '#008cff', '#0000ff', '#a500ff', '#ff00ff', '#ff0098',
  '#ff5959', '#ffb459', '#ffff71', '#cfff60', '#6fff6f', '#65ffc9', '#6dffff', '#59b4ff', '#5959ff', '#c459ff', '#ff66ff', '#ff59bc',
  '#ff9c9c', '#ffd39c', '#ffff9c', '#e2ff9c', '#9cff9c', '#9cffdb', '#9cffff', '#9cd3ff', '#9c9cff', '#dc9cff', '#ff9cff', '#ff94d3',
  '#000000', '#131313', '#282828', '#363636', '#4d4d4d', '#656565', '#818181', '#9f9f9f', '#bcbcbc', '#e2e2e2', '#ffffff',
];

function plainStyle() {
  return { bold: false, italic: false, underline: false, strike: false, mono: false, reverse: false, fg: null, bg: null };
}

/** A colour number 0-98 as its hex value; 99 (and anything else) is null, the default colour. */
function paletteColor(number) {
  return number >= 0 && number < PALETTE.length ? PALETTE[number] : null;
}

/**
 * Parses mIRC formatting into runs of text with the style in force: [{ text, style }], where style has
 * bold, italic, underline, strike, mono, reverse and fg/bg as '#rrggbb' or null. Control codes are dropped.
 */
export function parseFormatting(input) {
  const runs = [];
  let style = plainStyle();
  let text = '';
  const flush = () => {
    if (text) runs.push({ text, style: { ...style } });
    text = '';
  };
  for (let i = 0; i < input.length; i++) {
    const ch = input[i];
    switch (ch) {
      case BOLD: flush(); style.bold = !style.bold; break;
      case ITALIC: flush(); style.italic = !style.italic; break;
      case UNDERLINE: flush(); style.underline = !style.underline; break;
      case STRIKETHROUGH: flush(); style.strike = !style.strike; break;
      case MONOSPACE: flush(); style.mono = !style.mono; break;
      case REVERSE: flush(); style.reverse = !style.reverse; break;
      case RESET: flush(); style = plainStyle(); break;
      case COLOR: {
        flush();
        const match = /^(\d{1,2})(?:,(\d{1,2}))?/.exec(input.slice(i + 1, i + 6));
        if (!match) {
          style.fg = null;
          style.bg = null;
          break;
        }
        style.fg = paletteColor(Number(match[1]));
        if (match[2] !== undefined) style.bg = paletteColor(Number(match[2]));
        i += match[0].length;
        break;
      }
      case HEX_COLOR: {
        flush();
        const match = /^([0-9a-fA-F]{6})(?:,([0-9a-fA-F]{6}))?/.exec(input.slice(i + 1, i + 15));
        if (!match) {
          style.fg = null;
          style.bg = null;
          break;
        }
        style.fg = `#${match[1].toLowerCase()}`;
        if (match[2] !== undefined) style.bg = `#${match[2].toLowerCase()}`;
        i += match[0].length;
        break;
      }
      default:
        text += ch;
    }
  }
  flush();
  return runs;
}

/** The text without any formatting codes (for notifications, titles and mention checks). */
export function stripFormatting(input) {
  return parseFormatting(input).map((run) => run.text).join('');
}

const URL_PATTERN = /\b(?:https?:\/\/|www\.)[^\s<>"'`]+/gi;

/** Drops punctuation that ends a sentence rather than the address, and a ")" with no "(" in the address. */
function trimUrl(url) {
  let end = url.length;
  while (end > 0) {
    const last = url[end - 1];
    if ('.,;:!?\'"'.includes(last)) { end--; continue; }
    if (last === ')' || last === ']' || last === '}') {
      const open = { ')': '(', ']': '[', '}': '{' }[last];
      const body = url.slice(0, end);
      if (body.split(open).length < body.split(last).length) { end--; continue; }
    }
    break;
  }
  return url.slice(0, end);
}

/** Splits text into [{ text, href }] pieces, href set for the http(s) addresses in it. */
export function findLinks(text) {
  const pieces = [];
  let last = 0;
  for (const match of text.matchAll(URL_PATTERN)) {
    const url = trimUrl(match[0]);
    if (!url || /^www\.$/i.test(url)) continue;
    if (match.index > last) pieces.push({ text: text.slice(last, match.index), href: null });
    const href = /^www\./i.test(url) ? `https://${url}` : url;
    pieces.push({ text: url, href });
    last = match.index + url.length;
  }
  if (last < text.length) pieces.push({ text: text.slice(last), href: null });
  return pieces;
}

function applyStyle(span, style) {
  if (style.bold) span.classList.add('f-bold');
  if (style.italic) span.classList.add('f-italic');
  if (style.underline) span.classList.add('f-underline');
  if (style.strike) span.classList.add('f-strike');
  if (style.mono) span.classList.add('f-mono');
  let { fg, bg } = style;
  if (style.reverse) {
    if (fg || bg) [fg, bg] = [bg, fg];
    else span.classList.add('f-reverse');
  }
  if (style.reverse && !fg && bg) span.classList.add('f-reverse-fg');
  if (style.reverse && fg && !bg) span.classList.add('f-reverse-bg');
  // CSSOM assignments are allowed under style-src 'self'; inline style attributes are not.
  if (fg) span.style.color = fg;
  if (bg) span.style.backgroundColor = bg;
}

function isPlain(style) {
  return !style.bold && !style.italic && !style.underline && !style.strike && !style.mono && !style.reverse && !style.fg && !style.bg;
}

/** Renders IRC text with its formatting and links into a DocumentFragment (text nodes only, never HTML). */
export function renderFormatted(input, doc = document) {
  const fragment = doc.createDocumentFragment();
  for (const run of parseFormatting(input)) {
    let container = fragment;
    if (!isPlain(run.style)) {
      const span = doc.createElement('span');
      applyStyle(span, run.style);
      fragment.appendChild(span);
      container = span;
    }
    for (const piece of findLinks(run.text)) {
      if (piece.href) {
        const a = doc.createElement('a');
        a.href = piece.href;
        a.target = '_blank';
        a.rel = 'noopener noreferrer';
        a.textContent = piece.text;
        container.appendChild(a);
      } else {
        container.appendChild(doc.createTextNode(piece.text));
      }
    }
  }
  return fragment;
}
