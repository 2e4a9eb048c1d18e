// Tiny DOM helpers: h() builds elements, nothing is ever parsed from strings except the
// server's (sanitised, then re-sanitised) education HTML in sanitize.js.

/**
 * h('button', {class: 'primary', onclick: fn, 'aria-describedby': 'x'}, 'text', child, [more])
 * Props: class, text, html is NOT supported on purpose; on<event> adds a listener; `dataset`
 * copies data-*; boolean true/false set/remove an attribute; null/undefined are skipped.
 * @param {string} tag
 * @param {Record<string, any> | null} [props]
 * @param {...any} children
 * @returns {HTMLElement}
 */
export function h(tag, props, ...children) {
  const svg = tag.startsWith('svg:');
  const el = svg
    ? document.createElementNS('http://www.w3.org/2000/svg', tag.slice(4))
    : document.createElement(tag);
  for (const [key, value] of Object.entries(props || {})) {
    if (value === null || value === undefined || value === false) continue;
    if (key.startsWith('on') && typeof value === 'function') {
      el.addEventListener(key.slice(2).toLowerCase(), value);
    } else if (key === 'dataset') {
      Object.assign(el.dataset, value);
    } else if (key === 'text') {
      el.textContent = String(value);
    } else if (key === 'value' && !svg) {
      el.value = value;
    } else if (key === 'checked' && !svg) {
      el.checked = Boolean(value);
    } else if (value === true) {
      el.setAttribute(key, '');
    } else {
      el.setAttribute(key, String(value));
    }
  }
  append(el, children);
  return el;
}

/** @param {Element} el @param {any[]} children */
export function append(el, children) {
  for (const child of children.flat(Infinity)) {
    if (child === null || child === undefined || child === false) continue;
    el.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return el;
}

/** Replace the children of `el`. @param {Element} el @param {...any} children */
export function replace(el, ...children) {
  el.replaceChildren();
  return append(el, children);
}

/** SVG element shorthand. @param {string} tag @param {Record<string, any>} [props] @param {...any} children */
export function s(tag, props, ...children) {
  return h('svg:' + tag, props, ...children);
}

let idCounter = 0;
/** A fresh element id. @param {string} prefix */
export function uid(prefix = 'id') {
  idCounter += 1;
  return `${prefix}-${idCounter}`;
}

/**
 * Move keyboard and screen-reader focus to an element (headings get tabindex=-1).
 * @param {HTMLElement | null} el
 */
export function focus(el) {
  if (!el) return;
  if (!el.hasAttribute('tabindex') && !/^(A|BUTTON|INPUT|SELECT|TEXTAREA)$/.test(el.tagName)) {
    el.setAttribute('tabindex', '-1');
  }
  el.focus({ preventScroll: false });
}

/** Query params of the page. */
export function params() {
  return new URLSearchParams(window.location.search);
}

/** Yield to the browser so a "working…" message paints before heavy work. */
export function nextFrame() {
  return new Promise((resolve) => requestAnimationFrame(() => setTimeout(resolve, 0)));
}
