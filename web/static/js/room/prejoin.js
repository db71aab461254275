// Before joining: camera preview, microphone level meter, choice of camera and microphone.

import { t } from "./i18n.js";

export class PreJoin {
  /**
   * @param {{video: HTMLVideoElement, meter: HTMLElement, cameraSelect: HTMLSelectElement | null,
   *          micSelect: HTMLSelectElement | null, status: HTMLElement}} elements
   */
  constructor(elements) {
    this.el = elements;
    /** @type {MediaStream | null} */
    this.stream = null;
    /** @type {AudioContext | null} */
    this.audio = null;
    this.meterTimer = 0;
  }

  /** Ask for camera and microphone and show them. Resolves false if the browser refused. */
  async start() {
    try {
      await this.open({ video: true, audio: true });
    } catch (error) {
      this.el.status.textContent = t("Camera or microphone is not available. You can still join and listen.");
      return false;
    }
    await this.listDevices();
    return true;
  }

  /** @param {MediaStreamConstraints} constraints */
  async open(constraints) {
    this.stopTracks();
    this.stream = await navigator.mediaDevices.getUserMedia(constraints);
    this.el.video.srcObject = this.stream;
    this.el.video.muted = true;
    await this.el.video.play().catch(() => {});
    this.startMeter();
    this.el.status.textContent = t("Camera and microphone are ready.");
  }

  async listDevices() {
    const devices = await navigator.mediaDevices.enumerateDevices();
    const fill = (/** @type {HTMLSelectElement | null} */ select, /** @type {string} */ kind, /** @type {string} */ current) => {
      if (!select) return;
      select.replaceChildren();
      devices.filter((d) => d.kind === kind).forEach((d, i) => {
        const option = document.createElement("option");
        option.value = d.deviceId;
        const generic = kind === "videoinput" ? t("Camera") : t("Microphone");
        option.textContent = d.label || [generic, String(i + 1)].join(" ");
        option.selected = d.deviceId === current;
        select.append(option);
      });
      select.onchange = () => this.choose();
    };
    const video = this.stream && this.stream.getVideoTracks()[0];
    const audio = this.stream && this.stream.getAudioTracks()[0];
    fill(this.el.cameraSelect, "videoinput", video ? video.getSettings().deviceId || "" : "");
    fill(this.el.micSelect, "audioinput", audio ? audio.getSettings().deviceId || "" : "");
  }

  async choose() {
    const camera = this.el.cameraSelect && this.el.cameraSelect.value;
    const mic = this.el.micSelect && this.el.micSelect.value;
    await this.open({
      video: camera ? { deviceId: { exact: camera } } : true,
      audio: mic ? { deviceId: { exact: mic } } : true,
    });
  }

  startMeter() {
    this.stopMeter();
    if (!this.stream || !this.stream.getAudioTracks().length) return;
    this.audio = new AudioContext();
    const source = this.audio.createMediaStreamSource(this.stream);
    const analyser = this.audio.createAnalyser();
    analyser.fftSize = 512;
    source.connect(analyser);
    const samples = new Uint8Array(analyser.fftSize);
    const tick = () => {
      analyser.getByteTimeDomainData(samples);
      let peak = 0;
      for (const s of samples) peak = Math.max(peak, Math.abs(s - 128));
      const level = Math.min(100, Math.round((peak / 128) * 100));
      this.el.meter.style.setProperty("--level", `${level}%`);
      this.el.meter.setAttribute("aria-valuenow", String(level));
    };
    this.meterTimer = window.setInterval(tick, 100);
  }

  stopMeter() {
    if (this.meterTimer) window.clearInterval(this.meterTimer);
    this.meterTimer = 0;
    if (this.audio) this.audio.close().catch(() => {});
    this.audio = null;
  }

  stopTracks() {
    if (this.stream) this.stream.getTracks().forEach((track) => track.stop());
    this.stream = null;
  }

  /** Hand the stream over to the call (the preview keeps nothing). */
  take() {
    this.stopMeter();
    const stream = this.stream;
    this.el.video.srcObject = null;
    this.stream = null;
    return stream;
  }

  /** Forget everything (kiosk: the next person starts clean). */
  reset() {
    this.stopMeter();
    this.stopTracks();
    this.el.video.srcObject = null;
  }
}
