// HTTP side of docs/voice-protocol.md: same origin, JSON bodies, errors are {"error": "…"}.

/** An error the page can show as it is: a short title and a sentence saying what to do. */
export class VivaError extends Error {
  constructor(kind, title, detail = '', { retryable = false, status = 0, reason = '', cause } = {}) {
    super(detail ? `${title} ${detail}` : title, cause ? { cause } : undefined);
    this.name = 'VivaError';
    this.kind = kind;
    this.title = title;
    this.detail = detail;
    this.retryable = retryable;
    this.status = status;
    this.reason = reason; // 401s: 'unpaired' | 'revoked' (phone mode)
  }
}

const SERVER_DOWN =
  'Check that Viva is still running (`viva serve` or `make run`) and that this page was opened from its address, then try again.';

/**
 * fetch + JSON with a timeout; every failure becomes a VivaError. In phone mode a 401 means
 * this device is not (or no longer) paired: the page goes to the pairing screen, which says
 * why, unless `redirectOn401` is false.
 */
export async function requestJSON(path, { method = 'GET', body, timeoutMs = 10000, redirectOn401 = true } = {}) {
  const controller = new AbortController();
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    controller.abort();
  }, timeoutMs);
  let res;
  let text = '';
  try {
    res = await fetch(path, {
      method,
      headers: body === undefined ? { Accept: 'application/json' }
        : { Accept: 'application/json', 'Content-Type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
      signal: controller.signal,
      cache: 'no-store',
      credentials: 'same-origin',
    });
    text = await res.text();
  } catch (err) {
    throw new VivaError(
      'unreachable',
      "Can't reach the Viva server.",
      timedOut ? `It did not answer within ${Math.round(timeoutMs / 1000)} s. ${SERVER_DOWN}` : SERVER_DOWN,
      { retryable: true, cause: err },
    );
  } finally {
    clearTimeout(timer);
  }
  let data = null;
  try {
    data = text ? JSON.parse(text) : null;
  } catch {
    data = null;
  }
  if (!res.ok) {
    const message = data && typeof data.error === 'string' && data.error
      ? data.error
      : `HTTP ${res.status}${res.statusText ? ` ${res.statusText}` : ''}`;
    const reason = data && typeof data.reason === 'string' ? data.reason : '';
    if (res.status === 401 && redirectOn401) {
      window.location.assign(reason === 'revoked' ? '/pair?revoked' : '/pair');
    }
    throw new VivaError(res.status === 401 ? 'unpaired' : 'http', `The server answered ${res.status}.`, message, {
      status: res.status,
      retryable: res.status >= 500 || res.status === 429,
      reason,
    });
  }
  if (!data || typeof data !== 'object') {
    throw new VivaError('bad-reply', 'The server sent an unexpected reply.', `${method} ${path} did not return JSON.`, {
      retryable: true,
    });
  }
  return data;
}

/** Who this page is to the server: {kind: 'local' | 'device', learner_id, scopes, pairing}. */
export async function whoAmI() {
  return requestJSON('/api/me');
}

export async function listLearners() {
  const data = await requestJSON('/api/learners');
  return Array.isArray(data.learners) ? data.learners.filter((l) => l && typeof l.id === 'string') : [];
}

export async function createLearner(name, interviewDate) {
  try {
    return await requestJSON('/api/learners', {
      method: 'POST',
      body: { name, interview_date: interviewDate || null },
    });
  } catch (err) {
    if (err instanceof VivaError && err.kind === 'http') {
      throw new VivaError('http', "Couldn't create the profile.", err.detail, { status: err.status });
    }
    throw err;
  }
}

const OFFER_HINTS = {
  400: 'The server could not use this connection request.',
  403: 'This device is paired with another profile.',
  410: 'That session has already closed; press Start for a new one.',
  413: 'The connection request was too large.',
  429: 'Too many connection attempts from this device; wait a little and press Start again.',
  503: 'Viva is busy (too many sessions are open). Close another Viva tab or try again in a minute.',
};

/** POST /api/offer → {sdp, type, session_id, ice_servers}. */
export async function postOffer({ sdp, type, learnerId, sessionId = null }) {
  let reply;
  try {
    reply = await requestJSON('/api/offer', {
      method: 'POST',
      body: { sdp, type, learner_id: learnerId, session_id: sessionId },
      timeoutMs: 15000,
    });
  } catch (err) {
    if (err instanceof VivaError && err.kind === 'http') {
      const hint = OFFER_HINTS[err.status] || '';
      throw new VivaError(
        'offer-rejected',
        'The server rejected the connection.',
        hint ? `${err.detail} — ${hint}` : err.detail,
        { status: err.status, retryable: err.status === 503 || err.status >= 500 },
      );
    }
    throw err;
  }
  if (typeof reply.sdp !== 'string' || reply.type !== 'answer') {
    throw new VivaError('bad-reply', 'The server sent an unusable answer.', 'The reply to /api/offer had no SDP answer.', {
      retryable: true,
    });
  }
  return reply;
}
