// One connection's event feed: Server-Sent Events while they work, long-poll when EventSource is missing,
// forced (?transport=poll) or keeps failing. Both hand over events in seq order; the model drops any
// event at or below the last seq it applied, so a resent event never shows twice.

import { api } from './api.js';

/** SSE errors in a row, without an event in between, after which the feed falls back to long-poll. */
export const SSE_FAILURES_BEFORE_POLL = 4;

/** Seconds one poll waits on the gateway for an event (the contract caps it at 60). */
export const POLL_TIMEOUT_SECONDS = 25;

const MAX_RETRY_DELAY_MS = 15000;

/** Backoff after the n-th failure in a row: 0.5 s, 1 s, 2 s, ... up to 15 s. */
function retryDelay(failures) {
  return Math.min(MAX_RETRY_DELAY_MS, 250 * 2 ** Math.min(failures, 6));
}

export class EventFeed {
  /**
   * @param {string} id connection id
   * @param {object} options
   *   lastSeq(): the last seq applied (where a reopened stream resumes)
   *   onEvent(event): called for every event with a seq, in order
   *   onTransport(name): 'sse' | 'poll' | 'retrying' | 'ended'
   *   onGone(): the gateway no longer knows the connection (404)
   *   transport: 'auto' | 'poll'
   */
  constructor(id, { lastSeq, onEvent, onTransport, onGone, transport = 'auto' }) {
    this.id = id;
    this.lastSeq = lastSeq;
    this.onEvent = onEvent;
    this.onTransport = onTransport ?? (() => {});
    this.onGone = onGone ?? (() => {});
    this.mode = transport === 'poll' || typeof EventSource === 'undefined' ? 'poll' : 'sse';
    this.source = null;
    this.pollAbort = null;
    this.failures = 0;
    this.stopped = false;
    this.retryTimer = 0;
    /** Ends the current backoff pause early (set while the poll loop waits). */
    this.wake = null;
  }

  start() {
    if (this.mode === 'sse') this.openSse();
    else this.pollLoop();
  }

  /** Ends the feed for good (connection closed or removed). */
  stop() {
    this.stopped = true;
    clearTimeout(this.retryTimer);
    this.source?.close();
    this.source = null;
    this.pollAbort?.abort();
    this.onTransport('ended');
  }

  /** After the network came back: a new stream from the last seq, or the next poll at once instead of after the backoff. */
  reopen() {
    if (this.stopped) return;
    if (this.mode === 'poll') {
      this.wake?.();
      return;
    }
    if (this.source?.readyState === EventSource.OPEN) return;
    clearTimeout(this.retryTimer);
    this.source?.close();
    this.openSse();
  }

  deliver(event) {
    if (this.stopped || typeof event?.seq !== 'number') return;
    this.failures = 0;
    this.onEvent(event);
    if (event.type === 'status' && event.status === 'CLOSED') this.stop();
  }

  openSse() {
    // The browser resends Last-Event-ID on its own reconnects; a stream opened here resumes by query.
    const source = new EventSource(api.eventsUrl(this.id, this.lastSeq()));
    this.source = source;
    const handle = (message) => {
      if (this.source !== source) return;
      let event;
      try {
        event = JSON.parse(message.data);
      } catch {
        return;
      }
      this.deliver(event);
    };
    for (const type of ['message', 'status', 'gap']) source.addEventListener(type, handle);
    source.addEventListener('open', () => {
      if (this.source === source) this.onTransport('sse');
    });
    source.addEventListener('error', () => {
      if (this.source !== source || this.stopped) return;
      if (navigator.onLine === false) {
        // The browser knows it is offline: that is not the stream failing; the `online` event reopens it.
        this.onTransport('retrying');
        return;
      }
      this.failures += 1;
      if (this.failures >= SSE_FAILURES_BEFORE_POLL) {
        source.close();
        this.source = null;
        this.mode = 'poll';
        this.pollLoop();
        return;
      }
      this.onTransport('retrying');
      if (source.readyState === EventSource.CLOSED) {
        // The browser gave up (an HTTP error): find out whether the connection still exists, then reopen.
        this.source = null;
        this.checkThenRetry(() => this.openSse());
      }
    });
  }

  async checkThenRetry(retry) {
    try {
      await api.getConnection(this.id);
    } catch (error) {
      if (error.status === 404) {
        this.stopped = true;
        this.onTransport('ended');
        this.onGone();
        return;
      }
    }
    if (this.stopped) return;
    const delay = retryDelay(this.failures);
    this.retryTimer = setTimeout(() => {
      if (!this.stopped) retry();
    }, delay);
  }

  pause(ms) {
    return new Promise((resolve) => {
      this.wake = () => {
        clearTimeout(this.retryTimer);
        this.wake = null;
        resolve();
      };
      this.retryTimer = setTimeout(this.wake, ms);
    });
  }

  async pollLoop() {
    this.onTransport('poll');
    while (!this.stopped) {
      this.pollAbort = new AbortController();
      try {
        const asked = Date.now();
        const events = await api.poll(this.id, this.lastSeq(), POLL_TIMEOUT_SECONDS, this.pollAbort.signal);
        if (this.failures > 0) this.onTransport('poll');
        this.failures = 0;
        for (const event of events ?? []) this.deliver(event);
        // An empty answer long before the timeout (a closing connection) must not turn into a busy loop.
        if ((events ?? []).length === 0 && Date.now() - asked < 1000 && !this.stopped) await this.pause(1000);
      } catch (error) {
        if (this.stopped || error.name === 'AbortError') return;
        if (error.status === 404) {
          this.stopped = true;
          this.onTransport('ended');
          this.onGone();
          return;
        }
        this.failures += 1;
        this.onTransport('retrying');
        await this.pause(retryDelay(this.failures));
      }
    }
  }
}
