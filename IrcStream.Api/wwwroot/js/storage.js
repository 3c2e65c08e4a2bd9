// The browser's storage, or a stand-in kept in memory where the page may not use it: a frame on another site in
// a browser that blocks third-party storage throws on the first touch of `localStorage`. The client then works
// as before for this page; only what would outlive it (read points, settings, the buffer on screen) is lost.

/** A Storage-shaped map in memory. */
class MemoryStorage {
  constructor() {
    this.items = new Map();
  }

  get length() {
    return this.items.size;
  }

  key(index) {
    return [...this.items.keys()][index] ?? null;
  }

  getItem(key) {
    return this.items.has(key) ? this.items.get(key) : null;
  }

  setItem(key, value) {
    this.items.set(key, String(value));
  }

  removeItem(key) {
    this.items.delete(key);
  }
}

function usable(name) {
  try {
    const storage = window[name];
    const probe = '__ircstream_probe__';
    storage.setItem(probe, probe);
    storage.removeItem(probe);
    return storage;
  } catch {
    return new MemoryStorage();
  }
}

/** `localStorage`, or memory when it is blocked. */
export const local = usable('localStorage');

/** `sessionStorage`, or memory when it is blocked. */
export const session = usable('sessionStorage');
