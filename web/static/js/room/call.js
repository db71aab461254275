// A call: token from the hub, join over signaling (lobby if our role waits), one peer connection,
// controls, quality, recording indicator, and rejoining by itself after a network loss.

import { HttpError } from "../http.js";
import { CLIENT, ERROR_CODE, SERVER } from "../protocol.js";
import { t } from "./i18n.js";
import { RoomPeer } from "./peer.js";
import { part } from "./parts.js";
import { measure } from "./quality.js";
import { fetchSeat } from "./seat.js";
import { Signaling, SignalingError } from "./signaling.js";
import { audioLevels, SpeakerTracker } from "./speaker.js";

/** @typedef {import("./config.js").RoomConfig} RoomConfig */
/** @typedef {import("./seat.js").Seat} Seat */
/** @typedef {import("../protocol.js").Joined} Joined */
/** @typedef {import("../protocol.js").Line} Line */
/** @typedef {import("../protocol.js").Participant} Participant */
/**
 * Why a call is over: it ended, we left, the lobby turned us away, a host removed us, we joined again
 * elsewhere, or the connection could not be restored.
 * @typedef {"ended" | "left" | "denied" | "removed" | "replaced" | "signed_out" | "lost"} FinishReason
 */

const ADMITS = new Set(["host", "interviewer"]);
const ENDS = new Set(["host"]);
const QUALITY_MS = 2000;
const SPEAKER_MS = 400;
// the small picture of a conference's dual stream (the chair's wall, thumbnails)
export const SMALL = { width: 320, height: 180, frameRate: 15 };
// below this width the people list starts closed (a phone): the pictures get the screen
const NARROW = "(max-width: 56rem)";
const RECONNECT_DELAYS_MS = [500, 1000, 2000, 4000]; // then every LAST_RECONNECT_DELAY_MS
const LAST_RECONNECT_DELAY_MS = 8000;
const MAX_RECONNECT_MS = 5 * 60 * 1000;
const PING_MS = 20000;
// A network change (docs/protocol.md, "Reconnecting"): ICE `disconnected` this long, or `failed`, restarts ICE on the
// same connection; a restart not connected within RESTART_WAIT_MS falls back to a new connection.
const RESTART_AFTER_MS = 2000;
const RESTART_WAIT_MS = 8000;
// join refusals that another attempt cannot change (a token error just means: fetch a new one)
const FINAL_CODES = new Set(["room_ended", "wrong_room", "forbidden"]);

export class Call {
  /**
   * @param {RoomConfig} config
   * @param {HTMLElement} root  the element holding the call's parts (data-part="...")
   * @param {(reason: FinishReason) => void} onFinished
   */
  constructor(config, root, onFinished) {
    this.config = config;
    this.root = root;
    this.onFinished = onFinished;
    /** @type {MediaStream | null} */
    this.local = null;
    /** @type {Signaling | null} */
    this.signaling = null;
    /** @type {RoomPeer | null} */
    this.peer = null;
    /** @type {Seat | null} */
    this.seat = null;
    /** @type {Map<string, Participant>} */
    this.participants = new Map();
    /** @type {Record<string, string | null>} */
    this.slots = {};
    this.audioOn = true;
    this.videoOn = true;
    this.sending = true;
    /** @type {MediaStreamTrack | null} the small clone of the camera (conferences) */
    this.small = null;
    /** @type {Set<string>} send lines the hub told to stop (stop_sending) */
    this.stoppedLines = new Set();
    this.finished = false;
    this.reconnecting = false;
    this.restarting = false;
    this.restartTimer = 0;
    /** ICE restarts that brought the media back (shown as `data-ice-restarts` on the root, for tests) */
    this.iceRestarts = 0;
    this.counters = { lost: 0, received: 0 };
    this.qualityTimer = 0;
    this.speakerTimer = 0;
    this.pingTimer = 0;
    /** @type {string | null} our own participant id, from `joined` */
    this.me = null;
    /** @type {Participant | null} ourselves, as `joined` describes us */
    this.you = null;
    /** @type {string | null} */
    this.role = null;
    /** @type {string | null} who speaks now (a participant id, ours included) */
    this.speaking = null;
    this.speaker = new SpeakerTracker();
    /** @type {Set<string>} the names of our audio receive slots */
    this.audioSlots = new Set();
    this.bindControls();
  }

  bindControls() {
    part(this.root, "mute").addEventListener("click", () => this.toggleAudio());
    part(this.root, "camera").addEventListener("click", () => this.toggleVideo());
    part(this.root, "hangup").addEventListener("click", () => this.hangUp());
    const end = this.root.querySelector('[data-part="end"]');
    if (end) end.addEventListener("click", () => this.endForEveryone());
    part(this.root, "acknowledge").addEventListener("click", () => this.acknowledgeRecording());
    const toggle = this.root.querySelector('[data-part="people-toggle"]');
    if (toggle) toggle.addEventListener("click", () => this.setPeopleOpen(!this.peopleOpen()));
    const fullscreen = part(this.root, "fullscreen");
    fullscreen.hidden = !document.fullscreenEnabled;
    fullscreen.addEventListener("click", () => this.toggleFullscreen());
    document.addEventListener("fullscreenchange", () => this.renderFullscreen());
  }

  /** The people list beside the pictures (a wide screen) or below them (a phone), opened and closed by a button. */
  peopleOpen() {
    return part(this.root, "call").dataset.people === "open";
  }

  /** @param {boolean} open */
  setPeopleOpen(open) {
    const call = part(this.root, "call");
    if (call.dataset.people === "closed" && !this.root.querySelector('[data-part="people-toggle"]')) return; // kiosk
    call.dataset.people = open ? "open" : "closed";
    const toggle = this.root.querySelector('[data-part="people-toggle"]');
    if (toggle) toggle.setAttribute("aria-expanded", String(open));
  }

  async toggleFullscreen() {
    try {
      if (document.fullscreenElement) await document.exitFullscreen();
      else await document.documentElement.requestFullscreen();
    } catch (error) {
      this.notice(t("Full screen is not available here."));
    }
  }

  renderFullscreen() {
    const button = part(this.root, "fullscreen");
    const on = Boolean(document.fullscreenElement);
    button.setAttribute("aria-pressed", String(on));
    setLabel(button, on ? t("Leave full screen") : t("Full screen"));
  }

  /** @param {MediaStream | null} local */
  async start(local) {
    this.local = local;
    this.show("connecting");
    await this.connect();
  }

  async fetchSeat() {
    if (this.config.session === null) throw new Error("no room session chosen");
    this.seat = await fetchSeat(this.config.session);
  }

  wsUrl() {
    const scheme = location.protocol === "https:" ? "wss:" : "ws:";
    return `${scheme}//${location.host}${this.config.ws_path}`;
  }

  async connect() {
    await this.fetchSeat();
    const seat = /** @type {NonNullable<Call["seat"]>} */ (this.seat);
    const signaling = new Signaling(this.wsUrl());
    this.signaling = signaling;
    this.listen(signaling);
    await signaling.connect();
    signaling.onclose = (byUs) => {
      if (!byUs && !this.finished && this.signaling === signaling) this.reconnect();
    };
    const reply = await signaling.request({ type: CLIENT.JOIN, room: seat.room, token: seat.token });
    if (reply.type === SERVER.LOBBY) this.showLobby(reply.position);
    else await this.joined(reply);
    window.clearInterval(this.pingTimer);
    this.pingTimer = window.setInterval(() => signaling.request({ type: CLIENT.PING }).catch(() => {}), PING_MS);
  }

  /** @param {Signaling} s */
  listen(s) {
    s.on(SERVER.JOINED, (m) => this.joined(m).catch((e) => this.failed(e)));
    s.on(SERVER.LOBBY, (m) => this.showLobby(m.position));
    s.on(SERVER.LOBBY_WAITING, (m) => this.renderWaiting(m.waiting));
    s.on(SERVER.PARTICIPANT_JOINED, (m) => { this.participants.set(m.participant.id, m.participant); this.renderPeople(); });
    s.on(SERVER.PARTICIPANT_LEFT, (m) => { this.participants.delete(m.participant); this.renderPeople(); });
    s.on(SERVER.PARTICIPANT_STATE, (m) => {
      const p = this.participants.get(m.participant);
      if (p) { p.audio = m.audio; p.video = m.video; this.renderPeople(); }
    });
    s.on(SERVER.SLOTS, (m) => { this.slots = m.slots; this.renderSlots(); });
    s.on(SERVER.STOP_SENDING, (m) => this.lineSending(m.line || "camera", false));
    s.on(SERVER.START_SENDING, (m) => this.lineSending(m.line || "camera", true));
    s.on(SERVER.RECORDING, (m) => this.showRecording(m.active, m.reason ?? null, m.acknowledge ?? false));
    s.on(SERVER.ENDED, () => this.finish("ended"));
    s.on(SERVER.DENIED, () => this.finish("denied"));
    s.on(SERVER.CLOSED, (m) => {
      if (m.reason === "server_stopped") { // the hub restarts: come back by ourselves
        this.notice(t("The server is restarting. Reconnecting…"));
        this.reconnect();
      } else this.finish(m.reason === "replaced" || m.reason === "signed_out" ? m.reason : "removed");
    });
  }

  /**
   * The hub needs (or no longer needs) what a send line carries: the camera (and in conferences its small clone, or
   * the shared content). The camera lines send only while our camera is on, too.
   * @param {string} line @param {boolean} on
   */
  lineSending(line, on) {
    if (on) this.stoppedLines.delete(line);
    else this.stoppedLines.add(line);
    this.sending = !this.stoppedLines.has("camera");
    if (this.peer) this.peer.setSending(on && (line === "content" || this.videoOn), line);
  }

  /**
   * The tracks of the send lines other than our camera and microphone: in a conference the small picture of the dual
   * stream (`camera_small`: a clone of the camera at about 320×180, 15 fps) and the shared content (nothing until we
   * share). Any send line nobody names here sends nothing.
   * @param {Line[]} lines @returns {Record<string, MediaStreamTrack | null>}
   */
  lineSources(lines) {
    /** @type {Record<string, MediaStreamTrack | null>} */
    const sources = {};
    for (const line of lines) {
      if (line.direction !== "sendonly" || line.name === "camera" || line.name === "microphone") continue;
      sources[line.name] = null;
    }
    if ("camera_small" in sources) {
      if (this.small) this.small.stop();
      const camera = this.local ? this.local.getVideoTracks()[0] : undefined;
      this.small = camera ? camera.clone() : null;
      if (this.small) this.small.applyConstraints(SMALL).catch(() => {}); // a camera that cannot go smaller sends as it is
      sources.camera_small = this.small;
    }
    return sources;
  }

  /** @param {Joined} m */
  async joined(m) {
    this.participants = new Map(m.participants.map((p) => [p.id, p]));
    this.slots = m.slots;
    this.role = m.you.role;
    this.me = m.you.id;
    this.you = m.you;
    const call = part(this.root, "call");
    if (call.dataset.people === "auto") this.setPeopleOpen(!window.matchMedia(NARROW).matches);
    this.show("call");
    this.showRecording(m.recording, null, false); // a `recording` event with the reason follows when it is off
    this.renderPeople();
    part(this.root, "role").textContent = roleLabel(m.you.role);
    const end = this.root.querySelector('[data-part="end"]');
    if (end) end.toggleAttribute("hidden", !ENDS.has(m.you.role));
    if (!ADMITS.has(m.you.role)) part(this.root, "waiting").replaceChildren();
    if (!ADMITS.has(m.you.role)) part(this.root, "waiting-section").hidden = true;
    if (this.peer) this.peer.close();
    const publishes = m.lines.some((l) => l.direction === "sendonly");
    this.stoppedLines = new Set();
    this.peer = new RoomPeer(m.lines, publishes ? this.local : null, {
      iceServers: m.ice_servers, iceAddresses: this.config.ice_addresses, sources: this.lineSources(m.lines),
    });
    const peer = this.peer;
    this.applyLocalState();
    this.attachSlots(peer, m.lines);
    peer.pc.addEventListener("iceconnectionstatechange", () => this.watchIce(peer));
    peer.pc.addEventListener("connectionstatechange", () => {
      // ICE failures restart ICE (watchIce); a DTLS failure needs a new connection
      if (peer !== this.peer || this.finished || peer.pc.connectionState !== "failed") return;
      if (peer.pc.iceConnectionState === "failed") this.restartIce(peer);
      else this.reconnect();
    });
    const signaling = /** @type {Signaling} */ (this.signaling);
    const sent = signaling.request({ type: CLIENT.OFFER, sdp: await peer.offer() });
    peer.trickleTo((candidate) => this.sendCandidate(signaling, candidate));
    const answer = await sent;
    await peer.accept(answer.sdp);
    if (!this.audioOn || !this.videoOn) await this.sendState();
    this.startQuality();
    this.startSpeaker();
    this.setBanner(false);
    this.reconnecting = false;
  }

  /**
   * @param {RoomPeer} peer
   * @param {Line[]} lines
   */
  attachSlots(peer, lines) {
    const stage = part(this.root, "stage");
    const sounds = part(this.root, "sounds");
    stage.replaceChildren();
    sounds.replaceChildren();
    this.audioSlots = new Set();
    for (const line of lines) {
      if (line.direction !== "recvonly") continue;
      const track = peer.slotTrack(line.name);
      if (!track) continue;
      if (line.kind === "audio") this.audioSlots.add(line.name);
      if (line.kind === "video") {
        const tile = document.createElement("figure");
        const place = line.name === "main" ? "main" : line.name === "content_view" ? "content" : "thumb";
        tile.className = `slot ${place}`;
        tile.dataset.slot = line.name;
        const video = document.createElement("video");
        video.autoplay = true;
        video.muted = true; // sound comes through the audio slots
        video.playsInline = true;
        video.srcObject = new MediaStream([track]);
        const caption = document.createElement("figcaption");
        tile.append(video, caption);
        stage.append(tile);
      } else {
        const audio = document.createElement("audio");
        audio.autoplay = true;
        audio.srcObject = new MediaStream([track]);
        sounds.append(audio);
      }
    }
    const self = part(this.root, "self", HTMLVideoElement);
    self.srcObject = this.local;
    self.muted = true;
    this.renderSlots();
  }

  renderSlots() {
    let shown = 0;
    this.root.querySelectorAll("figure.slot").forEach((node) => {
      const tile = /** @type {HTMLElement} */ (node);
      const who = this.slots[tile.dataset.slot || ""];
      const person = who ? this.participants.get(who) : undefined;
      tile.classList.toggle("empty", !who);
      tile.classList.toggle("speaking", Boolean(who) && who === this.speaking);
      tile.dataset.participant = who || "";
      if (who) shown += 1;
      const caption = tile.querySelector("figcaption");
      if (caption) caption.textContent = person ? person.name : "";
    });
    part(this.root, "stage-empty").hidden = shown > 0;
    part(this.root, "stage").classList.toggle("has-content", Boolean(this.slots.content_view));
    part(this.root, "self").classList.toggle("speaking", this.speaking !== null && this.speaking === this.me);
  }

  renderPeople() {
    const list = part(this.root, "people");
    list.replaceChildren();
    /** @type {Participant[]} */
    const everyone = [...this.participants.values()];
    if (this.you && !this.participants.has(this.you.id)) { // ourselves first, as the others see us
      everyone.unshift({ ...this.you, audio: this.audioOn, video: this.videoOn });
    }
    for (const p of everyone) {
      const item = document.createElement("li");
      item.dataset.participant = p.id;
      const parts = [p.name, roleLabel(p.role)];
      if (p.id === this.me) parts.push(t("you"));
      if (!p.audio) parts.push(t("muted"));
      if (!p.video) parts.push(t("camera off"));
      if (p.id === this.speaking) parts.push(t("speaking"));
      item.classList.toggle("speaking", p.id === this.speaking);
      item.textContent = parts.join(" · ");
      list.append(item);
    }
    this.renderSlots();
  }

  /** Who speaks, every SPEAKER_MS: highlighted on their picture and in the list, and named in the bar. */
  startSpeaker() {
    window.clearInterval(this.speakerTimer);
    this.speakerTimer = window.setInterval(async () => {
      const peer = this.peer;
      if (!peer) return;
      const byMid = new Map();
      for (const [name, transceiver] of peer.transceivers) {
        if (this.audioSlots.has(name) && transceiver.mid !== null) byMid.set(transceiver.mid, name);
      }
      const levels = await audioLevels(peer.pc, byMid).catch(() => null);
      if (!levels || peer !== this.peer) return;
      /** @type {Map<string, number>} */
      const byPerson = new Map();
      for (const [slot, level] of levels.slots) {
        const who = this.slots[slot];
        const person = who ? this.participants.get(who) : undefined;
        if (who && (!person || person.audio)) byPerson.set(who, Math.max(level, byPerson.get(who) || 0));
      }
      if (this.me && this.audioOn && this.local) byPerson.set(this.me, levels.self);
      const now = this.speaker.update(byPerson, Date.now());
      if (now !== this.speaking) {
        this.speaking = now;
        this.renderSpeaking();
      }
    }, SPEAKER_MS);
  }

  renderSpeaking() {
    const who = this.speaking;
    const person = who ? this.participants.get(who) : undefined;
    const bar = part(this.root, "speaking-now");
    bar.dataset.participant = who || "";
    if (who === null) bar.textContent = "";
    else if (who === this.me) bar.textContent = t("You are speaking");
    else bar.textContent = t("Speaking: %(name)s", { name: person ? person.name : t("someone") });
    this.renderPeople();
  }

  /** @param {Participant[]} waiting */
  renderWaiting(waiting) {
    const list = part(this.root, "waiting");
    list.replaceChildren();
    const count = this.root.querySelector('[data-part="waiting-count"]');
    if (count) {
      const shown = ADMITS.has(this.role || "") ? waiting.length : 0;
      count.textContent = String(shown);
      count.toggleAttribute("hidden", shown === 0);
      if (shown > 0) this.setPeopleOpen(true); // someone waits for the host: show them
    }
    part(this.root, "waiting-section").hidden = !ADMITS.has(this.role || "") || waiting.length === 0;
    if (!ADMITS.has(this.role || "")) return;
    waiting.forEach((p, index) => {
      const item = document.createElement("li");
      item.dataset.participant = p.id;
      const name = document.createElement("span");
      const waitingText = t("waiting");
      name.textContent = [p.name, roleLabel(p.role), waitingText].join(" · ");
      item.append(name);
      if (index === 0) { // one at a time: the first in line
        const admit = document.createElement("button");
        admit.className = "primary";
        admit.dataset.action = "admit";
        admit.textContent = t("Admit");
        admit.addEventListener("click", () => this.decide(CLIENT.ADMIT, p.id));
        const deny = document.createElement("button");
        deny.dataset.action = "deny";
        deny.textContent = t("Turn away");
        deny.addEventListener("click", () => this.decide(CLIENT.DENY, p.id));
        item.append(admit, deny);
      }
      list.append(item);
    });
  }

  /** @param {typeof CLIENT.ADMIT | typeof CLIENT.DENY} what @param {string} participant */
  async decide(what, participant) {
    if (!this.signaling) return;
    try {
      await this.signaling.request({ type: what, participant });
    } catch (error) {
      this.notice(refusal(/** @type {Error} */ (error)));
    }
  }

  /** @param {number} position */
  showLobby(position) {
    this.show("lobby");
    const ahead = t("%(n)s people are ahead of you.", { n: position - 1 });
    part(this.root, "lobby-position").textContent = position > 1 ? ahead : t("You are next.");
  }

  /**
   * Recording on, or off with the reason a room that must be recorded is not (everyone sees it; the host of an
   * interview confirms before going on, and the hub logs it).
   * @param {boolean} active @param {string | null} reason @param {boolean} acknowledge
   */
  showRecording(active, reason, acknowledge) {
    part(this.root, "recording").toggleAttribute("hidden", !active);
    part(this.root, "not-recording").toggleAttribute("hidden", active || !reason);
    part(this.root, "not-recording-reason").textContent = reason ? notRecordingReason(reason) : "";
    const runs = ADMITS.has(this.role || "") || ENDS.has(this.role || "");
    part(this.root, "acknowledge").toggleAttribute("hidden", !(acknowledge && runs && reason));
  }

  async acknowledgeRecording() {
    if (!this.signaling) return;
    try {
      await this.signaling.request({ type: CLIENT.ACKNOWLEDGE_RECORDING });
      part(this.root, "acknowledge").toggleAttribute("hidden", true);
    } catch (error) {
      this.notice(String(/** @type {Error} */ (error).message));
    }
  }

  applyLocalState() {
    if (!this.local) return;
    this.local.getAudioTracks().forEach((track) => { track.enabled = this.audioOn; });
    this.local.getVideoTracks().forEach((track) => { track.enabled = this.videoOn; });
    const mute = part(this.root, "mute");
    mute.setAttribute("aria-pressed", String(!this.audioOn));
    setLabel(mute, this.audioOn ? t("Mute") : t("Unmute"));
    const camera = part(this.root, "camera");
    camera.setAttribute("aria-pressed", String(!this.videoOn));
    setLabel(camera, this.videoOn ? t("Camera off") : t("Camera on"));
  }

  async toggleAudio() {
    this.audioOn = !this.audioOn;
    this.applyLocalState();
    this.renderPeople();
    await this.sendState();
  }

  async toggleVideo() {
    this.videoOn = !this.videoOn;
    this.applyLocalState();
    this.renderPeople();
    if (this.peer) {
      for (const line of ["camera", "camera_small"]) {
        if (!this.stoppedLines.has(line)) await this.peer.setSending(this.videoOn, line);
      }
    }
    await this.sendState();
  }

  async sendState() {
    if (!this.signaling) return;
    await this.signaling.request({ type: CLIENT.MEDIA_STATE, audio: this.audioOn, video: this.videoOn }).catch(() => {});
  }

  startQuality() {
    window.clearInterval(this.qualityTimer);
    this.counters = { lost: 0, received: 0 };
    const indicator = part(this.root, "quality");
    this.qualityTimer = window.setInterval(async () => {
      if (!this.peer) return;
      const q = await measure(this.peer.pc, this.counters);
      indicator.dataset.level = q.level;
      indicator.dataset.framesDecoded = String(q.framesDecoded);
      indicator.textContent = t(qualityLabel(q.level));
      indicator.title = q.rttMs === null ? "" : `${Math.round(q.rttMs)} ms, ${q.lossPercent.toFixed(1)} %`;
    }, QUALITY_MS);
  }

  /** Lost the socket or the media: fetch a new token and join again; the server gives back role and place. */
  async reconnect() {
    if (this.reconnecting || this.finished) return;
    this.reconnecting = true;
    this.setBanner(true);
    window.clearInterval(this.qualityTimer);
    window.clearInterval(this.speakerTimer);
    const old = this.signaling;
    this.signaling = null;
    if (old) old.close();
    const started = Date.now();
    for (let attempt = 0; !this.finished && Date.now() - started < MAX_RECONNECT_MS; attempt++) {
      await sleep(RECONNECT_DELAYS_MS[attempt] ?? LAST_RECONNECT_DELAY_MS);
      if (this.finished) return;
      try {
        await this.connect();
        return; // joined() (now or on admission) hides the banner
      } catch (error) {
        const status = error instanceof HttpError ? error.status : undefined;
        const final = error instanceof SignalingError && FINAL_CODES.has(error.code);
        if (final || status === 404 || status === 403 || status === 409 || status === 401) {
          this.finish("ended");
          return;
        }
        const half = /** @type {Signaling | null} */ (this.signaling); // connect() may have set it before failing
        this.signaling = null;
        if (half) half.close();
      }
    }
    if (!this.finished) this.finish("lost");
  }

  /**
   * Trickle one of our ICE candidates (null: gathering is over) to the server.
   * @param {Signaling} signaling
   * @param {import("./peer.js").Candidate} candidate
   */
  sendCandidate(signaling, candidate) {
    signaling.request({ type: CLIENT.ICE, candidate }).catch((error) => console.warn("ICE candidate refused", error));
  }

  /**
   * Follow our ICE connection: `disconnected` for RESTART_AFTER_MS, or `failed`, is a network change.
   * @param {RoomPeer} peer
   */
  watchIce(peer) {
    if (peer !== this.peer || this.finished) return;
    const state = peer.pc.iceConnectionState;
    if (state === "failed") {
      this.restartIce(peer);
    } else if (state === "disconnected") {
      if (!this.restartTimer) {
        this.restartTimer = window.setTimeout(() => {
          this.restartTimer = 0;
          if (peer === this.peer && peer.pc.iceConnectionState === "disconnected") this.restartIce(peer);
        }, RESTART_AFTER_MS);
      }
    } else {
      window.clearTimeout(this.restartTimer);
      this.restartTimer = 0;
    }
  }

  /**
   * Restart ICE on the same connection (new credentials, new candidates; DTLS, transceivers and slots carry on).
   * Falls back to a new connection (`reconnect`) when the hub refuses or the new path does not connect in time.
   * @param {RoomPeer} peer
   */
  async restartIce(peer) {
    if (this.restarting || this.reconnecting || this.finished || peer !== this.peer || !this.signaling) return;
    this.restarting = true;
    this.setBanner(true);
    const signaling = this.signaling;
    try {
      const sdp = await peer.restart();
      const sent = signaling.request({ type: CLIENT.OFFER, sdp, restart: true }, RESTART_WAIT_MS);
      peer.trickleTo((candidate) => this.sendCandidate(signaling, candidate));
      const answer = await sent;
      await peer.accept(answer.sdp);
      await iceConnected(peer.pc, RESTART_WAIT_MS);
      this.iceRestarts += 1;
      this.root.dataset.iceRestarts = String(this.iceRestarts);
      if (peer === this.peer) this.setBanner(false);
    } catch (error) {
      console.warn("ICE restart failed: a new connection instead", error);
      if (peer === this.peer && !this.finished) this.reconnect();
    } finally {
      this.restarting = false;
    }
  }

  /** @param {boolean} visible */
  setBanner(visible) {
    part(this.root, "reconnect").toggleAttribute("hidden", !visible);
  }

  async hangUp() {
    if (this.signaling) await this.signaling.request({ type: CLIENT.LEAVE }, 3000).catch(() => {});
    this.finish("left");
  }

  async endForEveryone() {
    if (this.signaling) await this.signaling.request({ type: CLIENT.END }, 5000).catch(() => {});
    this.finish("ended");
  }

  /** @param {Error} error */
  failed(error) {
    this.notice(error.message);
    this.reconnect();
  }

  /** @param {string} text */
  notice(text) {
    part(this.root, "notice").textContent = text;
  }

  /** @param {"connecting" | "lobby" | "call"} screen */
  show(screen) {
    for (const name of ["connecting", "lobby", "call"]) {
      part(this.root, name).toggleAttribute("hidden", name !== screen);
    }
  }

  /** Tear everything down: nothing of this call stays in the page. @param {FinishReason} reason */
  finish(reason) {
    if (this.finished) return;
    this.finished = true;
    window.clearInterval(this.qualityTimer);
    window.clearInterval(this.speakerTimer);
    if (document.fullscreenElement) document.exitFullscreen().catch(() => {});
    window.clearInterval(this.pingTimer);
    if (this.signaling) this.signaling.close();
    this.signaling = null;
    if (this.peer) this.peer.close();
    this.peer = null;
    if (this.local) this.local.getTracks().forEach((track) => track.stop());
    if (this.small) this.small.stop();
    this.small = null;
    this.local = null;
    this.root.querySelectorAll("video, audio").forEach((node) => { /** @type {HTMLMediaElement} */ (node).srcObject = null; });
    part(this.root, "stage").replaceChildren();
    part(this.root, "sounds").replaceChildren();
    part(this.root, "people").replaceChildren();
    part(this.root, "waiting").replaceChildren();
    part(this.root, "notice").textContent = "";
    part(this.root, "speaking-now").textContent = "";
    this.speaking = null;
    this.participants.clear();
    this.seat = null;
    this.setBanner(false);
    this.onFinished(reason);
  }
}

/** A control's words (the icon beside them stays). @param {Element} button @param {string} text */
function setLabel(button, text) {
  const label = button.querySelector(".label");
  if (label) label.textContent = text;
  else button.textContent = text;
}

/**
 * Resolve once ICE is connected, reject after `ms`.
 * @param {RTCPeerConnection} pc
 * @param {number} ms
 * @returns {Promise<void>}
 */
function iceConnected(pc, ms) {
  const connected = () => pc.iceConnectionState === "connected" || pc.iceConnectionState === "completed";
  if (connected()) return Promise.resolve();
  return new Promise((resolve, reject) => {
    const timer = window.setTimeout(() => {
      pc.removeEventListener("iceconnectionstatechange", check);
      reject(new Error(`ICE not connected after ${ms} ms`));
    }, ms);
    function check() {
      if (!connected()) return;
      window.clearTimeout(timer);
      pc.removeEventListener("iceconnectionstatechange", check);
      resolve();
    }
    pc.addEventListener("iceconnectionstatechange", check);
  });
}

/** @param {number} ms */
function sleep(ms) {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** A refused request in words: the hub holds an unrecorded interview until the host confirms. @param {Error} error */
function refusal(error) {
  if (error instanceof SignalingError && error.code === ERROR_CODE.RECORDING_UNACKNOWLEDGED) {
    return t("The room is not being recorded: confirm it first");
  }
  return String(error.message);
}

/** Why a room is not recorded, in words. @param {string} reason @returns {string} */
export function notRecordingReason(reason) {
  const labels = {
    disk_full: t("the evidence store is full"),
    store_error: t("the evidence store failed to write"),
    database_unavailable: t("the database is not answering"),
    recorder_failed: t("the recorder failed and is restarting"),
  };
  return /** @type {Record<string, string>} */ (labels)[reason] || t("the recorder is not running");
}

/** @param {string} role @returns {string} */
export function roleLabel(role) {
  const labels = {
    host: t("Host"), interviewer: t("Interviewer"), clerk: t("Clerk"), interviewee: t("Interviewee"),
    petitioner: t("Petitioner"), witness: t("Witness (silent)"), kiosk: t("Kiosk"), venue: t("Venue"),
  };
  return /** @type {Record<string, string>} */ (labels)[role] || role;
}

/** @param {string} level @returns {string} */
function qualityLabel(level) {
  return { good: t("Connection good"), fair: t("Connection fair"), poor: t("Connection poor") }[level] || t("Connecting…");
}
