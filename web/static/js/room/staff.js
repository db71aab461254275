// The staff call page: pre-join check, then the call; afterwards a link back to the session.

import { Call } from "./call.js";
import { readConfig } from "./config.js";
import { setCatalog, t } from "./i18n.js";
import { PreJoin } from "./prejoin.js";

/** @param {HTMLElement} root @param {string} name @returns {any} */
const $ = (root, name) => root.querySelector(`[data-part="${name}"]`);

async function main() {
  const config = readConfig();
  setCatalog(config.catalog);
  const root = /** @type {HTMLElement} */ (document.getElementById("room-app"));
  const prejoinRoot = $(root, "prejoin");
  const prejoin = new PreJoin({
    video: $(root, "preview"), meter: $(root, "meter"), cameraSelect: $(root, "camera-select"),
    micSelect: $(root, "mic-select"), status: $(root, "prejoin-status"),
  });
  prejoinRoot.hidden = false;
  if (config.role === "witness") {
    // a silent observer only receives: their camera and microphone are never opened
    $(root, "preview").hidden = true;
    $(root, "meter").hidden = true;
    $(root, "prejoin-status").textContent = t("You join as a silent observer: your camera and microphone stay off.");
  } else {
    await prejoin.start();
  }
  const callRoot = $(root, "call-root");
  const finished = $(root, "finished");
  const messages = {
    ended: t("The session has ended."), left: t("You have left the call."), denied: t("You were not admitted."),
    removed: t("You were removed from the call."), replaced: t("You joined this call in another window."),
    lost: t("The connection could not be restored."),
  };
  $(root, "join").addEventListener("click", async () => {
    prejoinRoot.hidden = true;
    const call = new Call(config, callRoot, (reason) => {
      callRoot.querySelectorAll("[data-part=connecting], [data-part=lobby], [data-part=call]").forEach(
        (/** @type {HTMLElement} */ n) => { n.hidden = true; });
      $(root, "finished-text").textContent = /** @type {Record<string,string>} */ (messages)[reason] || reason;
      finished.hidden = false;
    });
    try {
      await call.start(prejoin.take());
    } catch (error) {
      call.notice(t("Could not join: %(reason)s", { reason: String(/** @type {Error} */ (error).message) }));
      call.finish("lost");
    }
  });
}

main();
