// The chair's console (会控): the board of venues (ready or red, devices, network, people signed in), a command row
// per venue, the conference-wide commands, and the queue of requests to speak with their waiting times.

import { CLIENT } from "../protocol.js";
import { t } from "../room/i18n.js";
import { part } from "../room/parts.js";
import { clock, layoutWords, qualityWords, sourceWords, waited } from "./labels.js";

/** @typedef {import("../protocol.js").Conference} ConferenceState */
/** @typedef {import("../protocol.js").BoardRow} BoardRow */
/** @typedef {import("../protocol.js").ClientRequest} ClientRequest */
/**
 * What the console needs of the call.
 * @typedef {object} ConsoleHost
 * @property {string | null} me
 * @property {(id: string | null) => string} nameOf
 * @property {(message: ClientRequest) => Promise<boolean>} command
 * @property {(text: string) => void} notice
 * @property {HTMLElement} root
 */

const TICK_MS = 1000;

export class ChairConsole {
  /** @param {ConsoleHost} call @param {HTMLElement} root */
  constructor(call, root) {
    this.call = call;
    this.root = root;
    /** @type {ConferenceState | null} */
    this.state = null;
    this.timer = 0;
    this.bind();
  }

  bind() {
    const on = (/** @type {string} */ name, /** @type {() => ClientRequest | null} */ build) => {
      part(this.root, name).addEventListener("click", () => {
        const message = build();
        if (message) this.call.command(message);
      });
    };
    on("mute-all", () => ({ type: CLIENT.MUTE_ALL }));
    on("unmute-all", () => ({ type: CLIENT.UNMUTE_ALL }));
    on("admit-all", () => ({ type: CLIENT.ADMIT_ALL }));
    on("broadcast-chair", () => ({ type: CLIENT.BROADCAST, venue: null, layout: false }));
    on("broadcast-layout", () => ({ type: CLIENT.BROADCAST, venue: null, layout: true }));
    on("end-floor", () => ({ type: CLIENT.END_FLOOR }));
    on("voice-switching", () => ({ type: CLIENT.VOICE_SWITCHING, on: !(this.state && this.state.voice_switching) }));
    on("lock", () => ({ type: CLIENT.LOCK, locked: !(this.state && this.state.locked) }));
    on("set-layout", () => {
      const layout = /** @type {"single" | "2x2" | "3x3" | "4x4"} */ (part(this.root, "layout", HTMLSelectElement).value);
      return { type: CLIENT.SET_LAYOUT, layout, venues: this.state ? this.state.layout_venues : [] };
    });
    on("tour-start", () => {
      const mode = /** @type {"broadcast" | "view"} */ (part(this.root, "tour-mode", HTMLSelectElement).value);
      const seconds = Number(part(this.root, "tour-seconds", HTMLInputElement).value);
      if (!(seconds >= 3 && seconds <= 600)) {
        this.call.notice(t("A tour shows each venue for 3 to 600 seconds."));
        return null;
      }
      return { type: CLIENT.TOUR, mode, seconds, venues: null };
    });
    on("tour-stop", () => ({ type: CLIENT.STOP_TOUR }));
    on("extend", () => ({ type: CLIENT.EXTEND, minutes: Number(part(this.root, "extend-minutes", HTMLSelectElement).value) }));
    on("hand-over", () => {
      const to = part(this.root, "hand-over-to", HTMLSelectElement).value;
      return to ? { type: CLIENT.HAND_OVER, participant: to } : null;
    });
    part(this.root, "end-conference").addEventListener("click", () => {
      if (window.confirm(t("End the conference for every venue?"))) this.call.command({ type: CLIENT.END_CONFERENCE });
    });
  }

  /** @param {ConferenceState} state */
  render(state) {
    this.state = state;
    part(this.root, "attendance-link", HTMLAnchorElement).href = `/conferences/${state.conference}/attendance`;
    this.renderState(state);
    this.renderBoard(state);
    this.renderRequests();
    this.renderHandOver(state);
    if (!this.timer) this.timer = window.setInterval(() => this.renderRequests(), TICK_MS);
  }

  stop() {
    window.clearInterval(this.timer);
    this.timer = 0;
  }

  /** @param {ConferenceState} state */
  renderState(state) {
    const name = (/** @type {string | null} */ id) => this.call.nameOf(id);
    const lines = [];
    if (state.broadcast.layout) lines.push(t("Everyone sees: the multi-picture (%(layout)s)", { layout: layoutWords(state.layout) }));
    else if (state.broadcast.venue) {
      lines.push(t("Everyone sees: %(name)s (%(how)s)", { name: name(state.broadcast.venue), how: sourceWords(state.broadcast.source) }));
    } else lines.push(t("Everyone sees: the main venue"));
    if (state.watch) lines.push(t("You watch: %(name)s", { name: name(state.watch) }));
    if (state.roll_call) {
      const answered = state.roll_call.answered_at ? t("answered at %(time)s", { time: clock(state.roll_call.answered_at) }) : t("not answered yet");
      lines.push(t("Roll call: %(name)s, %(answered)s", { name: name(state.roll_call.participant), answered }));
    }
    if (state.floor) lines.push(t("Has the floor: %(name)s", { name: name(state.floor) }));
    if (state.tour) {
      const mode = state.tour.mode === "broadcast" ? t("cyclic broadcast") : t("cyclic viewing");
      lines.push(t("Tour (%(mode)s) every %(n)s s, now %(name)s", { mode, n: state.tour.seconds, name: name(state.tour.current) }));
    }
    if (state.content) lines.push(t("Sharing content: %(name)s", { name: name(state.content) }));
    if (state.speaking.length) lines.push(t("Speaking: %(name)s", { name: state.speaking.map(name).join("、") }));
    if (state.ends_at) lines.push(t("Planned end: %(time)s", { time: clock(state.ends_at) }));
    const box = part(this.root, "console-state");
    box.replaceChildren(...lines.map((text) => Object.assign(document.createElement("li"), { textContent: text })));
    pressed(part(this.root, "voice-switching"), state.voice_switching, t("Voice switching on"), t("Voice switching"));
    pressed(part(this.root, "lock"), state.locked, t("Unlock the conference"), t("Lock the conference"));
    part(this.root, "end-floor").hidden = !state.floor && !state.roll_call;
    part(this.root, "tour-stop").hidden = !state.tour;
    part(this.root, "layout", HTMLSelectElement).value = state.layout;
    const ready = state.board.filter((r) => r.ready).length;
    part(this.root, "ready-count").textContent = t("%(ready)s of %(all)s venues ready", { ready, all: state.board.length });
  }

  /** @param {ConferenceState} state */
  renderBoard(state) {
    const body = part(this.root, "board");
    body.replaceChildren(...state.board.map((row) => this.boardRow(state, row)));
  }

  /** One venue's card: its name and readiness, its devices and network in words, and the chair's commands for it.
   * @param {ConferenceState} state @param {BoardRow} row */
  boardRow(state, row) {
    const card = document.createElement("li");
    card.dataset.venue = row.participant;
    card.dataset.ready = String(row.ready);
    card.className = `venue-card ${row.ready ? "ready" : "not-ready"}`;
    if (row.speaking) card.classList.add("speaking");
    const head = document.createElement("div");
    head.className = "venue-head";
    const name = document.createElement("strong");
    const youWords = t("you");
    name.textContent = row.participant === this.call.me ? `${row.name}（${youWords}）` : row.name;
    const ready = document.createElement("span");
    ready.className = "chip ready-chip";
    ready.textContent = row.ready ? t("Ready") : t("Not ready");
    head.append(name, ready);
    const facts = document.createElement("ul");
    facts.className = "facts";
    const fact = (/** @type {string} */ text, /** @type {string} */ kind, /** @type {boolean} */ good) => {
      const item = document.createElement("li");
      item.textContent = text;
      item.dataset.fact = kind;
      item.className = good ? "good" : "bad";
      facts.append(item);
    };
    fact(!row.connected ? (row.admitted ? t("Not connected") : t("Waiting to be let in")) : t("Connected"), "connected", row.connected);
    fact(row.camera ? t("Camera is on") : t("Camera is off"), "camera", row.camera);
    fact(row.microphone ? t("Microphone is on") : t("Microphone is off"), "microphone", row.microphone);
    const lossWords = t("packet loss");
    const figures = [row.rtt_ms === null ? "" : `${row.rtt_ms} ms`, row.loss_pct === null ? "" : `${lossWords} ${row.loss_pct} %`];
    fact([qualityWords(row.quality), ...figures.filter(Boolean)].join(" "), "quality", row.quality !== "poor");
    if (row.muted) fact(t("muted by the chair"), "muted", true);
    if (row.speaking) fact(t("speaking"), "speaking", true);
    fact(row.people === null ? t("Not signed in") : t("%(n)s present", { n: row.people }), "people", row.people !== null);
    if (row.answered_roll_call_at) fact(t("Answered at %(time)s", { time: clock(row.answered_roll_call_at) }), "roll-call", true);
    const actions = document.createElement("div");
    actions.className = "venue-actions";
    const button = (/** @type {string} */ action, /** @type {string} */ text, /** @type {() => ClientRequest} */ build, danger = false) => {
      const b = document.createElement("button");
      b.type = "button";
      b.dataset.action = action;
      b.textContent = text;
      if (danger) b.className = "danger";
      b.addEventListener("click", () => this.call.command(build()));
      actions.append(b);
    };
    const venue = row.participant;
    if (venue !== this.call.me) {
      if (!row.connected) button("call", t("Call"), () => ({ type: CLIENT.CALL_VENUE, venue }));
      else {
        button("roll-call", t("Roll call"), () => ({ type: CLIENT.ROLL_CALL, venue }));
        button("broadcast", t("Broadcast"), () => ({ type: CLIENT.BROADCAST, venue, layout: false }));
        const watching = state.watch === venue;
        button("watch", watching ? t("Stop watching") : t("Watch"), () => ({ type: CLIENT.WATCH, venue: watching ? null : venue }));
        if (row.muted) button("unmute", t("Unmute"), () => ({ type: CLIENT.UNMUTE, venue }));
        else button("mute", t("Mute"), () => ({ type: CLIENT.MUTE, venue }));
        button("floor", t("Give the floor"), () => ({ type: CLIENT.GRANT_FLOOR, venue }));
        const allowed = state.content_allowed.includes(venue);
        button("content", allowed ? t("No more sharing") : t("Allow sharing"), () => ({ type: CLIENT.ALLOW_CONTENT, venue, allowed: !allowed }));
        button("hang-up", t("Hang up"), () => ({ type: CLIENT.HANG_UP, venue }), true);
      }
    }
    card.append(head, facts, actions);
    return card;
  }

  renderRequests() {
    const state = this.state;
    if (!state) return;
    const list = part(this.root, "requests");
    const now = Date.now();
    list.replaceChildren(...state.requests.map((r) => {
      const item = document.createElement("li");
      item.dataset.venue = r.participant;
      const text = document.createElement("span");
      text.textContent = t("%(order)s. %(name)s, waiting %(time)s", { order: r.order, name: this.call.nameOf(r.participant), time: waited(r.requested_at, now) });
      const grant = document.createElement("button");
      grant.type = "button";
      grant.className = "primary";
      grant.dataset.action = "grant";
      grant.textContent = t("Grant");
      grant.addEventListener("click", () => this.call.command({ type: CLIENT.GRANT_FLOOR, venue: r.participant }));
      const decline = document.createElement("button");
      decline.type = "button";
      decline.dataset.action = "decline";
      decline.textContent = t("Decline");
      decline.addEventListener("click", () => this.call.command({ type: CLIENT.DECLINE_FLOOR, venue: r.participant }));
      item.append(text, grant, decline);
      return item;
    }));
    part(this.root, "no-requests").hidden = state.requests.length > 0;
  }

  /** @param {ConferenceState} state */
  renderHandOver(state) {
    const select = part(this.root, "hand-over-to", HTMLSelectElement);
    const chosen = select.value;
    const options = state.board.filter((r) => r.connected && r.participant !== this.call.me).map((r) => {
      const option = document.createElement("option");
      option.value = r.participant;
      option.textContent = r.name;
      option.selected = r.participant === chosen;
      return option;
    });
    select.replaceChildren(...options);
  }
}

/** @param {HTMLElement} button @param {boolean} on @param {string} whenOn @param {string} whenOff */
function pressed(button, on, whenOn, whenOff) {
  button.setAttribute("aria-pressed", String(on));
  button.textContent = on ? whenOn : whenOff;
}
