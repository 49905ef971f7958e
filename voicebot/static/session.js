// One voice session: connect, keep alive, detect drops, reconnect with backoff and resume.
import { VivaError, requestJSON } from './api.js';
import { createPeer, iceError, negotiate, normalizeIceServers, waitForOpen } from './rtc.js';

export const RECONNECT_DELAYS_MS = [1000, 2000, 4000, 8000, 8000]; // 5 tries, backoff capped at 8 s
const DROP_GRACE_MS = 3000; // 'disconnected'/'failed' for longer than this = dropped
const PING_EVERY_MS = 10000;
const SILENCE_LIMIT_MS = 35000; // no message at all (not even a pong) for this long = dropped
const OPEN_TIMEOUT_MS = 15000;
const STOP_FLUSH_MS = 300;

let iceServersFromLastReply = [];

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Session states: 'connecting' → 'connected' ⇄ 'reconnecting'; ends in 'stopped' or 'failed'.
 * hooks: onState(state, info), onMessage(msg), onTrack(stream, pc), onFailed(error).
 */
export class Session {
  constructor({ learnerId, mode, micStream, hooks }) {
    this.learnerId = learnerId;
    this.mode = mode;
    this.micStream = micStream;
    this.hooks = hooks;
    this.pc = null;
    this.dc = null;
    this.sessionId = null;
    this.state = 'idle';
    this.gen = 0;
    this.dropTimer = 0;
    this.pingTimer = 0;
    this.lastHeard = 0;
  }

  get iceServers() {
    return iceServersFromLastReply;
  }

  get open() {
    return this.state === 'connected' && !!this.dc && this.dc.readyState === 'open';
  }

  /** Never rejects: failures go to hooks.onFailed. */
  async start() {
    this.setState('connecting');
    try {
      await this.connect(false);
    } catch (err) {
      if (err instanceof Superseded || this.ended) return;
      this.fail(err);
    }
  }

  get ended() {
    return this.state === 'stopped' || this.state === 'failed';
  }

  send(message) {
    const dc = this.dc;
    if (!dc || dc.readyState !== 'open') return false;
    try {
      dc.send(JSON.stringify(message));
      return true;
    } catch (err) {
      console.warn('viva: send failed', err);
      return false;
    }
  }

  /** The learner pressed Stop: tell the server, then close everything except the mic (the page owns it). */
  async stop({ flush = true } = {}) {
    if (this.ended) return;
    const dc = this.dc;
    const polite = this.send({ type: 'control', action: 'stop' });
    this.setState('stopped');
    if (polite && flush && dc) {
      const until = Date.now() + STOP_FLUSH_MS;
      while (dc.readyState === 'open' && dc.bufferedAmount > 0 && Date.now() < until) await sleep(30);
    }
    this.retire();
  }

  setState(state, info = {}) {
    this.state = state;
    try {
      this.hooks.onState(state, info);
    } catch (err) {
      console.error('viva: onState hook failed', err);
    }
  }

  /** Close the current peer connection and ignore anything it still says. */
  retire() {
    this.gen += 1;
    clearTimeout(this.dropTimer);
    clearInterval(this.pingTimer);
    this.dropTimer = 0;
    this.pingTimer = 0;
    const { pc, dc } = this;
    this.dc = null;
    if (dc) {
      dc.onopen = dc.onmessage = dc.onclose = dc.onerror = null;
      try {
        dc.close();
      } catch { /* already closed */ }
    }
    if (pc) {
      pc.ontrack = pc.onconnectionstatechange = null;
      try {
        pc.close();
      } catch { /* already closed */ }
    }
    // Keep this.pc (closed) so vivaDebug.pc still shows the last connection after Stop.
  }

  async connect(resume) {
    this.retire();
    const gen = this.gen;
    if (!iceServersFromLastReply.length) {
      // STUN/TURN must be known before gathering; the server publishes them on /api/health.
      try {
        const health = await requestJSON('/api/health', { timeoutMs: 5000 });
        if (health && Array.isArray(health.ice_servers)) iceServersFromLastReply = normalizeIceServers(health.ice_servers);
      } catch { /* negotiate() reports an unreachable server clearly */ }
    }
    const { pc, dc } = createPeer({ iceServers: iceServersFromLastReply, micStream: this.micStream });
    this.pc = pc;
    this.dc = dc;
    const current = () => gen === this.gen;
    pc.ontrack = (event) => {
      if (!current()) return;
      const stream = event.streams && event.streams[0] ? event.streams[0] : new MediaStream([event.track]);
      this.hooks.onTrack(stream, pc);
    };
    pc.onconnectionstatechange = () => {
      if (current()) this.onPeerState(pc.connectionState);
    };
    dc.onmessage = (event) => {
      if (current()) this.onMessage(event.data);
    };
    dc.onclose = () => {
      if (current() && this.state === 'connected') this.dropped('the data channel closed');
    };

    const reply = await negotiate(pc, { learnerId: this.learnerId, sessionId: null });
    if (!current()) throw new Superseded();
    this.sessionId = typeof reply.session_id === 'string' ? reply.session_id : null;
    if (Array.isArray(reply.ice_servers)) iceServersFromLastReply = normalizeIceServers(reply.ice_servers);

    await waitForOpen(pc, dc, OPEN_TIMEOUT_MS);
    if (!current()) throw new Superseded();

    this.lastHeard = Date.now();
    this.send({ type: 'hello', resume });
    if (!resume) this.send({ type: 'start', mode: this.mode });
    this.pingTimer = setInterval(() => this.ping(gen), PING_EVERY_MS);
    this.setState('connected', { resumed: resume, sessionId: this.sessionId });
  }

  ping(gen) {
    if (gen !== this.gen || this.state !== 'connected') return;
    if (Date.now() - this.lastHeard > SILENCE_LIMIT_MS) {
      this.dropped('the server stopped answering');
      return;
    }
    this.send({ type: 'ping', t: Math.round(performance.now()) / 1000 });
  }

  onPeerState(connectionState) {
    if (this.state !== 'connected') return;
    if (connectionState === 'connected') {
      clearTimeout(this.dropTimer);
      this.dropTimer = 0;
    } else if (connectionState === 'disconnected' || connectionState === 'failed') {
      if (this.dropTimer) return;
      const gen = this.gen;
      this.dropTimer = setTimeout(() => {
        this.dropTimer = 0;
        const s = this.pc && this.pc.connectionState;
        if (gen === this.gen && (s === 'disconnected' || s === 'failed')) this.dropped(`ICE ${s}`);
      }, DROP_GRACE_MS);
    } else if (connectionState === 'closed') {
      this.dropped('the connection closed');
    }
  }

  onMessage(data) {
    this.lastHeard = Date.now();
    let message;
    try {
      message = typeof data === 'string' ? JSON.parse(data) : null;
    } catch {
      message = null;
    }
    if (!message || typeof message !== 'object' || typeof message.type !== 'string') {
      message = { type: 'unparsed', raw: typeof data === 'string' ? data.slice(0, 500) : '(binary)' };
    }
    try {
      this.hooks.onMessage(message);
    } catch (err) {
      console.error('viva: message handler failed', message, err);
    }
    if (message.type === 'taken_over') {
      // Another tab or device took this learner's session: stop here, never reconnect (the two
      // would take it from each other in a loop).
      const detail = typeof message.message === 'string' ? message.message : 'Press Start here to carry on here instead.';
      this.fail(new VivaError('taken-over', 'Viva is open somewhere else.', detail));
    }
  }

  dropped(why) {
    if (this.state !== 'connected') return;
    console.warn(`viva: connection dropped (${why}); reconnecting`);
    this.reconnect(why).catch((err) => this.fail(err));
  }

  async reconnect(why) {
    this.retire();
    let lastError = iceError(why);
    for (let i = 0; i < RECONNECT_DELAYS_MS.length; i += 1) {
      this.setState('reconnecting', { attempt: i + 1, of: RECONNECT_DELAYS_MS.length, delayMs: RECONNECT_DELAYS_MS[i] });
      await sleep(RECONNECT_DELAYS_MS[i]);
      if (this.ended) return;
      try {
        await this.connect(true);
        return;
      } catch (err) {
        if (err instanceof Superseded || this.ended) return;
        lastError = err;
        console.warn(`viva: reconnect attempt ${i + 1} failed`, err);
        if (err instanceof VivaError && !err.retryable) break;
      }
    }
    this.retire();
    const last = lastError instanceof VivaError ? `${lastError.title} ${lastError.detail}` : String(lastError);
    this.fail(new VivaError('lost', 'Lost the connection to Viva.', `Gave up after ${RECONNECT_DELAYS_MS.length} tries. Last problem: ${last}`));
  }

  fail(err) {
    if (this.ended) return;
    this.retire();
    this.setState('failed');
    this.hooks.onFailed(err);
  }
}

class Superseded extends Error {}
