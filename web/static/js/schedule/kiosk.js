// Every kiosk page: keep the kiosk's heartbeat going (the administrator sees it online), and say so in plain
// Chinese when the network is gone (the text is in the page, translated).
const notice = document.getElementById("kiosk-offline");
const csrf = document.querySelector('meta[name="csrf-token"]')?.getAttribute("content") ?? "";
const BEAT_MS = 10000;

/** @param {boolean} offline */
function show(offline) {
  if (notice) notice.hidden = !offline;
}

async function beat() {
  try {
    const response = await fetch("/kiosk/heartbeat", {
      method: "POST",
      headers: { "Content-Type": "application/json", "X-CSRF-Token": csrf },
      body: "{}",
      cache: "no-store",
    });
    // any answer from the hub means the network is there (401: a kiosk not enrolled, still online)
    show(response.status >= 500);
  } catch {
    show(true);
  }
}

window.addEventListener("offline", () => show(true));
window.addEventListener("online", () => { void beat(); });
if (!navigator.onLine) show(true);
void beat();
setInterval(() => { void beat(); }, BEAT_MS);
