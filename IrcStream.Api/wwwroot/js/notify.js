// Opt-in desktop notifications and a sound for mentions and private messages while the page is in the
// background. The settings are kept in localStorage.

import { t } from './i18n.js';
import { stripFormatting } from './irc-format.js';
import { local } from './storage.js';

const SETTINGS_KEY = 'ircstream.settings';

export function loadSettings() {
  try {
    const saved = JSON.parse(local.getItem(SETTINGS_KEY) ?? 'null');
    return { notify: Boolean(saved?.notify), sound: Boolean(saved?.sound) };
  } catch {
    return { notify: false, sound: false };
  }
}

export function saveSettings(settings) {
  local.setItem(SETTINGS_KEY, JSON.stringify({ notify: Boolean(settings.notify), sound: Boolean(settings.sound) }));
}

/** True when the user is not looking at the page: another tab, another window, or minimised. */
export function pageInBackground() {
  return document.hidden || !document.hasFocus();
}

export class Notifier {
  /** `onClick(buffer)` shows the buffer a notification was about. */
  constructor({ onClick }) {
    this.onClick = onClick;
    this.settings = loadSettings();
    this.audio = null;
  }

  get permission() {
    return typeof Notification === 'undefined' ? 'unsupported' : Notification.permission;
  }

  /** Turns notifications on or off; on asks the browser for permission. Returns the permission then. */
  async setNotify(on) {
    if (on && this.permission === 'default') await Notification.requestPermission();
    this.settings.notify = on && this.permission === 'granted';
    saveSettings(this.settings);
    return this.permission;
  }

  setSound(on) {
    this.settings.sound = on;
    saveSettings(this.settings);
  }

  /** Called for every live line that mentions the user or is a private message to them. */
  announce(buffer, line) {
    if (!pageInBackground()) return;
    if (this.settings.sound) this.beep();
    if (!this.settings.notify || this.permission !== 'granted') return;
    const title = buffer.kind === 'query' ? t('notify.private', { nick: line.nick }) : t('notify.inChannel', { nick: line.nick, channel: buffer.name });
    const body = line.kind === 'action' ? `* ${line.nick} ${stripFormatting(line.text)}` : stripFormatting(line.text);
    const notification = new Notification(title, {
      body,
      tag: `${buffer.connectionId} ${buffer.key}`,
      icon: '/favicon.svg',
    });
    notification.onclick = () => {
      window.focus();
      this.onClick(buffer);
      notification.close();
    };
  }

  /** A short two-tone chime made with Web Audio (no sound file to fetch). */
  beep() {
    try {
      this.audio ??= new AudioContext();
      const now = this.audio.currentTime;
      const gain = this.audio.createGain();
      gain.gain.setValueAtTime(0.0001, now);
      gain.gain.exponentialRampToValueAtTime(0.15, now + 0.02);
      gain.gain.exponentialRampToValueAtTime(0.0001, now + 0.35);
      gain.connect(this.audio.destination);
      for (const [frequency, start] of [[880, 0], [1320, 0.12]]) {
        const tone = this.audio.createOscillator();
        tone.frequency.value = frequency;
        tone.connect(gain);
        tone.start(now + start);
        tone.stop(now + start + 0.2);
      }
    } catch {
      // No audio output: the notification (if on) still shows.
    }
  }
}
