// Read what the page handed us: a JSON data block (no inline script, the CSP forbids it).

/**
 * @typedef {object} RoomConfig
 * @property {"staff" | "kiosk"} mode
 * @property {number | null} session
 * @property {string} [role]  the staff page's role in the call (the kiosk learns it on joining)
 * @property {string} ws_path
 * @property {string[]} ice_addresses  host candidates the browser may offer (empty: all)
 * @property {Record<string, string>} catalog
 */

/** @returns {RoomConfig} */
export function readConfig() {
  const node = document.getElementById("room-config");
  if (!node || !node.textContent) throw new Error("the page carries no room configuration");
  return JSON.parse(node.textContent);
}

/** @returns {string} */
export function csrfToken() {
  const meta = /** @type {HTMLMetaElement | null} */ (document.querySelector('meta[name="csrf-token"]'));
  return meta ? meta.content : "";
}

/**
 * POST JSON to our own API with the CSRF token; resolves to the parsed body, rejects with the error body.
 * @param {string} path
 * @param {unknown} [body]
 * @returns {Promise<any>}
 */
export async function postJson(path, body) {
  const response = await fetch(path, {
    method: "POST",
    credentials: "same-origin",
    headers: { "Content-Type": "application/json", "X-CSRF-Token": csrfToken(), Accept: "application/json" },
    body: JSON.stringify(body ?? {}),
  });
  const data = await response.json().catch(() => ({}));
  if (!response.ok) {
    const error = new Error((data.error && data.error.message) || response.statusText);
    /** @type {any} */ (error).status = response.status;
    /** @type {any} */ (error).code = data.error && data.error.code;
    throw error;
  }
  return data;
}
