// The conference page (会控 and 分会场 in one): the camera check, then the conference call; the chair's console or the
// venue's panel follows who holds the chair. Afterwards a link back to the session.

import { startCallPage } from "../room/call_page.js";
import { t } from "../room/i18n.js";
import { ConferenceCall } from "./conference_call.js";

startCallPage((config, root, onFinished) => new ConferenceCall(config, root, onFinished), () => ({
  ended: t("The conference has ended."), left: t("You have left the conference."), denied: t("You were not admitted."),
  removed: t("The main venue hung up this venue."), replaced: t("You joined this call in another window."),
  signed_out: t("You are signed out (or your session ended), so you left the call. Sign in again to rejoin."),
  lost: t("The connection could not be restored."),
}));
