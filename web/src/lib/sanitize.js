// Defence in depth for education content: the server already renders Markdown without raw
// HTML and cleans it with an allow-list (voting_engine/education/view.py); the browser applies
// the same allow-list again before showing it, so a compromised server path still cannot inject
// script, styles, images, forms or event handlers.

const ALLOWED = new Set([
  'P', 'BR', 'HR', 'H1', 'H2', 'H3', 'H4', 'H5', 'H6', 'STRONG', 'EM', 'CODE', 'PRE', 'BLOCKQUOTE',
  'UL', 'OL', 'LI', 'A', 'TABLE', 'THEAD', 'TBODY', 'TR', 'TH', 'TD',
]);
const DROP_WITH_CONTENT = new Set(['SCRIPT', 'STYLE', 'TEMPLATE', 'IFRAME', 'OBJECT', 'EMBED', 'NOSCRIPT', 'SVG', 'MATH']);

/**
 * Sanitised DocumentFragment of `html`. Headings are shifted down by `shift` levels so module
 * content sits under the page's own <h1>; with `links: false` (kiosk) links become plain text.
 * @param {string} html @param {number} [shift] @param {{links?: boolean}} [options]
 * @returns {DocumentFragment}
 */
export function sanitizeHtml(html, shift = 1, options = {}) {
  const links = options.links !== false;
  const doc = new DOMParser().parseFromString(`<body>${html}</body>`, 'text/html');
  const out = document.createDocumentFragment();
  for (const node of Array.from(doc.body.childNodes)) {
    const clean = cleanNode(node, shift, links);
    if (clean) out.append(clean);
  }
  return out;
}

/** @param {Node} node @param {number} shift @param {boolean} links @returns {Node | null} */
function cleanNode(node, shift, links) {
  if (node.nodeType === Node.TEXT_NODE) return document.createTextNode(node.textContent || '');
  if (node.nodeType !== Node.ELEMENT_NODE) return null;
  const el = /** @type {Element} */ (node);
  const tag = el.tagName.toUpperCase();
  if (DROP_WITH_CONTENT.has(tag)) return null;
  const children = Array.from(el.childNodes).map((c) => cleanNode(c, shift, links)).filter(Boolean);
  if (!ALLOWED.has(tag) || (tag === 'A' && !links)) {
    const frag = document.createDocumentFragment();
    frag.append(...children);
    return frag;
  }
  let name = tag.toLowerCase();
  const level = /^H([1-6])$/.exec(tag);
  if (level) name = `h${Math.min(6, Number(level[1]) + shift)}`;
  const copy = document.createElement(name);
  if (tag === 'A') {
    const href = el.getAttribute('href') || '';
    if (/^(https?:|mailto:)/i.test(href.trim())) {
      copy.setAttribute('href', href.trim());
      copy.setAttribute('rel', 'noopener noreferrer');
      copy.setAttribute('target', '_blank');
    }
    const title = el.getAttribute('title');
    if (title) copy.setAttribute('title', title);
  }
  if (tag === 'OL') {
    const start = el.getAttribute('start');
    if (start && /^\d{1,6}$/.test(start)) copy.setAttribute('start', start);
  }
  copy.append(...children);
  return copy;
}
