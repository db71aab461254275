// Every reception kiosk page: keep the kiosk's heartbeat going (the administrator sees it online), and say so in
// plain Chinese when the network is gone (the text is in the page, translated).
import { Heartbeat } from "../kiosk/heartbeat.js";

const notice = document.getElementById("kiosk-offline");
const BEAT_MS = 10000;

/** @param {boolean} offline */
function show(offline) {
  if (notice) notice.hidden = !offline;
}

// any answer from the hub means the network is there (401: a kiosk not enrolled, still online)
const heartbeat = new Heartbeat(BEAT_MS, (beat) => {
  show(beat.outcome === "unreachable" || (beat.outcome === "refused" && beat.status >= 500));
});

window.addEventListener("offline", () => show(true));
window.addEventListener("online", () => { void heartbeat.beat(); });
if (!navigator.onLine) show(true);
heartbeat.start();
