// The recording page's players: under each segment's video, the wall-clock time (Asia/Shanghai) of the
// moment shown, so a viewer can match the picture to the interview record and to the gaps table.

const clock = new Intl.DateTimeFormat("zh-CN", {
  timeZone: "Asia/Shanghai", year: "numeric", month: "2-digit", day: "2-digit",
  hour: "2-digit", minute: "2-digit", second: "2-digit", hour12: false,
});

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
