// The conference pages' words for the protocol's values (never a code on the page).

import { t } from "../room/i18n.js";

/** @param {string} quality @returns {string} */
export function qualityWords(quality) {
  const words = { good: t("Network good"), fair: t("Network fair"), poor: t("Network poor"), unknown: t("Network not measured yet") };
  return /** @type {Record<string, string>} */ (words)[quality] || t("Network not measured yet");
}

/** @param {string} layout @returns {string} */
export function layoutWords(layout) {
  const words = { single: t("One picture"), "2x2": t("Four pictures"), "3x3": t("Nine pictures"), "4x4": t("Sixteen pictures") };
  return /** @type {Record<string, string>} */ (words)[layout] || layout;
}

/** @param {string} source @returns {string} */
export function sourceWords(source) {
  const words = {
    chair: t("the main venue"), broadcast: t("broadcast by the chair"), roll_call: t("roll call"),
    floor: t("given the floor"), voice: t("voice switching"), tour: t("tour"),
  };
  return /** @type {Record<string, string>} */ (words)[source] || "";
}

/**
 * How long someone has waited, in words ("2 分 05 秒").
 * @param {string} since  ISO 8601
 * @param {number} now  milliseconds
 */
export function waited(since, now) {
  const seconds = Math.max(0, Math.round((now - Date.parse(since)) / 1000));
  const minutes = Math.floor(seconds / 60);
  const rest = String(seconds % 60).padStart(2, "0");
  return minutes ? t("%(m)s min %(s)s s", { m: minutes, s: rest }) : t("%(s)s s", { s: seconds });
}

/** A time of day in Beijing time, from ISO 8601. @param {string | null} iso */
export function clock(iso) {
  if (!iso) return "";
  return new Date(iso).toLocaleTimeString("zh-CN", { timeZone: "Asia/Shanghai", hour: "2-digit", minute: "2-digit" });
}
