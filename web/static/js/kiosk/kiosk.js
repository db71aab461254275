// Kiosk mode: a start screen that polls the hub (the heartbeat) for calls open for this room; one
// touch to check the camera, one to join; "please wait" in the lobby; after the call everything
// of the previous person is cleared and the start screen comes back. No keyboard anywhere.

import { ConferenceCall } from "../conference/conference_call.js";
import { readConfig } from "../room/config.js";
import { setCatalog, t } from "../room/i18n.js";
import { part } from "../room/parts.js";
import { PreJoin } from "../room/prejoin.js";
import { Heartbeat } from "./heartbeat.js";

/** @typedef {import("../room/call.js").FinishReason} FinishReason */
/** @typedef {import("./heartbeat.js").Beat} Beat */
/** @typedef {import("./heartbeat.js").OpenSession} OpenSession */

const FINISHED_SCREEN_MS = 4000;

class Kiosk {
  constructor() {
    this.config = readConfig();
    setCatalog(this.config.catalog);
    this.root = /** @type {HTMLElement} */ (document.getElementById("room-app"));
    this.heartbeat = new Heartbeat(1000 * Number(this.root.dataset.heartbeat || "5"), (beat) => this.heard(beat));
    this.prejoin = new PreJoin({
      video: part(this.root, "preview", HTMLVideoElement), meter: part(this.root, "meter"), cameraSelect: null,
      micSelect: null, status: part(this.root, "prejoin-status"),
    });
    /** @type {ConferenceCall | null} a call, with a venue's panel when the call is a conference */
    this.call = null;
    /** @type {number | null} */
    this.chosen = null;
    part(this.root, "join").addEventListener("click", () => this.join());
  }

  start() {
    this.showStart();
    this.heartbeat.start();
  }

  /** @param {string} name */
  show(name) {
    for (const screen of ["start", "prejoin", "call-root", "finished"]) part(this.root, screen).hidden = screen !== name;
  }

  showStart() {
    this.show("start");
    this.requestFullscreen();
  }

  requestFullscreen() {
    // Browsers allow full screen only after a touch; kiosk browsers usually start in kiosk mode anyway.
    if (!document.fullscreenElement && document.documentElement.requestFullscreen) {
      document.documentElement.requestFullscreen().catch(() => {});
    }
  }

  /** @param {Beat} beat */
  heard(beat) {
    if (beat.outcome === "unenrolled") {
      location.replace("/kiosk/enrol"); // revoked: this terminal must be enrolled again
      return;
    }
    part(this.root, "offline").hidden = beat.outcome === "alive";
    if (beat.outcome === "alive" && !this.call && part(this.root, "start").hidden === false) {
      this.renderCalls(beat.answer.sessions);
    }
  }

  /** @param {OpenSession[]} sessions */
  renderCalls(sessions) {
    const list = part(this.root, "calls");
    list.replaceChildren();
    part(this.root, "idle").hidden = sessions.length > 0;
    for (const session of sessions) {
      const item = document.createElement("li");
      const button = document.createElement("button");
      button.className = "primary big";
      button.dataset.session = String(session.id);
      button.textContent = t("Start the video call");
      button.addEventListener("click", () => this.prepare(session.id));
      item.append(button);
      list.append(item);
    }
  }

  /** @param {number} sessionId */
  async prepare(sessionId) {
    this.requestFullscreen();
    this.chosen = sessionId;
    this.show("prejoin");
    await this.prejoin.start();
  }

  async join() {
    if (this.chosen === null) return;
    const config = { ...this.config, session: this.chosen };
    // the legal notice before recording (recordings/notice.js) needs to know which session this is
    document.dispatchEvent(new CustomEvent("hub:session", { detail: { session: this.chosen } }));
    this.show("call-root");
    this.call = new ConferenceCall(config, part(this.root, "call-root"), (reason) => this.finished(reason));
    try {
      await this.call.start(this.prejoin.take());
    } catch (error) {
      if (this.call) this.call.finish("lost");
    }
  }

  /** @param {FinishReason} reason */
  finished(reason) {
    this.call = null;
    this.chosen = null;
    this.prejoin.reset();
    part(this.root, "calls").replaceChildren();
    /** @type {Partial<Record<FinishReason, string>>} */
    const text = {
      ended: t("The call has ended. Thank you."), left: t("The call has ended. Thank you."),
      denied: t("The official could not take your call now. Please try again later."),
    };
    part(this.root, "finished-text").textContent = text[reason] || t("The call has ended. Thank you.");
    this.show("finished");
    window.setTimeout(() => { this.showStart(); void this.heartbeat.beat(); }, FINISHED_SCREEN_MS);
  }
}

new Kiosk().start();
