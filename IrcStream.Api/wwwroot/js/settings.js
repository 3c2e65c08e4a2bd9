// The settings dialog: desktop notifications (asking the browser's permission) and the sound, kept by the
// notifier (notify.js) in localStorage.

import { t } from './i18n.js';

function showNotifyHint(permission) {
  const hint = document.getElementById('notify-hint');
  hint.textContent = permission === 'denied' ? t('settings.denied') : permission === 'unsupported' ? t('settings.unsupported') : '';
  hint.hidden = !hint.textContent;
}

/** Wires the Settings button and dialog to `notifier`. */
export function setUpSettings(notifier) {
  const dialog = document.getElementById('settings-dialog');
  const notifyBox = document.getElementById('setting-notify');
  const soundBox = document.getElementById('setting-sound');
  document.getElementById('open-settings').addEventListener('click', () => {
    notifyBox.checked = notifier.settings.notify && notifier.permission === 'granted';
    soundBox.checked = notifier.settings.sound;
    showNotifyHint(notifier.permission);
    dialog.showModal();
  });
  notifyBox.addEventListener('change', async () => {
    const permission = await notifier.setNotify(notifyBox.checked);
    notifyBox.checked = notifier.settings.notify;
    showNotifyHint(permission);
  });
  soundBox.addEventListener('change', () => notifier.setSound(soundBox.checked));
}
