// The client's strings: English ids, translated by the page's JSON catalogue (hub/rooms/client_page.py).

/** @type {Record<string, string>} */
let catalog = {};

/** @param {Record<string, string>} entries */
export function setCatalog(entries) {
  catalog = { ...entries };
}

/**
 * Translate one message id; `%(name)s` placeholders are filled from `values`.
 * @param {string} id
 * @param {Record<string, string | number>} [values]
 * @returns {string}
 */
export function t(id, values) {
  const text = catalog[id] || id;
  if (!values) return text;
  return text.replace(/%\((\w+)\)s/g, (_, key) => String(values[key] ?? ""));
}
