// What the user has read and closed, per connection, in localStorage: it survives a reload and is shared by
// the session's tabs (the `storage` event tells a tab what another one stored).

import { local } from './storage.js';

const PREFIX = 'ircstream.read.';

/** Read points and closed buffers, keyed by connection id: { base, read: { key: seq }, closed: { key: seq } }. */
export class ReadStore {
  constructor(storage = local) {
    this.storage = storage;
  }

  load(connectionId) {
    try {
      const value = JSON.parse(this.storage.getItem(PREFIX + connectionId) ?? 'null');
      return value && typeof value === 'object' ? value : null;
    } catch {
      return null;
    }
  }

  save(connectionId, state) {
    try {
      this.storage.setItem(PREFIX + connectionId, JSON.stringify(state));
    } catch {
      // Storage full or blocked: the counts still work for this page.
    }
  }

  remove(connectionId) {
    this.storage.removeItem(PREFIX + connectionId);
  }

  /** Forgets the connections the gateway no longer has. */
  prune(liveIds) {
    const live = new Set(liveIds);
    for (let i = this.storage.length - 1; i >= 0; i--) {
      const key = this.storage.key(i);
      if (key?.startsWith(PREFIX) && !live.has(key.slice(PREFIX.length))) this.storage.removeItem(key);
    }
  }

  /** Calls `listener(connectionId, state)` when another tab stores something. */
  onChange(listener) {
    window.addEventListener('storage', (event) => {
      if (event.storageArea !== this.storage || !event.key?.startsWith(PREFIX)) return;
      listener(event.key.slice(PREFIX.length), this.load(event.key.slice(PREFIX.length)));
    });
  }
}
