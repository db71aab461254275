// One RTCPeerConnection with the server, shaped exactly as the `joined` message's `lines` say:
// our camera and microphone (sendonly), then the receive slots (recvonly), in that order. The
// transceivers never change afterwards; the server switches what each slot carries.

/** @typedef {import("../protocol.js").Line} Line */
/** @typedef {{candidate: string, sdpMid: string | null, sdpMLineIndex: number | null} | null} Candidate */

export class RoomPeer {
  /**
   * @param {Line[]} lines
   * @param {MediaStream | null} local
   * @param {{iceServers: RTCIceServer[], iceAddresses: string[], sources?: Record<string, MediaStreamTrack | null>}} options
   *   `sources`: the track of each send line by name where it is not simply the first local track of its kind
   *   (a conference's `camera_small` clone, its `content` line that carries nothing until someone shares)
   */
  constructor(lines, local, options) {
    this.lines = lines;
    this.local = local;
    this.iceAddresses = options.iceAddresses;
    this.pc = new RTCPeerConnection({ iceServers: options.iceServers, bundlePolicy: "max-bundle" });
    // Trickle ICE (docs/protocol.md, "Candidates"): each gathered candidate goes to the server as it comes, but
    // only after the offer it belongs to was sent; until `trickleTo` they wait here.
    /** @type {Candidate[]} */
    this.heldCandidates = [];
    /** @type {((candidate: Candidate) => void) | null} */
    this.sendCandidate = null;
    this.pc.addEventListener("icecandidate", (event) => this.gathered(event.candidate));
    /** @type {Map<string, RTCRtpTransceiver>} */
    this.transceivers = new Map();
    /** @type {MediaStreamTrack | null} */
    this.cameraTrack = null;
    /** @type {Map<string, MediaStreamTrack | null>} the track each send line carries while it sends */
    this.sendTracks = new Map();
    const sources = options.sources || {};
    for (const line of lines) {
      /** @type {RTCRtpTransceiver} */
      let transceiver;
      if (line.direction === "sendonly") {
        const own = local ? (line.kind === "video" ? local.getVideoTracks()[0] : local.getAudioTracks()[0]) : undefined;
        // the camera and microphone lines carry ours; any other send line only what `sources` gives it
        const track = line.name in sources ? sources[line.name] ?? null : own || null;
        if (line.name === "camera" && track) this.cameraTrack = track;
        this.sendTracks.set(line.name, track);
        transceiver = this.pc.addTransceiver(track || line.kind, { direction: "sendonly", streams: local ? [local] : [] });
      } else {
        transceiver = this.pc.addTransceiver(line.kind, { direction: "recvonly" });
      }
      if (line.kind === "video") preferVp8(transceiver);
      this.transceivers.set(line.name, transceiver);
    }
  }

  /**
   * The receive track of a slot (a video or audio element shows it).
   * @param {string} name
   * @returns {MediaStreamTrack | null}
   */
  slotTrack(name) {
    const transceiver = this.transceivers.get(name);
    return transceiver ? transceiver.receiver.track : null;
  }

  /**
   * Our offer, at once (candidates are trickled after it: call `trickleTo` once it is sent).
   * @returns {Promise<string>}
   */
  async offer() {
    this.sendCandidate = null;
    await this.pc.setLocalDescription(await this.pc.createOffer());
    return this.localSdp();
  }

  /**
   * A re-offer of this connection with new ICE credentials (an ICE restart after a network change): send it as
   * `offer` with `restart: true`, then `trickleTo` again. DTLS, transceivers and slots carry on.
   * @returns {Promise<string>}
   */
  async restart() {
    this.sendCandidate = null; // the new generation's candidates wait for the restart offer to be sent
    this.heldCandidates = [];
    this.pc.restartIce();
    await this.pc.setLocalDescription(await this.pc.createOffer());
    return this.localSdp();
  }

  /** @returns {string} */
  localSdp() {
    const description = this.pc.localDescription;
    if (!description) throw new Error("no local description");
    return filterCandidates(description.sdp, this.iceAddresses);
  }

  /**
   * Send every candidate gathered so far, and each one to come, with `send` (the offer they belong to was sent).
   * @param {(candidate: Candidate) => void} send
   */
  trickleTo(send) {
    this.sendCandidate = send;
    const held = this.heldCandidates;
    this.heldCandidates = [];
    for (const candidate of held) send(candidate);
  }

  /** @param {RTCIceCandidate | null} candidate */
  gathered(candidate) {
    /** @type {Candidate} */
    let message = null; // null: gathering is over (end-of-candidates)
    if (candidate && candidate.candidate) {
      if (!allowedCandidate(candidate.candidate, this.iceAddresses)) return;
      message = { candidate: candidate.candidate, sdpMid: candidate.sdpMid, sdpMLineIndex: candidate.sdpMLineIndex };
    } else if (candidate) {
      return; // an empty candidate string: the end of one generation, the null event follows
    }
    if (this.sendCandidate) this.sendCandidate(message);
    else this.heldCandidates.push(message);
  }

  /** @param {string} sdp */
  async accept(sdp) {
    await this.pc.setRemoteDescription({ type: "answer", sdp });
  }

  /**
   * The server's stop_sending / start_sending: swap the track on a send line's sender, no renegotiation.
   * @param {boolean} video
   * @param {string} [line]  the send line (`camera` unless said)
   */
  async setSending(video, line = "camera") {
    const transceiver = this.transceivers.get(line);
    if (transceiver) await transceiver.sender.replaceTrack(video ? this.sendTracks.get(line) || null : null);
  }

  /**
   * Give a send line another track (content sharing starts or stops); it goes out when the line sends.
   * @param {string} line
   * @param {MediaStreamTrack | null} track
   */
  setSource(line, track) {
    this.sendTracks.set(line, track);
  }

  /** Close the connection; the local tracks belong to the call, which stops them. */
  close() {
    this.pc.close();
  }
}

/** @param {RTCRtpTransceiver} transceiver */
function preferVp8(transceiver) {
  // The server forwards encoded frames and picks one codec per room; everyone offering VP8 first keeps it common.
  if (typeof RTCRtpReceiver.getCapabilities !== "function" || !transceiver.setCodecPreferences) return;
  const caps = RTCRtpReceiver.getCapabilities("video");
  if (!caps) return;
  const vp8 = caps.codecs.filter((c) => /\/(VP8|rtx)$/i.test(c.mimeType));
  if (vp8.length) transceiver.setCodecPreferences(vp8);
}

/**
 * Keep only candidates on the allowed host addresses (tests pin media to 127.0.0.1).
 * @param {string} sdp
 * @param {string[]} allowed
 * @returns {string}
 */
export function filterCandidates(sdp, allowed) {
  if (!allowed.length) return sdp;
  return sdp
    .split("\r\n")
    .filter((line) => !line.startsWith("a=candidate:") || allowedCandidate(line.slice(2), allowed))
    .join("\r\n");
}

/**
 * Whether a candidate (`candidate:<foundation> <component> <protocol> <priority> <address> ...`) is on an allowed
 * host address (all are when none is configured).
 * @param {string} candidate
 * @param {string[]} allowed
 * @returns {boolean}
 */
export function allowedCandidate(candidate, allowed) {
  if (!allowed.length) return true;
  const address = candidate.split(" ")[4];
  return address !== undefined && allowed.includes(address);
}
