// The engine's HTTP API (/api/v1). Tokens are passed in per call and live only in memory.
import { t } from './i18n.js';

export const API = '/api/v1';

export class ApiError extends Error {
  /** @param {number} status @param {Record<string, any>} body */
  constructor(status, body) {
    super(`${status} ${body.error}: ${body.message}`);
    this.status = status;
    this.code = String(body.error || 'http_error');
    this.body = body;
  }
}

/**
 * @param {string} method
 * @param {string} path  under /api/v1
 * @param {{body?: any, text?: string, token?: string | null, raw?: boolean}} [options]
 */
export async function api(method, path, options = {}) {
  const headers = { Accept: 'application/json' };
  if (options.token) headers.Authorization = `Bearer ${options.token}`;
  let body;
  if (options.body !== undefined) {
    headers['Content-Type'] = 'application/json';
    body = JSON.stringify(options.body);
  } else if (options.text !== undefined) {
    headers['Content-Type'] = 'text/plain; charset=utf-8';
    body = options.text;
  }
  let response;
  try {
    response = await fetch(API + path, {
      method,
      headers,
      body,
      credentials: 'omit',
      cache: 'no-store',
    });
  } catch (exc) {
    throw new ApiError(0, { error: 'network', message: String(exc && exc.message ? exc.message : exc) });
  }
  const text = await response.text();
  if (!response.ok) {
    let parsed;
    try {
      parsed = JSON.parse(text);
    } catch {
      parsed = { error: 'http_error', message: text.slice(0, 200) || response.statusText };
    }
    throw new ApiError(response.status, parsed);
  }
  if (options.raw) return text;
  return text ? JSON.parse(text) : null;
}

export const get = (path, options) => api('GET', path, options);
export const post = (path, body, options = {}) => api('POST', path, { ...options, body });

/**
 * A plain-language message for an API error (translated when the code is known), with the
 * server's own message kept for anything specific.
 * @param {any} err
 */
export function errorText(err) {
  if (!err) return '';
  const code = err.code || (err.body && err.body.error);
  const known = code ? t(`error.${code}`, err.body || {}, null) : null;
  if (known) return known;
  if (err instanceof ApiError) return t('error.generic', { message: err.body.message || err.message });
  return t('error.generic', { message: err.message || String(err) });
}
