// A venue's panel (分会场): what everyone sees now and who speaks, muted by the chair or not, the request to speak with
// its place in the queue, the roll call to answer, and signing in with the number of people present.

import { CLIENT } from "../protocol.js";
import { t } from "../room/i18n.js";
import { part } from "../room/parts.js";
import { layoutWords, sourceWords } from "./labels.js";

/** @typedef {import("../protocol.js").Conference} ConferenceState */
/** @typedef {import("./console.js").ConsoleHost} ConsoleHost */

export class VenuePanel {
  /** @param {ConsoleHost} call @param {HTMLElement} root */
  constructor(call, root) {
    this.call = call;
    this.root = root;
    /** @type {ConferenceState | null} */
    this.state = null;
    part(root, "request-floor").addEventListener("click", () => this.call.command({ type: CLIENT.REQUEST_FLOOR }));
    part(root, "cancel-floor").addEventListener("click", () => this.call.command({ type: CLIENT.CANCEL_FLOOR }));
    part(root, "answer-roll-call").addEventListener("click", () => this.call.command({ type: CLIENT.ANSWER_ROLL_CALL }));
    const form = part(root, "sign-in", HTMLFormElement);
    form.addEventListener("submit", (event) => {
      event.preventDefault();
      const people = Number(part(form, "people-present", HTMLInputElement).value);
      if (!(Number.isInteger(people) && people >= 1 && people <= 9999)) {
        this.call.notice(t("Enter how many people are present (1 to 9999)."));
        return;
      }
      this.call.command({ type: CLIENT.SIGN_IN, people });
    });
  }

  /** @param {ConferenceState} state */
  render(state) {
    this.state = state;
    const me = this.call.me;
    const name = (/** @type {string | null} */ id) => (id === me ? t("this venue") : this.call.nameOf(id));
    let seen;
    if (state.broadcast.layout) seen = t("Broadcast: the multi-picture (%(layout)s)", { layout: layoutWords(state.layout) });
    else if (state.broadcast.venue) seen = t("Broadcast: %(name)s (%(how)s)", { name: name(state.broadcast.venue), how: sourceWords(state.broadcast.source) });
    else seen = t("Broadcast: the main venue");
    part(this.root, "broadcast-now").textContent = seen;
    part(this.root, "broadcast-now").dataset.venue = state.broadcast.venue || "";
    const speaking = state.speaking.map(name).join("、");
    part(this.root, "speaking").textContent = speaking ? t("Speaking: %(name)s", { name: speaking }) : t("Nobody is speaking");

    const muted = state.muted.some((m) => m.participant === me);
    part(this.root, "muted-by-chair").hidden = !muted;
    const mute = part(this.call.root, "mute");
    mute.dataset.chairMuted = String(muted);

    const floor = state.floor === me;
    const request = state.requests.find((r) => r.participant === me);
    part(this.root, "request-floor").hidden = Boolean(request) || floor;
    part(this.root, "cancel-floor").hidden = !request;
    const floorState = part(this.root, "floor-state");
    if (floor) floorState.textContent = t("You have the floor: speak now.");
    else if (request) floorState.textContent = t("You asked to speak: number %(n)s in the queue.", { n: request.order });
    else floorState.textContent = "";

    const called = state.roll_call && state.roll_call.participant === me;
    part(this.root, "roll-call").hidden = !(called && state.roll_call && !state.roll_call.answered_at);
    part(this.root, "roll-call-answered").hidden = !(called && state.roll_call && state.roll_call.answered_at);

    const row = state.board.find((r) => r.participant === me);
    const signed = part(this.root, "signed-in");
    signed.textContent = row && row.people !== null ? t("Signed in: %(n)s present", { n: row.people }) : t("Not signed in yet");
    part(this.root, "sign-in-button").textContent = row && row.people !== null ? t("Correct the number") : t("Sign in as present");
  }

  stop() {}
}
