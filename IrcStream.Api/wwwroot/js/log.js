// The message log of the buffer on screen: its lines as DOM, day separators, the "new messages" divider, the
// folded sign-on lines, and following the bottom while the reader is there. Every piece of IRC data reaches the
// page through textContent or renderFormatted (text nodes), never through innerHTML.

import { dateFormat, relativeDay, t } from './i18n.js';
import { renderFormatted, stripFormatting } from './irc-format.js';
import { QUIET_KINDS } from './state.js';

const NICK_COLORS = 10;

/** A stable colour class for a nick, so each person keeps the same colour. */
export function nickColorClass(nick) {
  let hash = 0;
  for (const ch of nick.toLowerCase()) hash = (hash * 31 + ch.codePointAt(0)) >>> 0;
  return `nick-c${hash % NICK_COLORS}`;
}

export function element(tag, className, text) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined) node.textContent = text;
  return node;
}

/** Formats in the chosen language (i18n.js), made once it is known. */
const formats = {};
const format = (name, options) => (formats[name] ??= dateFormat(options));
const timeFormat = () => format('time', { hour: '2-digit', minute: '2-digit', hourCycle: 'h23' });
const fullTimeFormat = () => format('full', { dateStyle: 'medium', timeStyle: 'medium' });
const dayFormat = () => format('day', { weekday: 'long', day: 'numeric', month: 'long', year: 'numeric' });

/** How far from the bottom (px) still counts as "at the bottom" when the reader scrolls. */
const BOTTOM_SLACK = 4;

function dayKey(date) {
  return `${date.getFullYear()}-${date.getMonth()}-${date.getDate()}`;
}

/** "Today", "Yesterday" (in the chosen language) or the date, for the separator above a day's first line. */
export function dayLabel(date, now = new Date()) {
  if (dayKey(date) === dayKey(now)) return relativeDay(0);
  const yesterday = new Date(now.getFullYear(), now.getMonth(), now.getDate() - 1);
  if (dayKey(date) === dayKey(yesterday)) return relativeDay(1);
  return dayFormat().format(date);
}

/** "12 seconds", "3 minutes", "2 hours 5 minutes", "4 days". */
export function formatDuration(totalSeconds) {
  const seconds = Math.max(0, Math.floor(totalSeconds));
  const unit = (count, word) => t(`log.${word}`, { count });
  if (seconds < 60) return unit(seconds, 'seconds');
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return unit(minutes, 'minutes');
  const hours = Math.floor(minutes / 60);
  if (hours < 24) return minutes % 60 ? `${unit(hours, 'hours')} ${unit(minutes % 60, 'minutes')}` : unit(hours, 'hours');
  const days = Math.floor(hours / 24);
  return hours % 24 ? `${unit(days, 'days')} ${unit(hours % 24, 'hours')}` : unit(days, 'days');
}

/** One buffer line as DOM. */
export function renderLine(line) {
  const row = element('div', `line kind-${line.kind}`);
  if (QUIET_KINDS.has(line.kind)) row.classList.add('quiet');
  if (line.self) row.classList.add('self');
  if (line.highlight) row.classList.add('highlight');
  if (line.folded) row.classList.add('folded');
  const time = element('time', 'time', timeFormat().format(line.time));
  time.dateTime = line.time.toISOString();
  time.title = fullTimeFormat().format(line.time);
  row.appendChild(time);

  const text = element('span', 'text');
  switch (line.kind) {
    case 'message':
    case 'notice':
    case 'action': {
      const nick = element('span', `nick ${line.self ? 'self-nick' : nickColorClass(line.nick)}`, line.nick);
      const who = element('span', 'who');
      if (line.kind === 'message') who.append('<', nick, '>');
      else if (line.kind === 'notice') who.append('-', nick, '-');
      else who.append('* ', nick);
      row.appendChild(who);
      text.appendChild(renderFormatted(line.text));
      break;
    }
    case 'whois':
      row.appendChild(element('span', 'who marker', '–'));
      text.appendChild(renderWhois(line.whois));
      break;
    default:
      row.appendChild(element('span', 'who marker', line.kind === 'error' ? '!' : line.kind === 'gap' ? '…' : '–'));
      text.appendChild(renderFormatted(line.text));
  }
  row.appendChild(text);
  return row;
}

/** A WHOIS answer as a card: one row per thing the server told. */
export function renderWhois(card) {
  const box = element('div', 'whois-card');
  box.appendChild(element('div', 'whois-title', card.nick));
  const list = element('dl', 'whois-list');
  const row = (label, value) => {
    if (value === undefined || value === null || value === '') return;
    list.append(element('dt', '', label), element('dd', '', value));
  };
  row(t('whois.address'), card.user ? `${card.user}@${card.host}` : '');
  row(t('whois.realname'), card.realname ? stripFormatting(card.realname) : '');
  row(t('whois.account'), card.account);
  row(t('whois.channels'), card.channels?.join(' '));
  row(t('whois.server'), card.server ? (card.serverInfo ? `${card.server} (${card.serverInfo})` : card.server) : '');
  row(t('whois.idle'), Number.isFinite(card.idleSeconds) ? formatDuration(card.idleSeconds) : '');
  row(t('whois.signedOn'), card.signon && !Number.isNaN(card.signon.getTime()) ? fullTimeFormat().format(card.signon) : '');
  row(t('whois.away'), card.away ? stripFormatting(card.away) : '');
  row(t('whois.operator'), card.operator ? stripFormatting(card.operator) : '');
  row(t('whois.connection'), card.secure ? t('whois.secure') : '');
  for (const extra of card.extra ?? []) row(t('whois.also'), stripFormatting(extra));
  box.appendChild(list);
  return box;
}

/** The log (`#messages`, `#log`, `#jump-to-bottom`): renders one buffer's lines and keeps the newest in view. */
export class Log {
  constructor() {
    this.messages = document.getElementById('messages');
    this.log = document.getElementById('log');
    this.jump = document.getElementById('jump-to-bottom');
    this.pendingLines = [];
    /** True while the reader is at the bottom: new lines and layout changes keep the newest line in view. */
    this.stick = true;
    this.lastScrollTop = 0;
    /** Lines rendered in the log, the day of the last one, and whether the "new messages" divider is placed. */
    this.renderedLines = 0;
    this.lastDay = '';
    this.lastFolded = false;
    this.dividerPlaced = false;
    /** The id of the newest line rendered: a line queued again (it was already in the buffer when it was rendered whole) is not added twice. */
    this.lastLineId = 0;
    this.jump.addEventListener('click', () => {
      this.stick = true;
      this.scrollToBottom();
    });
    this.messages.addEventListener('scroll', () => this.onScroll(), { passive: true });
    // Whatever changes the log's size (the nick list appearing, a wrapped line, a resize, fonts loading)
    // keeps the newest line in view while the reader is at the bottom.
    const follow = new ResizeObserver(() => {
      if (this.stick) this.scrollToBottom();
    });
    follow.observe(this.messages);
    follow.observe(this.log);
    document.fonts?.addEventListener?.('loadingdone', () => {
      if (this.stick) this.scrollToBottom();
    });
  }

  /** A line of the buffer on screen, rendered with the next frame. */
  queue(line) {
    this.pendingLines.push(line);
  }

  get hasPending() {
    return this.pendingLines.length > 0;
  }

  scrollToBottom() {
    const m = this.messages;
    m.scrollTop = m.scrollHeight;
    this.lastScrollTop = m.scrollTop;
    this.jump.hidden = true;
  }

  distanceFromBottom() {
    const m = this.messages;
    return m.scrollHeight - m.scrollTop - m.clientHeight;
  }

  /** Only the reader moving up lets go of the bottom; layout changes and our own scrolling never do. */
  onScroll() {
    const top = this.messages.scrollTop;
    if (this.distanceFromBottom() <= BOTTOM_SLACK) {
      this.stick = true;
      this.jump.hidden = true;
    } else if (top < this.lastScrollTop - 1) {
      this.stick = false;
    }
    this.lastScrollTop = top;
  }

  /**
   * Appends `lines` to `fragment` with a day separator where the day changes and the "new messages" divider
   * (`divider`: above the first counted line after `seq`, up to `until`).
   */
  renderInto(fragment, lines, divider) {
    for (const line of lines) {
      const day = dayKey(line.time);
      if (day !== this.lastDay) {
        const separator = element('div', 'day-separator');
        separator.setAttribute('role', 'separator');
        separator.appendChild(element('span', '', dayLabel(line.time)));
        fragment.appendChild(separator);
        this.lastDay = day;
      }
      if (!this.dividerPlaced && divider && line.counted && line.seq > divider.seq && line.seq <= divider.until) {
        const divider = element('div', 'unread-divider');
        divider.setAttribute('role', 'separator');
        divider.appendChild(element('span', '', t('log.newMessages')));
        fragment.appendChild(divider);
        this.dividerPlaced = true;
      }
      // A run of folded sign-on lines starts with the button that shows them.
      if (line.folded && !this.lastFolded) fragment.appendChild(this.foldToggle());
      this.lastFolded = Boolean(line.folded);
      fragment.appendChild(renderLine(line));
      this.renderedLines += 1;
      this.lastLineId = line.id;
    }
  }

  foldToggle() {
    const toggle = element('button', 'fold-toggle', t(this.log.classList.contains('show-folded') ? 'log.hideSignOn' : 'log.showSignOn'));
    toggle.type = 'button';
    toggle.setAttribute('aria-expanded', String(this.log.classList.contains('show-folded')));
    toggle.addEventListener('click', () => {
      const shown = this.log.classList.toggle('show-folded');
      for (const node of this.log.querySelectorAll('.fold-toggle')) {
        node.textContent = t(shown ? 'log.hideSignOn' : 'log.showSignOn');
        node.setAttribute('aria-expanded', String(shown));
      }
      if (this.stick) this.scrollToBottom();
    });
    return toggle;
  }

  /** Adds the queued lines of `buffer` (the one on screen), dropping from the top what the buffer no longer holds. */
  appendLines(buffer, divider) {
    const fragment = document.createDocumentFragment();
    const lines = this.pendingLines.filter((line) => line.id > this.lastLineId);
    this.pendingLines = [];
    this.renderInto(fragment, lines, divider);
    this.log.appendChild(fragment);
    let excess = this.renderedLines - (buffer ? buffer.lines.length : 0);
    while (excess > 0 && this.log.firstElementChild) {
      if (this.log.firstElementChild.classList.contains('line')) {
        excess -= 1;
        this.renderedLines -= 1;
      }
      this.log.firstElementChild.remove();
    }
    if (this.stick) this.scrollToBottom();
    else if (lines.some((line) => !QUIET_KINDS.has(line.kind))) this.jump.hidden = false;
  }

  /** Renders all of `buffer` (or the "not connected" hint), at the bottom. */
  render(buffer, divider) {
    this.pendingLines = [];
    this.renderedLines = 0;
    this.lastDay = '';
    this.lastFolded = false;
    this.dividerPlaced = false;
    this.lastLineId = 0;
    const fragment = document.createDocumentFragment();
    if (buffer) this.renderInto(fragment, buffer.lines, divider);
    else fragment.appendChild(element('p', 'empty', t('log.notConnected')));
    // A whole buffer at once is not news: screen readers should not read it out line by line.
    this.log.setAttribute('aria-busy', 'true');
    this.log.replaceChildren(fragment);
    requestAnimationFrame(() => this.log.removeAttribute('aria-busy'));
    this.scrollToBottom();
  }
}
