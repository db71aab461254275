// The legal notice before recording: shown to an interviewee or petitioner (or at a kiosk) as soon as the
// call page knows its room session, answered with "acknowledge" or "refuse". The answer, its time and the
// SHA-256 of the exact text shown are stored with the recording (POST /api/v1/recordings/notice,
// authorised by the participant's room token). Strings come translated from the server.
//
// Include on the call and kiosk pages:  <script type="module" src="/static/js/recordings/notice.js"></script>
// A page that learns its session later (the kiosk) announces it:
//   document.dispatchEvent(new CustomEvent("hub:session", { detail: { session: 42 } }))

import { postJson } from "../http.js";
import { findConfig } from "../room/config.js";
import { fetchSeat } from "../room/seat.js";

/**
 * A fresh room token for this page's seat (tokens live two minutes; reading the notice may take longer).
 * @param {number} session
 * @returns {Promise<string>}
 */
async function seatToken(session) {
  return (await fetchSeat(session)).token;
}

/**
 * The notice as GET /api/v1/recordings/notice answers it (hub/rooms/recording/views.py), translated.
 * @typedef {object} RecordingNotice
 * @property {boolean} required  whether this seat's role must answer it
 * @property {string} title
 * @property {string} text
 * @property {string} sha256  of the exact title and text shown
 * @property {{acknowledge: string, refuse: string, failed: string}} labels
 */

/** @type {Set<number>} */
const asked = new Set();

/**
 * Show the notice for `session` if this seat's role must see it; resolves with the answer (or null).
 * @param {number} session
 * @returns {Promise<string | null>}
 */
export async function showNotice(session) {
  if (asked.has(session)) return null;
  asked.add(session);
  const token = await seatToken(session);
  const response = await fetch("/api/v1/recordings/notice", { credentials: "same-origin", headers: { "X-Room-Token": token } });
  if (!response.ok) return null;
  /** @type {RecordingNotice} */
  const notice = await response.json();
  if (!notice.required) return null;
  const dialog = document.createElement("dialog");
  dialog.className = "recording-notice";
  dialog.setAttribute("aria-labelledby", "recording-notice-title");
  const title = document.createElement("h2");
  title.id = "recording-notice-title";
  title.textContent = notice.title;
  const text = document.createElement("p");
  text.textContent = notice.text;
  const buttons = document.createElement("p");
  const status = document.createElement("p");
  status.setAttribute("role", "status");
  dialog.append(title, text, buttons, status);
  document.body.append(dialog);
  return new Promise((resolve) => {
    /** @type {Array<["acknowledged" | "refused", string]>} */
    const choices = [["acknowledged", notice.labels.acknowledge], ["refused", notice.labels.refuse]];
    for (const [decision, label] of choices) {
      const button = document.createElement("button");
      button.type = "button";
      button.textContent = label;
      button.dataset.decision = decision;
      if (decision === "acknowledged") button.className = "primary";
      button.addEventListener("click", async () => {
        for (const b of buttons.querySelectorAll("button")) /** @type {HTMLButtonElement} */ (b).disabled = true;
        try {
          await postJson("/api/v1/recordings/notice", { token: await seatToken(session), decision, sha256: notice.sha256 });
          dialog.close();
          dialog.remove();
          document.dispatchEvent(new CustomEvent("hub:notice-answered", { detail: { session, decision } }));
          resolve(decision);
        } catch {
          status.textContent = notice.labels.failed;
          for (const b of buttons.querySelectorAll("button")) /** @type {HTMLButtonElement} */ (b).disabled = false;
        }
      });
      buttons.append(button);
    }
    dialog.showModal();
  });
}

function start() {
  const config = findConfig();
  if (config && typeof config.session === "number") showNotice(config.session).catch(() => undefined);
  document.addEventListener("hub:session", (event) => {
    const detail = /** @type {CustomEvent<{session: number}>} */ (event).detail;
    if (detail && typeof detail.session === "number") showNotice(detail.session).catch(() => undefined);
  });
}

start();
