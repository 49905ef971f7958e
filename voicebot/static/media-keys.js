// Headset and lock-screen buttons (Media Session API) during a session:
// play/pause = start/pause, next track = "good" (rate the card), previous track = "again".
// Browsers route these keys to the page that is playing audio: Viva's voice in <audio>.
// Unsupported browsers (no navigator.mediaSession) simply have no buttons.

const ACTIONS = ['play', 'pause', 'nexttrack', 'previoustrack'];

/** handlers: {play, pause, next, previous}; each may be called with no user gesture. */
export function registerMediaKeys(handlers) {
  if (!('mediaSession' in navigator)) return false;
  const byAction = { play: handlers.play, pause: handlers.pause, nexttrack: handlers.next, previoustrack: handlers.previous };
  for (const action of ACTIONS) {
    try {
      navigator.mediaSession.setActionHandler(action, () => byAction[action]());
    } catch {
      // This browser does not know this action: the others still work.
    }
  }
  return true;
}

/** What the lock screen / headset shows: the review's position and whether it runs. */
export function showOnLockScreen({ title, detail, playing }) {
  if (!('mediaSession' in navigator)) return;
  try {
    if (typeof MediaMetadata === 'function') {
      navigator.mediaSession.metadata = new MediaMetadata({ title, artist: detail || 'Viva', album: 'Viva' });
    }
    navigator.mediaSession.playbackState = playing === null ? 'none' : playing ? 'playing' : 'paused';
  } catch {
    // Metadata is cosmetic.
  }
}
