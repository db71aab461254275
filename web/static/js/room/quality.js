// Connection quality from getStats: loss and round-trip time; also counts frames decoded (shown to tests).

/**
 * @typedef {object} Quality
 * @property {"good" | "fair" | "poor" | "none"} level
 * @property {number} framesDecoded  video frames decoded over all receive slots
 * @property {number} lossPercent
 * @property {number | null} rttMs
 */

/**
 * @param {RTCPeerConnection} pc
 * @param {{lost: number, received: number}} previous  packet counters of the previous call (updated)
 * @returns {Promise<Quality>}
 */
export async function measure(pc, previous) {
  const report = await pc.getStats();
  let framesDecoded = 0;
  let lost = 0;
  let received = 0;
  /** @type {number | null} */
  let rtt = null;
  report.forEach((stat) => {
    if (stat.type === "inbound-rtp") {
      if (stat.kind === "video") framesDecoded += stat.framesDecoded || 0;
      lost += Math.max(0, stat.packetsLost || 0);
      received += stat.packetsReceived || 0;
    } else if (stat.type === "candidate-pair" && stat.nominated && typeof stat.currentRoundTripTime === "number") {
      rtt = stat.currentRoundTripTime * 1000;
    }
  });
  const dLost = lost - previous.lost;
  const dReceived = received - previous.received;
  previous.lost = lost;
  previous.received = received;
  const lossPercent = dLost + dReceived > 0 ? (100 * dLost) / (dLost + dReceived) : 0;
  /** @type {Quality["level"]} */
  let level = "good";
  if (pc.connectionState !== "connected") level = "none";
  else if (lossPercent > 8 || (rtt !== null && rtt > 500)) level = "poor";
  else if (lossPercent > 2 || (rtt !== null && rtt > 250)) level = "fair";
  return { level, framesDecoded, lossPercent, rttMs: rtt };
}
