// The call and kiosk pages mark the elements the scripts use with data-part="..." (rooms/_prejoin.html,
// rooms/_call.html, kiosk/kiosk.html); this finds them, and says which one is missing when a page lacks it.

/**
 * The element marked data-part=`name` inside `root`, checked to be a `kind` (any HTML element unless said).
 * @template {HTMLElement} [E=HTMLElement]
 * @param {ParentNode} root
 * @param {string} name
 * @param {{new (): E, prototype: E}} [kind]
 * @returns {E}
 */
export function part(root, name, kind) {
  const node = root.querySelector(`[data-part="${name}"]`);
  if (!(node instanceof (kind || HTMLElement))) throw new Error(`the page lacks its ${name}`);
  return /** @type {E} */ (node);
}
