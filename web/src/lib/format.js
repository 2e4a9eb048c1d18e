// Number, money, fraction and time formatting for both languages.
import { getLang } from './i18n.js';

const locale = () => (getLang() === 'ko' ? 'ko-KR' : 'en-GB');

/** Whole number with grouping. @param {number} n */
export function num(n) {
  return new Intl.NumberFormat(locale()).format(n);
}

/**
 * Money in a readable unit: 1,200,000,000 KRW → "12억 원" / "₩1.2 billion".
 * @param {number} amount @param {string} [currency]
 */
export function money(amount, currency = 'KRW') {
  const value = Number(amount);
  if (getLang() === 'ko' && currency === 'KRW') {
    const eok = value / 1e8;
    if (Math.abs(eok) >= 1) return `${new Intl.NumberFormat('ko-KR', { maximumFractionDigits: 2 }).format(eok)}억 원`;
    const man = value / 1e4;
    if (Math.abs(man) >= 1) return `${new Intl.NumberFormat('ko-KR', { maximumFractionDigits: 1 }).format(man)}만 원`;
    return `${num(value)}원`;
  }
  try {
    return new Intl.NumberFormat(locale(), {
      style: 'currency',
      currency,
      notation: Math.abs(value) >= 1e6 ? 'compact' : 'standard',
      compactDisplay: 'long',
      maximumFractionDigits: 2,
    }).format(value);
  } catch {
    return `${num(value)} ${currency}`;
  }
}

/** Full amount, e.g. for titles. */
export function moneyFull(amount, currency = 'KRW') {
  try {
    return new Intl.NumberFormat(locale(), { style: 'currency', currency, maximumFractionDigits: 0 }).format(amount);
  } catch {
    return `${num(amount)} ${currency}`;
  }
}

/** "n/d" exact rational text → number. @param {string | number} text */
export function fraction(text) {
  if (typeof text === 'number') return text;
  const [n, d] = String(text).split('/');
  const den = d === undefined ? 1 : Number(d);
  return den === 0 ? 0 : Number(n) / den;
}

/** 0.1234 → "12.3%". @param {number} x */
export function percent(x, digits = 1) {
  return new Intl.NumberFormat(locale(), { style: 'percent', maximumFractionDigits: digits, minimumFractionDigits: 0 }).format(x);
}

/** ISO time → local date and time. @param {string} iso */
export function dateTime(iso) {
  if (!iso) return '';
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  return new Intl.DateTimeFormat(locale(), { dateStyle: 'medium', timeStyle: 'short' }).format(d);
}
