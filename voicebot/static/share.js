// A mentor's share link: `/share#<token>`. The token is in the fragment, which never reaches a
// server; it is taken out of the address bar at once, exchanged for a cookie (POST, JSON body),
// and the page goes on to the review. See voicebot/share_routes.py.
import { VivaError, requestJSON } from './api.js';

const status = document.getElementById('share-status');
const error = document.getElementById('share-error');

function fail(message) {
  status.textContent = 'This link does not open anything.';
  error.textContent = message;
}

async function open() {
  if (window.location.pathname !== '/share') { // served in place of a page a share cookie no longer opens
    fail('This share link has expired or was revoked. Ask the learner for a new one.');
    return;
  }
  const token = decodeURIComponent(window.location.hash.slice(1));
  if (token) history.replaceState(null, '', '/share'); // out of the address bar and the history
  if (!token) {
    fail('This share link has expired or was revoked, or it was copied incompletely. Ask the learner for a new one.');
    return;
  }
  try {
    const reply = await requestJSON('/api/share/redeem', { method: 'POST', body: { token }, redirectOn401: false });
    status.textContent = `Opening ${reply.learner.name}'s answers…`;
    window.location.replace('/review');
  } catch (err) {
    fail(err instanceof VivaError ? err.detail || err.title : String(err));
  }
}

open();
