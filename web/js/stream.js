// The event stream: one WebSocket for the whole page. It reconnects by itself and, with after=<last seq>, gets the
// job events it missed meanwhile replayed first, so views never see a gap. Grid events (node.joined, node.left)
// carry no seq and are live only.

import { api, token } from './api.js';

export class Stream {
  /**
   * @param onEvent called with every event ({seq, jobId, attempt, type, at, data})
   * @param onStatus called with 'connecting', 'live' or 'reconnecting'
   * @param onResync called when a reconnection could not replay (no event had been seen to replay from): what the
   *   views show may have missed something, so they load it again
   */
  constructor(onEvent, onStatus, onResync) {
    this.onEvent = onEvent;
    this.onStatus = onStatus;
    this.onResync = onResync;
    this.opened = false;
    this.lastSeq = -1;
    this.ws = null;
    this.stopped = true;
    this.retryMs = 500;
    this.timer = null;
  }

  /** Starts afresh: the views load what is current from the API, so nothing from before is replayed. */
  start() {
    if (!this.stopped) return;
    this.stopped = false;
    this.lastSeq = -1;
    this.opened = false;
    this.onStatus('connecting');
    this.connect();
  }

  /** Closes the socket and stops reconnecting (the token was refused or forgotten). */
  stop() {
    this.stopped = true;
    clearTimeout(this.timer);
    if (this.ws) {
      this.ws.onclose = null;
      this.ws.onmessage = null;
      this.ws.close();
      this.ws = null;
    }
  }

  connect() {
    const query = new URLSearchParams({ access_token: token() || '' });
    const replays = this.lastSeq >= 0;
    if (replays) query.set('after', this.lastSeq);
    const proto = location.protocol === 'https:' ? 'wss' : 'ws';
    const ws = new WebSocket(`${proto}://${location.host}/api/v1/stream?${query}`);
    this.ws = ws;
    ws.onopen = () => {
      this.retryMs = 500;
      this.onStatus('live');
      if (this.opened && !replays) this.onResync();
      this.opened = true;
    };
    ws.onmessage = message => {
      const event = JSON.parse(message.data);
      // the highest, not the latest: transactions commit out of seq order, so a lower one may still come live
      // (the server drops duplicates itself, so nothing is filtered here)
      if (event.seq != null) this.lastSeq = Math.max(this.lastSeq, event.seq);
      this.onEvent(event);
    };
    ws.onclose = () => {
      if (this.stopped) return;
      this.onStatus('reconnecting');
      this.timer = setTimeout(() => this.reconnect(), this.retryMs);
      this.retryMs = Math.min(this.retryMs * 2, 10_000);
    };
  }

  /**
   * A browser does not tell why a WebSocket upgrade failed; a cheap API call does: a refused token comes back as
   * 401 (and the app asks for a new one) instead of a reconnect loop.
   */
  async reconnect() {
    if (this.stopped) return;
    try {
      await api('GET', '/jobs?limit=1');
    } catch (e) {
      if (e.status === 401) return; // the app stops the stream and asks for a token
    }
    if (!this.stopped) this.connect();
  }
}
