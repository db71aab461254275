// The conference page (会控 and 分会场 in one): the camera check, then the conference call; the chair's console or the
// venue's panel follows who holds the chair. Afterwards a link back to the session.

import { readConfig } from "../room/config.js";
import { setCatalog, t } from "../room/i18n.js";
import { part } from "../room/parts.js";
import { PreJoin } from "../room/prejoin.js";
import { ConferenceCall } from "./conference_call.js";

/** @typedef {import("../room/call.js").FinishReason} FinishReason */

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
    part(root, "preview").hidden = true;
    part(root, "meter").hidden = true;
    part(root, "prejoin-status").textContent = t("You join as a silent observer: your camera and microphone stay off.");
  } else {
    await prejoin.start();
  }
  const callRoot = part(root, "call-root");
  /** @type {Record<FinishReason, string>} */
  const messages = {
    ended: t("The conference has ended."), left: t("You have left the conference."), denied: t("You were not admitted."),
    removed: t("The main venue hung up this venue."), replaced: t("You joined this call in another window."),
    signed_out: t("You are signed out (or your session ended), so you left the call. Sign in again to rejoin."),
    lost: t("The connection could not be restored."),
  };
  part(root, "join").addEventListener("click", async () => {
    prejoinRoot.hidden = true;
    const call = new ConferenceCall(config, callRoot, (reason) => {
      for (const name of ["connecting", "lobby", "call"]) part(callRoot, name).hidden = true;
      part(root, "finished-text").textContent = messages[reason];
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

main();
