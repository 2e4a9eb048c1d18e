// Canonical encodings (docs/protocol.md §1; voting_engine/core/encoding.py):
// unpadded base64url (RFC 4648 §5) with strict decoding, canonical JSON equal byte for byte to
// Python's json.dumps(v, sort_keys=True, separators=(",", ":"), ensure_ascii=False), an exact JSON
// parser (integers beyond 2^53 become BigInt, float syntax is kept so that canonical JSON can
// refuse it), and small byte helpers.

import { EncodingError } from './errors.js';

const B64_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
/** @type {Int16Array} */
const B64_VALUE = new Int16Array(128).fill(-1);
for (let i = 0; i < B64_ALPHABET.length; i++) B64_VALUE[B64_ALPHABET.charCodeAt(i)] = i;

const utf8Encoder = new TextEncoder();
const utf8Decoder = new TextDecoder('utf-8', { fatal: true });
const LONE_SURROGATE = /\p{Surrogate}/u;

// ---------------------------------------------------------------------------------------------
// Bytes

/**
 * UTF-8 bytes of a string; a string with a lone surrogate is refused (Python cannot encode it).
 * @param {string} text
 * @returns {Uint8Array}
 */
export function utf8(text) {
  if (typeof text !== 'string') throw new TypeError('expected a string');
  if (LONE_SURROGATE.test(text)) throw new EncodingError('lone_surrogate', 'text contains a lone UTF-16 surrogate');
  return utf8Encoder.encode(text);
}

/**
 * Decode UTF-8 bytes (strict).
 * @param {Uint8Array} bytes
 * @returns {string}
 */
export function utf8Decode(bytes) {
  return utf8Decoder.decode(bytes);
}

/**
 * @param {...Uint8Array} parts
 * @returns {Uint8Array}
 */
export function concatBytes(...parts) {
  let size = 0;
  for (const p of parts) size += p.length;
  const out = new Uint8Array(size);
  let offset = 0;
  for (const p of parts) {
    out.set(p, offset);
    offset += p.length;
  }
  return out;
}

/**
 * Constant-length comparison of two byte arrays (not secret-dependent timing-safe for lengths).
 * @param {Uint8Array} a
 * @param {Uint8Array} b
 * @returns {boolean}
 */
export function bytesEqual(a, b) {
  if (!(a instanceof Uint8Array) || !(b instanceof Uint8Array) || a.length !== b.length) return false;
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= a[i] ^ b[i];
  return diff === 0;
}

/**
 * @param {Uint8Array} bytes
 * @returns {string} lowercase hex
 */
export function toHex(bytes) {
  let out = '';
  for (const b of bytes) out += b.toString(16).padStart(2, '0');
  return out;
}

/**
 * @param {string} hex
 * @returns {Uint8Array}
 */
export function fromHex(hex) {
  if (typeof hex !== 'string' || hex.length % 2 !== 0 || !/^[0-9a-fA-F]*$/.test(hex)) {
    throw new EncodingError('bad_hex', 'invalid hex text');
  }
  const out = new Uint8Array(hex.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = parseInt(hex.slice(2 * i, 2 * i + 2), 16);
  return out;
}

// ---------------------------------------------------------------------------------------------
// Base64url (RFC 4648 §5), unpadded

/**
 * Unpadded base64url text of `bytes`.
 * @param {Uint8Array} bytes
 * @returns {string}
 */
export function b64encode(bytes) {
  if (!(bytes instanceof Uint8Array)) throw new TypeError('b64encode expects a Uint8Array');
  let out = '';
  let i = 0;
  for (; i + 3 <= bytes.length; i += 3) {
    const n = (bytes[i] << 16) | (bytes[i + 1] << 8) | bytes[i + 2];
    out += B64_ALPHABET[n >> 18] + B64_ALPHABET[(n >> 12) & 63] + B64_ALPHABET[(n >> 6) & 63] + B64_ALPHABET[n & 63];
  }
  const rest = bytes.length - i;
  if (rest === 1) {
    const n = bytes[i] << 16;
    out += B64_ALPHABET[n >> 18] + B64_ALPHABET[(n >> 12) & 63];
  } else if (rest === 2) {
    const n = (bytes[i] << 16) | (bytes[i + 1] << 8);
    out += B64_ALPHABET[n >> 18] + B64_ALPHABET[(n >> 12) & 63] + B64_ALPHABET[(n >> 6) & 63];
  }
  return out;
}

/**
 * Strict decoding of unpadded base64url (Python `b64decode`): refuses padding, `+`, `/`, any
 * character outside the alphabet (including white space), an impossible length and non-zero
 * trailing bits; with `length`, also any other byte count.
 * @param {string} text
 * @param {number} [length]
 * @returns {Uint8Array}
 */
export function b64decode(text, length) {
  if (typeof text !== 'string') throw new EncodingError('bad_base64', `expected a base64url string, got ${typeof text}`);
  if (text.length % 4 === 1) throw new EncodingError('bad_base64', 'invalid base64url text: impossible length');
  const out = new Uint8Array(Math.floor((text.length * 3) / 4));
  let bits = 0;
  let nbits = 0;
  let o = 0;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    const v = code < 128 ? B64_VALUE[code] : -1;
    if (v < 0) {
      throw new EncodingError('bad_base64', 'base64url text must be unpadded and use the URL-safe alphabet');
    }
    bits = (bits << 6) | v;
    nbits += 6;
    if (nbits >= 8) {
      nbits -= 8;
      out[o++] = (bits >> nbits) & 0xff;
      bits &= (1 << nbits) - 1;
    }
  }
  if (bits !== 0) throw new EncodingError('bad_base64', 'non-canonical base64url text');
  if (length !== undefined && out.length !== length) {
    throw new EncodingError('bad_length', `expected ${length} bytes, got ${out.length}`);
  }
  return out;
}

/**
 * Bytes from a Uint8Array or from base64url text, optionally of an exact length.
 * @param {Uint8Array | string} value
 * @param {number} [length]
 * @param {string} [what]
 * @returns {Uint8Array}
 */
export function asBytes(value, length, what = 'value') {
  const bytes = typeof value === 'string' ? b64decode(value) : value;
  if (!(bytes instanceof Uint8Array)) throw new EncodingError('bad_type', `${what} must be bytes or base64url text`);
  if (length !== undefined && bytes.length !== length) {
    throw new EncodingError('bad_length', `${what} must be ${length} bytes, got ${bytes.length}`);
  }
  return bytes;
}

// ---------------------------------------------------------------------------------------------
// Canonical JSON

/** A JSON number written with a fraction or exponent, kept by `parseJson` so it can be refused. */
export class JsonFloat {
  /** @param {string} text */
  constructor(text) {
    this.text = text;
    this.value = Number(text);
  }
}

/**
 * Order of two well-formed strings by Unicode code point (Python's str order), not UTF-16 unit.
 * @param {string} a
 * @param {string} b
 * @returns {number}
 */
export function compareCodePoints(a, b) {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const x = a.charCodeAt(i);
    const y = b.charCodeAt(i);
    if (x !== y) {
      const xs = x >= 0xd800 && x <= 0xdfff;
      const ys = y >= 0xd800 && y <= 0xdfff;
      // a surrogate starts a code point ≥ U+10000, above every other BMP unit
      if (xs !== ys) return xs ? 1 : -1;
      return x - y;
    }
  }
  return a.length - b.length;
}

/** @param {string} c */
function escapeChar(c) {
  switch (c) {
    case '"':
      return '\\"';
    case '\\':
      return '\\\\';
    case '\n':
      return '\\n';
    case '\r':
      return '\\r';
    case '\t':
      return '\\t';
    case '\b':
      return '\\b';
    case '\f':
      return '\\f';
    default:
      return '\\u' + c.charCodeAt(0).toString(16).padStart(4, '0');
  }
}

/**
 * A JSON string literal as Python writes it with ensure_ascii=False: only `"`, `\` and the
 * controls U+0000–U+001F are escaped (\n \r \t \b \f, others \u00xx in lowercase hex).
 * @param {string} text
 * @returns {string}
 */
function quote(text) {
  if (LONE_SURROGATE.test(text)) {
    throw new EncodingError('lone_surrogate', 'canonical JSON text cannot contain a lone UTF-16 surrogate');
  }
  // eslint-disable-next-line no-control-regex
  return '"' + text.replace(/[\u0000-\u001f"\\]/g, escapeChar) + '"';
}

/** @param {unknown} value */
function isPlainObject(value) {
  if (value === null || typeof value !== 'object') return false;
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

/**
 * @param {unknown} value
 * @param {string[]} out
 */
function writeCanonical(value, out) {
  if (value === null) {
    out.push('null');
  } else if (value === true) {
    out.push('true');
  } else if (value === false) {
    out.push('false');
  } else if (typeof value === 'number') {
    if (!Number.isSafeInteger(value)) {
      throw new EncodingError(
        'float',
        'floats are not allowed in canonical JSON; use integers (BigInt above 2^53) or strings',
      );
    }
    out.push(String(value === 0 ? 0 : value));
  } else if (typeof value === 'bigint') {
    out.push(value.toString());
  } else if (typeof value === 'string') {
    out.push(quote(value));
  } else if (Array.isArray(value)) {
    out.push('[');
    for (let i = 0; i < value.length; i++) {
      if (i) out.push(',');
      writeCanonical(value[i], out);
    }
    out.push(']');
  } else if (value instanceof JsonFloat) {
    throw new EncodingError('float', 'floats are not allowed in canonical JSON; use integers or strings');
  } else if (isPlainObject(value)) {
    const obj = /** @type {Record<string, unknown>} */ (value);
    const keys = Object.keys(obj);
    for (const k of keys) {
      if (LONE_SURROGATE.test(k)) throw new EncodingError('lone_surrogate', 'a key contains a lone surrogate');
    }
    keys.sort(compareCodePoints);
    out.push('{');
    keys.forEach((k, i) => {
      if (i) out.push(',');
      out.push(quote(k), ':');
      const item = obj[k];
      if (item === undefined) throw new EncodingError('schema', `canonical JSON: key ${JSON.stringify(k)} is undefined`);
      writeCanonical(item, out);
    });
    out.push('}');
  } else {
    throw new EncodingError('schema', `canonical JSON cannot encode a ${typeof value}`);
  }
}

/**
 * The canonical JSON text of a value (docs/protocol.md §1): sorted keys by code point, no
 * whitespace, integers only (Number up to 2^53 − 1 or BigInt), non-ASCII as itself.  Equal to
 * Python's `json.dumps(v, sort_keys=True, separators=(",", ":"), ensure_ascii=False)`.
 * @param {unknown} value
 * @returns {string}
 */
export function canonicalJson(value) {
  /** @type {string[]} */
  const out = [];
  writeCanonical(value, out);
  return out.join('');
}

/**
 * UTF-8 bytes of `canonicalJson(value)` (Python `canonical_json`).
 * @param {unknown} value
 * @returns {Uint8Array}
 */
export function canonicalJsonBytes(value) {
  return utf8Encoder.encode(canonicalJson(value));
}

// ---------------------------------------------------------------------------------------------
// Exact JSON parser

/**
 * Parse JSON text exactly: integers outside ±(2^53 − 1) become BigInt, numbers with a fraction
 * or exponent become `JsonFloat` (refused by `canonicalJson`), `__proto__` keys stay data.
 * @param {string} text
 * @returns {any}
 */
export function parseJson(text) {
  let i = 0;
  const fail = (/** @type {string} */ why) => {
    throw new EncodingError('bad_json', `invalid JSON at offset ${i}: ${why}`);
  };
  const ws = () => {
    while (i < text.length) {
      const c = text.charCodeAt(i);
      if (c === 0x20 || c === 0x09 || c === 0x0a || c === 0x0d) i++;
      else break;
    }
  };
  const literal = (/** @type {string} */ word, /** @type {any} */ value) => {
    if (text.startsWith(word, i)) {
      i += word.length;
      return value;
    }
    return fail('unexpected token');
  };
  const parseString = () => {
    i++; // opening quote
    let out = '';
    let start = i;
    while (true) {
      if (i >= text.length) fail('unterminated string');
      const c = text.charCodeAt(i);
      if (c === 0x22) {
        out += text.slice(start, i);
        i++;
        return out;
      }
      if (c < 0x20) fail('control character in string');
      if (c === 0x5c) {
        out += text.slice(start, i);
        const e = text[i + 1];
        i += 2;
        switch (e) {
          case '"':
            out += '"';
            break;
          case '\\':
            out += '\\';
            break;
          case '/':
            out += '/';
            break;
          case 'b':
            out += '\b';
            break;
          case 'f':
            out += '\f';
            break;
          case 'n':
            out += '\n';
            break;
          case 'r':
            out += '\r';
            break;
          case 't':
            out += '\t';
            break;
          case 'u': {
            const hex = text.slice(i, i + 4);
            if (!/^[0-9a-fA-F]{4}$/.test(hex)) fail('bad \\u escape');
            out += String.fromCharCode(parseInt(hex, 16));
            i += 4;
            break;
          }
          default:
            fail('bad escape');
        }
        start = i;
      } else {
        i++;
      }
    }
  };
  const NUMBER = /-?(?:0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?/y;
  const parseNumber = () => {
    NUMBER.lastIndex = i;
    const m = NUMBER.exec(text);
    if (!m) return fail('bad number');
    i = NUMBER.lastIndex;
    const token = m[0];
    if (m[1] !== undefined || m[2] !== undefined) return new JsonFloat(token);
    const n = Number(token);
    return Number.isSafeInteger(n) ? n : BigInt(token);
  };
  /** @returns {any} */
  const parseValue = () => {
    ws();
    if (i >= text.length) fail('unexpected end');
    const c = text[i];
    if (c === '{') {
      i++;
      /** @type {Record<string, any>} */
      const obj = {};
      ws();
      if (text[i] === '}') {
        i++;
        return obj;
      }
      while (true) {
        ws();
        if (text[i] !== '"') fail('expected a key');
        const key = parseString();
        ws();
        if (text[i] !== ':') fail("expected ':'");
        i++;
        const value = parseValue();
        Object.defineProperty(obj, key, { value, enumerable: true, writable: true, configurable: true });
        ws();
        if (text[i] === ',') {
          i++;
          continue;
        }
        if (text[i] === '}') {
          i++;
          return obj;
        }
        fail("expected ',' or '}'");
      }
    }
    if (c === '[') {
      i++;
      /** @type {any[]} */
      const arr = [];
      ws();
      if (text[i] === ']') {
        i++;
        return arr;
      }
      while (true) {
        arr.push(parseValue());
        ws();
        if (text[i] === ',') {
          i++;
          continue;
        }
        if (text[i] === ']') {
          i++;
          return arr;
        }
        fail("expected ',' or ']'");
      }
    }
    if (c === '"') return parseString();
    if (c === 't') return literal('true', true);
    if (c === 'f') return literal('false', false);
    if (c === 'n') return literal('null', null);
    return parseNumber();
  };
  if (typeof text !== 'string') throw new EncodingError('bad_json', 'JSON text must be a string');
  const value = parseValue();
  ws();
  if (i !== text.length) fail('trailing characters');
  return value;
}
