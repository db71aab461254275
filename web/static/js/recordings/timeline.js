// The recording page's timeline (a conference: who was broadcast when). Each line names its segment and how many
// seconds into it the moment is; clicking it takes that segment's players there (all of them: they share one time
// zero), pauses the others' segments, and brings the players into view.

/** @param {HTMLVideoElement} video @param {number} seconds */
const seek = (video, seconds) => {
  const go = () => { video.currentTime = Math.min(seconds, Number.isFinite(video.duration) ? video.duration : seconds); };
  if (video.readyState >= HTMLMediaElement.HAVE_METADATA) go();
  else video.addEventListener("loadedmetadata", go, { once: true });
};

for (const button of /** @type {NodeListOf<HTMLButtonElement>} */ (document.querySelectorAll('[data-part="timeline"] button[data-segment]'))) {
  button.addEventListener("click", () => {
    const segment = button.dataset.segment || "";
    const offset = Number(button.dataset.offset);
    if (!segment || !Number.isFinite(offset)) return;
    for (const video of /** @type {NodeListOf<HTMLVideoElement>} */ (document.querySelectorAll("video[data-group]"))) {
      if (video.dataset.group === segment) seek(video, offset);
      else if (!video.paused) video.pause();
    }
    for (const line of document.querySelectorAll('[data-part="timeline"] li')) line.classList.remove("current");
    button.closest("li")?.classList.add("current");
    document.getElementById(`segment-${segment}`)?.scrollIntoView({ block: "start" });
  });
}
