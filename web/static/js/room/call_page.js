// What every call page does around its call (the staff call page, the conference page): the catalogue, the camera
// check (a silent observer's camera and microphone are never opened), the join button, and the end of the call told in
// words with a link back to the session.

import { readConfig } from "./config.js";
import { setCatalog, t } from "./i18n.js";
import { part } from "./parts.js";
import { PreJoin } from "./prejoin.js";

/** @typedef {import("./call.js").Call} Call */
/** @typedef {import("./call.js").FinishReason} FinishReason */
/** @typedef {import("./config.js").RoomConfig} RoomConfig */

/**
 * @param {(config: RoomConfig, root: HTMLElement, onFinished: (reason: FinishReason) => void) => Call} makeCall
 * @param {() => Record<FinishReason, string>} messages  the words for each way a call ends (read once the catalogue
 *   is set)
 */
export async function startCallPage(makeCall, messages) {
  const config = readConfig();
  setCatalog(config.catalog);
  const words = messages();
  const root = /** @type {HTMLElement} */ (document.getElementById("room-app"));
  const prejoinRoot = part(root, "prejoin");
  const prejoin = new PreJoin({
    video: part(root, "preview", HTMLVideoElement), meter: part(root, "meter"),
    cameraSelect: part(root, "camera-select", HTMLSelectElement), micSelect: part(root, "mic-select", HTMLSelectElement),
    status: part(root, "prejoin-status"),
  });
  prejoinRoot.hidden = false;
  if (config.role === "witness") {
    part(root, "preview").hidden = true;
    part(root, "meter").hidden = true;
    part(root, "prejoin-status").textContent = t("You join as a silent observer: your camera and microphone stay off.");
  } else {
    await prejoin.start();
  }
  const callRoot = part(root, "call-root");
  part(root, "join").addEventListener("click", async () => {
    prejoinRoot.hidden = true;
    const call = makeCall(config, callRoot, (reason) => {
      for (const name of ["connecting", "lobby", "call"]) part(callRoot, name).hidden = true;
      part(root, "finished-text").textContent = words[reason];
      part(root, "finished").hidden = false;
    });
    try {
      await call.start(prejoin.take());
    } catch (error) {
      call.notice(t("Could not join: %(reason)s", { reason: String(/** @type {Error} */ (error).message) }));
      call.finish("lost");
    }
  });
}
