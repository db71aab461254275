// The recording page's players. A segment shows one player per participant (each plays its own sound);
// playing, pausing or seeking one moves the others of the segment with it, since they share one time zero.
// Under each player, the wall-clock time (Asia/Shanghai) of the moment shown, to match the picture to the
// interview record and to the gaps table.

const clock = new Intl.DateTimeFormat("zh-CN", {
  timeZone: "Asia/Shanghai", year: "numeric", month: "2-digit", day: "2-digit",
  hour: "2-digit", minute: "2-digit", second: "2-digit", hour12: false,
});

/** @type {Map<string, HTMLVideoElement[]>} */
const groups = new Map();
for (const video of /** @type {NodeListOf<HTMLVideoElement>} */ (document.querySelectorAll("video[data-group]"))) {
  const key = video.dataset.group || "";
  groups.set(key, [...(groups.get(key) || []), video]);
}

for (const videos of groups.values()) {
  let following = false; // set while we move the others, so their own events do not echo back
  /**
   * @param {HTMLVideoElement} source
   * @param {(other: HTMLVideoElement) => void} action
   */
  const others = (source, action) => {
    if (following) return;
    following = true;
    for (const other of videos) if (other !== source) action(other);
    following = false;
  };
  for (const video of videos) {
    video.addEventListener("play", () => others(video, (o) => { o.currentTime = video.currentTime; o.play().catch(() => {}); }));
    video.addEventListener("pause", () => others(video, (o) => o.pause()));
    video.addEventListener("seeked", () => others(video, (o) => {
      if (Math.abs(o.currentTime - video.currentTime) > 0.25) o.currentTime = video.currentTime;
    }));
  }
}

for (const video of /** @type {NodeListOf<HTMLVideoElement>} */ (document.querySelectorAll("video[data-started]"))) {
  const started = Date.parse(video.dataset.started || "");
  if (Number.isNaN(started)) continue;
  const label = document.createElement("p");
  label.className = "muted wall-clock";
  const show = () => { label.textContent = clock.format(new Date(started + video.currentTime * 1000)); };
  video.addEventListener("timeupdate", show);
  video.addEventListener("seeked", show);
  video.after(label);
  show();
}
