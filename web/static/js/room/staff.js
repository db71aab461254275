// The staff call page: pre-join check, then the call; afterwards a link back to the session.

import { Call } from "./call.js";
import { readConfig } from "./config.js";
import { setCatalog, t } from "./i18n.js";
import { part } from "./parts.js";
import { PreJoin } from "./prejoin.js";

/** @typedef {import("./call.js").FinishReason} FinishReason */

async function main() {
  const config = readConfig();
  setCatalog(config.catalog);
  const root = /** @type {HTMLElement} */ (document.getElementById("room-app"));
  const prejoinRoot = part(root, "prejoin");
  const prejoin = new PreJoin({
    video: part(root, "preview", HTMLVideoElement), meter: part(root, "meter"),
    cameraSelect: part(root, "camera-select", HTMLSelectElement), micSelect: part(root, "mic-select", HTMLSelectElement),
    status: part(root, "prejoin-status"),
  });
  prejoinRoot.hidden = false;
  if (config.role === "witness") {
    // a silent observer only receives: their camera and microphone are never opened
    part(root, "preview").hidden = true;
    part(root, "meter").hidden = true;
    part(root, "prejoin-status").textContent = t("You join as a silent observer: your camera and microphone stay off.");
  } else {
    await prejoin.start();
  }
  const callRoot = part(root, "call-root");
  const finished = part(root, "finished");
  /** @type {Record<FinishReason, string>} */
  const messages = {
    ended: t("The session has ended."), left: t("You have left the call."), denied: t("You were not admitted."),
    removed: t("You were removed from the call."), replaced: t("You joined this call in another window."),
    signed_out: t("You are signed out (or your session ended), so you left the call. Sign in again to rejoin."),
    lost: t("The connection could not be restored."),
  };
  part(root, "join").addEventListener("click", async () => {
    prejoinRoot.hidden = true;
    const call = new Call(config, callRoot, (reason) => {
      for (const name of ["connecting", "lobby", "call"]) part(callRoot, name).hidden = true;
      part(root, "finished-text").textContent = messages[reason];
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
