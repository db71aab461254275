// "Talk now": show the place and the waiting time; follow the official's call when it opens.
const box = document.getElementById("queue");
const place = document.getElementById("queue-place");
const wait = document.getElementById("queue-wait");
const message = document.getElementById("queue-message");
const token = box?.dataset.token;
const POLL_MS = 3000;

async function poll() {
  if (!token) return;
  try {
    const response = await fetch(`/api/v1/kiosk/queue/${encodeURIComponent(token)}`, { cache: "no-store" });
    if (!response.ok) return;
    /** @type {{status: string, place: number, wait_minutes: number, join_url: string}} */
    const body = await response.json();
    if (place) place.textContent = String(body.place);
    if (wait) wait.textContent = String(body.wait_minutes);
    if (body.status === "called") {
      if (message) message.textContent = box?.dataset.called ?? "";
      if (body.join_url) window.location.assign(body.join_url);
    } else if (body.status !== "waiting" && message) {
      message.textContent = box?.dataset.gone ?? "";
    }
  } catch {
    // offline: kiosk.js shows the notice
  }
}

setInterval(() => { void poll(); }, POLL_MS);
