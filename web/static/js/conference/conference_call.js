// A conference call (会控, docs/protocol.md "Conferences"): the ordinary call, plus the conference's send lines (the
// camera large, a small clone of it for the chair's wall, the shared content), the `conference` state event, and the
// venue's figures for the chair's board (getStats every few seconds). Whoever holds the chair sees the console;
// everyone else the venue's panel; a hand-over swaps them at once.

import { CLIENT, ERROR_CODE, SERVER } from "../protocol.js";
import { Call } from "../room/call.js";
import { t } from "../room/i18n.js";
import { part } from "../room/parts.js";
import { SignalingError } from "../room/signaling.js";
import { ChairConsole } from "./console.js";
import { VenuePanel } from "./venue.js";

/** @typedef {import("../protocol.js").Conference} ConferenceState */
/** @typedef {import("../protocol.js").Line} Line */
/** @typedef {import("../protocol.js").ClientRequest} ClientRequest */

const STATS_MS = 5000;

export class ConferenceCall extends Call {
  /**
   * @param {import("../room/config.js").RoomConfig} config
   * @param {HTMLElement} root
   * @param {(reason: import("../room/call.js").FinishReason) => void} onFinished
   */
  constructor(config, root, onFinished) {
    super(config, root, onFinished);
    /** @type {ConferenceState | null} */
    this.state = null;
    /** @type {MediaStreamTrack | null} the shared screen or window */
    this.display = null;
    this.hasContentLine = false;
    this.statsTimer = 0;
    this.statsStarted = false;
    this.stats = { bytes: 0, at: 0, lost: 0, received: 0 };
    this.console = new ChairConsole(this, part(root, "console"));
    this.venue = new VenuePanel(this, part(root, "venue-panel"));
    const share = part(root, "share");
    share.addEventListener("click", () => this.toggleShare());
  }

  /** @override @param {import("../room/signaling.js").Signaling} s */
  listen(s) {
    super.listen(s);
    s.on(SERVER.CONFERENCE, (m) => this.conference(m));
  }

  /** @override @param {Line[]} lines @returns {Record<string, MediaStreamTrack | null>} */
  lineSources(lines) {
    const sources = super.lineSources(lines);
    this.hasContentLine = "content" in sources; // the hub lists it once its forwarding carries content
    if (this.hasContentLine) sources.content = this.display;
    return sources;
  }

  /** @override @param {import("../protocol.js").Joined} m */
  async joined(m) {
    this.statsStarted = false; // (again on a rejoin) the first `conference` event starts them
    await super.joined(m);
  }

  /** Everyone's view of the conference: the console for the chair, the panel for a venue. @param {ConferenceState} m */
  conference(m) {
    this.state = m;
    if (!this.statsStarted) { // a conference room: the board wants our figures (an ordinary room sends none)
      this.statsStarted = true;
      this.startStats();
    }
    const callPart = part(this.root, "call");
    if (this.config.mode === "kiosk" && callPart.dataset.people === "closed") callPart.dataset.people = "open"; // the venue's panel
    const chair = m.chair !== null && m.chair === this.me;
    const call = part(this.root, "call");
    call.classList.toggle("chair", chair);
    call.dataset.chair = String(chair);
    part(this.root, "console").hidden = !chair;
    part(this.root, "venue-panel").hidden = chair;
    if (chair) this.console.render(m);
    else this.venue.render(m);
    const share = part(this.root, "share");
    const mayShare = chair || m.content_allowed.includes(this.me || "") || m.content === this.me;
    share.hidden = !(this.hasContentLine && mayShare);
    share.setAttribute("aria-pressed", String(m.content === this.me));
    const label = share.querySelector(".label");
    if (label) label.textContent = m.content === this.me ? t("Stop sharing") : t("Share screen");
    if (m.content !== this.me && this.display) this.stopDisplay(); // the chair took the allowance back, or another shares
    this.renderPeople();
  }

  /** A participant's name, from the board or the people in the room. @param {string | null} id */
  nameOf(id) {
    if (!id) return "";
    if (id === this.me && this.you) return this.you.name;
    const row = this.state ? this.state.board.find((r) => r.participant === id) : undefined;
    if (row) return row.name;
    const person = this.participants.get(id);
    return person ? person.name : t("someone");
  }

  isChairMuted() {
    return Boolean(this.state && this.state.muted.some((m) => m.participant === this.me));
  }

  /** @override */
  async toggleAudio() {
    if (!this.audioOn && this.isChairMuted()) { // the hub would refuse it: say why instead
      this.notice(t("The main venue has muted you. You may speak when it unmutes you or gives you the floor."));
      return;
    }
    await super.toggleAudio();
  }

  /**
   * Send one conference request; a refusal is told in words.
   * @param {ClientRequest} message
   * @returns {Promise<boolean>} done
   */
  async command(message) {
    if (!this.signaling) return false;
    try {
      await this.signaling.request(message);
      this.notice("");
      return true;
    } catch (error) {
      this.notice(conferenceRefusal(/** @type {Error} */ (error)));
      return false;
    }
  }

  async toggleShare() {
    if (this.display) {
      this.stopDisplay();
      await this.command({ type: CLIENT.SHARE_CONTENT, on: false });
      return;
    }
    if (!navigator.mediaDevices || !navigator.mediaDevices.getDisplayMedia) {
      this.notice(t("This browser cannot share its screen."));
      return;
    }
    let stream;
    try {
      stream = await navigator.mediaDevices.getDisplayMedia({ video: true, audio: false });
    } catch (error) {
      return; // the person chose not to share
    }
    const track = stream.getVideoTracks()[0];
    if (!track) return;
    this.display = track;
    track.addEventListener("ended", () => { // the browser's own "stop sharing"
      if (this.display === track) {
        this.stopDisplay();
        this.command({ type: CLIENT.SHARE_CONTENT, on: false });
      }
    });
    if (this.peer) {
      this.peer.setSource("content", track);
      if (!this.stoppedLines.has("content")) await this.peer.setSending(true, "content");
    }
    if (!(await this.command({ type: CLIENT.SHARE_CONTENT, on: true }))) this.stopDisplay();
  }

  stopDisplay() {
    if (this.display) this.display.stop();
    this.display = null;
    if (this.peer) {
      this.peer.setSource("content", null);
      this.peer.setSending(false, "content");
    }
  }

  /** What the board shows of us: devices and the network, from getStats, every STATS_MS. */
  startStats() {
    window.clearInterval(this.statsTimer);
    this.stats = { bytes: 0, at: 0, lost: 0, received: 0 };
    const send = () => this.sendStats().catch(() => {});
    send();
    this.statsTimer = window.setInterval(send, STATS_MS);
  }

  async sendStats() {
    const peer = this.peer;
    if (!peer || !this.signaling) return;
    const report = await peer.pc.getStats();
    /** @type {number | null} */
    let rtt = null;
    let bytes = 0;
    let lost = 0;
    let received = 0;
    report.forEach((stat) => {
      if (stat.type === "candidate-pair" && stat.nominated && typeof stat.currentRoundTripTime === "number") {
        rtt = stat.currentRoundTripTime * 1000;
      } else if (stat.type === "outbound-rtp") {
        bytes += stat.bytesSent || 0;
      } else if (stat.type === "inbound-rtp") {
        lost += Math.max(0, stat.packetsLost || 0);
        received += stat.packetsReceived || 0;
      } else if (stat.type === "remote-inbound-rtp" && typeof stat.roundTripTime === "number" && rtt === null) {
        rtt = stat.roundTripTime * 1000;
      }
    });
    const now = performance.now();
    const previous = this.stats;
    const dLost = lost - previous.lost;
    const dReceived = received - previous.received;
    const loss = dLost + dReceived > 0 ? (100 * Math.max(0, dLost)) / (dLost + dReceived) : 0;
    const bitrate = previous.at ? Math.round(((bytes - previous.bytes) * 8) / (now - previous.at)) : null;
    this.stats = { bytes, at: now, lost, received };
    const broken = ["failed", "disconnected", "closed"].includes(peer.pc.connectionState);
    const camera = this.local ? this.local.getVideoTracks()[0] : undefined;
    const mic = this.local ? this.local.getAudioTracks()[0] : undefined;
    /** @type {"good" | "fair" | "poor" | "unknown"} */
    let quality = "unknown";
    if (broken) quality = "poor";
    else if (rtt !== null) { // the selected pair has answered: the media path works
      if (rtt < 300 && loss < 2) quality = "good";
      else if (rtt < 800 && loss < 8) quality = "fair";
      else quality = "poor";
    }
    await this.signaling.request({
      type: CLIENT.VENUE_STATS,
      camera: Boolean(camera && camera.readyState === "live" && this.videoOn),
      microphone: Boolean(mic && mic.readyState === "live" && this.audioOn),
      quality,
      rtt_ms: rtt === null ? null : Math.round(rtt),
      loss_pct: Math.round(loss * 10) / 10,
      bitrate_kbps: bitrate !== null && bitrate >= 0 ? bitrate : null,
    });
  }

  /** @override */
  async reconnect() {
    window.clearInterval(this.statsTimer);
    await super.reconnect();
  }

  /** @override @param {import("../room/call.js").FinishReason} reason */
  finish(reason) {
    window.clearInterval(this.statsTimer);
    this.console.stop();
    this.venue.stop();
    this.stopDisplay();
    super.finish(reason);
  }
}

/** A refused conference request in words. @param {Error} error @returns {string} */
export function conferenceRefusal(error) {
  if (!(error instanceof SignalingError)) return String(error.message);
  const words = {
    [ERROR_CODE.NOT_CHAIR]: t("Only the chair may do this."),
    [ERROR_CODE.MUTED_BY_CHAIR]: t("The main venue has muted you. You may speak when it unmutes you or gives you the floor."),
    [ERROR_CODE.LOCKED]: t("The conference is locked."),
    [ERROR_CODE.NOT_ALLOWED]: t("The chair has not allowed you to share content."),
    [ERROR_CODE.NOT_FOUND]: t("That venue is not in the conference (or has no request)."),
    [ERROR_CODE.OUT_OF_ORDER]: t("Not now: the conference is not at that step."),
  };
  return /** @type {Record<string, string>} */ (words)[error.code] || t("The hub refused it: %(reason)s", { reason: error.message });
}
