// A kiosk is a shared screen: after a while without a touch, any page but the start screen (where calls are held)
// and a waiting queue place goes back to the start screen, replacing the history entry, so that the next petitioner
// finds neither the previous one's receipt code and PIN nor their booking (issue 14, finding 10).

const IDLE_MS = 120_000;
const KEEP = [/^\/kiosk\/?$/, /\/queue\//];

/** Go back to the start screen after IDLE_MS without input; input restarts the wait. */
export function resetWhenIdle() {
  if (KEEP.some((pattern) => pattern.test(window.location.pathname))) {
    return;
  }
  let timer = 0;
  const restart = () => {
    window.clearTimeout(timer);
    timer = window.setTimeout(() => { window.location.replace("/kiosk"); }, IDLE_MS);
  };
  for (const kind of ["pointerdown", "keydown", "input", "touchstart"]) {
    window.addEventListener(kind, restart, { passive: true });
  }
  restart();
}

resetWhenIdle();
