// Written petition: hide name and phone when anonymous; photograph documents with the kiosk camera.
const anonymous = /** @type {HTMLInputElement | null} */ (document.getElementById("anonymous"));
const named = document.getElementById("named-fields");
const form = /** @type {HTMLFormElement | null} */ (document.getElementById("filing-form"));
const video = /** @type {HTMLVideoElement | null} */ (document.getElementById("camera-view"));
const start = document.getElementById("camera-start");
const shoot = document.getElementById("camera-shoot");
const count = document.getElementById("photo-count");
const input = /** @type {HTMLInputElement | null} */ (document.getElementById("photo-input"));
/** @type {Blob[]} */
const shots = [];
const MAX = 8;

function syncNamed() {
  if (named && anonymous) named.hidden = anonymous.checked;
}
anonymous?.addEventListener("change", syncNamed);
syncNamed();

start?.addEventListener("click", async () => {
  if (!video) return;
  try {
    video.srcObject = await navigator.mediaDevices.getUserMedia({ video: { facingMode: "environment" }, audio: false });
    video.hidden = false;
    if (shoot) shoot.hidden = false;
  } catch {
    if (start) start.hidden = true; // no camera: the file input stays
  }
});

shoot?.addEventListener("click", () => {
  if (!video || shots.length >= MAX) return;
  const canvas = document.createElement("canvas");
  canvas.width = video.videoWidth || 640;
  canvas.height = video.videoHeight || 480;
  canvas.getContext("2d")?.drawImage(video, 0, 0, canvas.width, canvas.height);
  canvas.toBlob((blob) => {
    if (!blob) return;
    shots.push(blob);
    if (count) count.textContent = `${count.dataset.label ?? ""}: ${shots.length}`;
  }, "image/jpeg", 0.85);
});

// photographs taken with the camera travel in the same multipart form as chosen files
form?.addEventListener("submit", async (event) => {
  if (shots.length === 0) return;
  event.preventDefault();
  const data = new FormData(form);
  shots.forEach((blob, i) => data.append("photo", blob, `photo-${i + 1}.jpg`));
  const response = await fetch(form.action, { method: "POST", body: data });
  const html = await response.text();
  document.open();
  document.write(html);
  document.close();
  for (const track of /** @type {MediaStream | null} */ (video?.srcObject ?? null)?.getTracks() ?? []) track.stop();
  if (input) input.value = "";
});
