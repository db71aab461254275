// Who is speaking: the audio level of each receive slot (inbound audio, by the slot's m-line) and of our own
// microphone (the media source), from getStats. The loudest above a threshold speaks; a speaker stays marked a
// moment after falling silent, so that the highlight does not flicker between words.

/**
 * @typedef {object} Levels
 * @property {Map<string, number>} slots  audio slot name → level 0…1
 * @property {number} self  our own microphone's level 0…1
 */

export const SPEAKING_LEVEL = 0.03;
export const HOLD_MS = 1500;

/**
 * @param {RTCPeerConnection} pc
 * @param {Map<string, string>} slotByMid  m-line id → slot name (audio slots only)
 * @returns {Promise<Levels>}
 */
export async function audioLevels(pc, slotByMid) {
  const report = await pc.getStats();
  /** @type {Map<string, number>} */
  const slots = new Map();
  let self = 0;
  report.forEach((stat) => {
    if (stat.kind !== "audio" || typeof stat.audioLevel !== "number") return;
    if (stat.type === "inbound-rtp" && stat.mid !== undefined) {
      const slot = slotByMid.get(String(stat.mid));
      if (slot) slots.set(slot, stat.audioLevel);
    } else if (stat.type === "media-source") {
      self = Math.max(self, stat.audioLevel);
    }
  });
  return { slots, self };
}

/** Keeps the current speaker: the loudest one now, or the last one for HOLD_MS after they fell silent. */
export class SpeakerTracker {
  constructor() {
    /** @type {string | null} */
    this.current = null;
    this.since = 0;
  }

  /**
   * @param {Map<string, number>} levels  participant id → level (our own under our id)
   * @param {number} now  milliseconds
   * @returns {string | null} who speaks now
   */
  update(levels, now) {
    let best = null;
    let bestLevel = SPEAKING_LEVEL;
    for (const [who, level] of levels) {
      if (level > bestLevel) { best = who; bestLevel = level; }
    }
    if (best !== null) {
      this.current = best;
      this.since = now;
    } else if (this.current !== null && now - this.since > HOLD_MS) {
      this.current = null;
    }
    return this.current;
  }
}
