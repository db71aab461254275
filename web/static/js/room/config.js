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

/** @returns {RoomConfig | null} the page's configuration, or null on a page that carries none */
export function findConfig() {
  const node = document.getElementById("room-config");
  return node && node.textContent ? /** @type {RoomConfig} */ (JSON.parse(node.textContent)) : null;
}

/** @returns {RoomConfig} */
export function readConfig() {
  const config = findConfig();
  if (!config) throw new Error("the page carries no room configuration");
  return config;
}
