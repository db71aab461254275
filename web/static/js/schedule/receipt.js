// The receipt: print it, and at the booked time follow the official into the reception room.
// The server decides when the call is open (the kiosk's own clock may be wrong), so the page simply asks.
const printButton = document.getElementById("print-receipt");
printButton?.addEventListener("click", () => window.print());

const receipt = document.getElementById("receipt");
const status = document.getElementById("call-status");
const code = receipt?.dataset.code;
const POLL_MS = 3000;

async function poll() {
  if (!code) return;
  try {
    const response = await fetch(`/api/v1/kiosk/bookings/${encodeURIComponent(code)}`, { cache: "no-store" });
    if (!response.ok) return;
    /** @type {{status: string, join_url: string}} */
    const body = await response.json();
    if (body.status === "in_call" && status) {
      status.hidden = false;
      status.textContent = body.join_url ? status.dataset.joining ?? "" : status.dataset.waiting ?? "";
      if (body.join_url) window.location.assign(body.join_url);
    }
  } catch {
    // the offline notice of kiosk.js tells the petitioner; keep asking
  }
}

if (code) setInterval(() => { void poll(); }, POLL_MS);
