// The staff call page: pre-join check, then the call; afterwards a link back to the session.

import { Call } from "./call.js";
import { startCallPage } from "./call_page.js";
import { t } from "./i18n.js";

startCallPage((config, root, onFinished) => new Call(config, root, onFinished), () => ({
  ended: t("The session has ended."), left: t("You have left the call."), denied: t("You were not admitted."),
  removed: t("You were removed from the call."), replaced: t("You joined this call in another window."),
  signed_out: t("You are signed out (or your session ended), so you left the call. Sign in again to rejoin."),
  lost: t("The connection could not be restored."),
}));
