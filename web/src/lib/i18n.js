// Korean (default) and English. `t(key, vars)` looks a message up in the current language;
// `{name}` placeholders are filled from vars; a message may also be a function of vars.
import { messages } from './messages.js';

export const LANGS = ['ko', 'en'];
let current = 'ko';
const listeners = new Set();

export function getLang() {
  return current;
}

/** @param {string} lang */
export function setLang(lang) {
  const next = LANGS.includes(lang) ? lang : 'ko';
  current = next;
  document.documentElement.lang = next;
  for (const fn of listeners) fn(next);
}

/** @param {(lang: string) => void} fn */
export function onLangChange(fn) {
  listeners.add(fn);
  return () => listeners.delete(fn);
}

/**
 * @param {string} key
 * @param {Record<string, any>} [vars]
 * @param {string | null} [fallback] returned when the key is unknown (default: the key itself)
 */
export function t(key, vars = {}, fallback) {
  const table = messages[current];
  let msg = table[key];
  if (msg === undefined) msg = messages.ko[key];
  if (msg === undefined) return fallback === undefined ? key : fallback;
  if (typeof msg === 'function') return msg(vars || {});
  return msg.replace(/\{(\w+)\}/g, (m, name) => (vars && vars[name] !== undefined ? String(vars[name]) : m));
}

/** A {ko, en} text from the manifest in the current language. @param {any} value */
export function loc(value) {
  if (value === null || value === undefined) return '';
  if (typeof value === 'string') return value;
  return value[current] || value.ko || value.en || Object.values(value)[0] || '';
}

/** Language from ?lang= (default Korean). */
export function initialLang() {
  const q = new URLSearchParams(window.location.search).get('lang');
  return LANGS.includes(q) ? q : 'ko';
}
