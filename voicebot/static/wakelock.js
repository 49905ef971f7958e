// Keep the screen on while a session runs (phones dim and lock mid-answer otherwise).
// Unsupported or refused: ignored. The browser drops the lock when the page is hidden, so re-acquire.

let sentinel = null;
let wanted = false;
let pending = false;

async function request() {
  if (!wanted || sentinel || pending || !('wakeLock' in navigator) || document.visibilityState !== 'visible') return;
  pending = true;
  try {
    const lock = await navigator.wakeLock.request('screen');
    lock.addEventListener('release', () => {
      if (sentinel === lock) sentinel = null;
    });
    sentinel = lock;
    if (!wanted) release();
  } catch {
    // Not allowed (battery saver, no focus, …): the session works without it.
  } finally {
    pending = false;
  }
}

export function keepScreenOn() {
  wanted = true;
  request().catch(() => {});
}

export function release() {
  wanted = false;
  const lock = sentinel;
  sentinel = null;
  if (lock) lock.release().catch(() => {});
}

document.addEventListener('visibilitychange', () => {
  if (wanted && document.visibilityState === 'visible') request().catch(() => {});
});
