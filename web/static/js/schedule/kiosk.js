// Every kiosk page: say so in plain Chinese when the network is gone (the text is in the page, translated).
const notice = document.getElementById("kiosk-offline");
const PING_MS = 10000;

/** @param {boolean} offline */
function show(offline) {
  if (notice) notice.hidden = !offline;
}

async function ping() {
  try {
    const response = await fetch("/healthz", { cache: "no-store" });
    show(!response.ok);
  } catch {
    show(true);
  }
}

window.addEventListener("offline", () => show(true));
window.addEventListener("online", () => { void ping(); });
if (!navigator.onLine) show(true);
setInterval(() => { void ping(); }, PING_MS);
