// The kiosk's heartbeat, one loop for every kiosk page: POST /kiosk/heartbeat at once and then every few
// seconds, so the administrator sees the terminal online (hub/rooms/devices.py). The answer also lists the
// calls open for the kiosk's room. Each page decides what a beat means for it (see Beat).

import { postJsonResponse } from "../http.js";

const HEARTBEAT_PATH = "/kiosk/heartbeat";

/** @typedef {{id: number, kind: string, title: string}} OpenSession  a room session the kiosk may join */
/** @typedef {{sessions: OpenSession[], heartbeat_seconds: number}} HeartbeatAnswer */

/**
 * What one beat found: the hub answered ("alive"); 401, this browser is not (or no longer) an enrolled kiosk
 * ("unenrolled"); another status, or an answer that is not the expected JSON ("refused"); or no answer at all,
 * the network is down ("unreachable").
 * @typedef {{outcome: "alive", answer: HeartbeatAnswer}
 *   | {outcome: "unenrolled"}
 *   | {outcome: "refused", status: number}
 *   | {outcome: "unreachable"}} Beat
 */

export class Heartbeat {
  /**
   * @param {number} intervalMs
   * @param {(beat: Beat) => void} onBeat  called after every beat
   */
  constructor(intervalMs, onBeat) {
    this.intervalMs = intervalMs;
    this.onBeat = onBeat;
    this.timer = 0;
  }

  /** Beat now, then every interval. */
  start() {
    void this.beat();
    window.clearInterval(this.timer);
    this.timer = window.setInterval(() => { void this.beat(); }, this.intervalMs);
  }

  /** One beat now (besides the regular ones), e.g. when the network is back. */
  async beat() {
    this.onBeat(await beatOnce());
  }
}

/** @returns {Promise<Beat>} */
async function beatOnce() {
  /** @type {Response} */
  let response;
  try {
    response = await postJsonResponse(HEARTBEAT_PATH, {});
  } catch {
    return { outcome: "unreachable" };
  }
  if (response.status === 401) return { outcome: "unenrolled" };
  /** @type {HeartbeatAnswer | null} */
  const answer = response.ok ? await response.json().catch(() => null) : null;
  if (!answer || !Array.isArray(answer.sessions)) return { outcome: "refused", status: response.status };
  return { outcome: "alive", answer };
}
