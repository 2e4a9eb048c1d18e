// Kiosk support: an inactivity timer with a visible warning, and wiping browser storage.
// The voter pages never write localStorage, sessionStorage, cookies or IndexedDB; wipe() is a
// belt-and-braces clear run on every kiosk reset.

const ACTIVITY = ['pointerdown', 'keydown', 'touchstart', 'input', 'wheel', 'mousemove'];

/**
 * @param {{seconds: number, warnSeconds: number, onWarn: (left: number) => void,
 *          onActive: () => void, onTimeout: () => void, armed: () => boolean}} options
 */
export function idleTimer(options) {
  let last = Date.now();
  let warned = false;
  const tick = () => {
    if (!options.armed()) {
      last = Date.now();
      if (warned) {
        warned = false;
        options.onActive();
      }
      return;
    }
    const idle = (Date.now() - last) / 1000;
    const left = Math.ceil(options.seconds - idle);
    if (left <= 0) {
      warned = false;
      last = Date.now();
      options.onTimeout();
    } else if (left <= options.warnSeconds) {
      warned = true;
      options.onWarn(left);
    }
  };
  const active = () => {
    last = Date.now();
    if (warned) {
      warned = false;
      options.onActive();
    }
  };
  for (const ev of ACTIVITY) window.addEventListener(ev, active, { capture: true, passive: true });
  const handle = setInterval(tick, 250);
  return {
    reset: active,
    stop() {
      clearInterval(handle);
      for (const ev of ACTIVITY) window.removeEventListener(ev, active, { capture: true });
    },
  };
}

/** Clear every kind of browser storage this origin could hold. */
export function wipeStorage() {
  try {
    window.localStorage.clear();
  } catch {
    /* storage may be disabled */
  }
  try {
    window.sessionStorage.clear();
  } catch {
    /* storage may be disabled */
  }
  for (const part of document.cookie ? document.cookie.split(';') : []) {
    const name = part.split('=')[0].trim();
    if (name) document.cookie = `${name}=; expires=Thu, 01 Jan 1970 00:00:00 GMT; path=/`;
  }
}

/** Ask for full screen on the first touch or key press (browsers require a user gesture). */
export function fullscreenOnFirstGesture() {
  const go = () => {
    window.removeEventListener('pointerdown', go, true);
    window.removeEventListener('keydown', go, true);
    const el = document.documentElement;
    if (!document.fullscreenElement && el.requestFullscreen) el.requestFullscreen().catch(() => {});
  };
  window.addEventListener('pointerdown', go, true);
  window.addEventListener('keydown', go, true);
}
