// Every text exists in Korean and English with the same placeholders.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { messages } from '../../src/lib/messages.js';

const placeholders = (value) => (typeof value === 'string' ? [...value.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort() : null);

test('Korean and English have the same keys', () => {
  const ko = Object.keys(messages.ko).sort();
  const en = Object.keys(messages.en).sort();
  assert.deepEqual(ko.filter((k) => !messages.en[k]), [], 'missing in English');
  assert.deepEqual(en.filter((k) => !messages.ko[k]), [], 'missing in Korean');
});

test('placeholders agree between the languages', () => {
  for (const key of Object.keys(messages.ko)) {
    const a = placeholders(messages.ko[key]);
    const b = placeholders(messages.en[key]);
    if (a && b) assert.deepEqual(a, b, key);
  }
});

test('function messages render in both languages', () => {
  const vars = { count: 2, max: 5, min: 1, left: 1, seconds: 3, n: 1, points: 2, title: 'T', message: '0 of the 3 needed', ballots: 0, total: 'x', budget: 'y', extra: 1, over: 'z', minRank: 1, maxRank: 3, got: 20, retry_after: 4, remaining_seconds: 5 };
  for (const lang of ['ko', 'en']) {
    for (const [key, value] of Object.entries(messages[lang])) {
      if (typeof value === 'function') {
        const text = value(vars);
        assert.equal(typeof text, 'string', `${lang} ${key}`);
        assert.ok(!text.includes('undefined'), `${lang} ${key}: ${text}`);
      }
    }
  }
});

test('source files only use keys that exist', async () => {
  const { readdir, readFile } = await import('node:fs/promises');
  const { join } = await import('node:path');
  const root = new URL('../../src/', import.meta.url).pathname;
  const files = [];
  const walk = async (dir) => {
    for (const entry of await readdir(dir, { withFileTypes: true })) {
      if (entry.isDirectory() && entry.name !== 'crypto') await walk(join(dir, entry.name));
      else if (entry.name.endsWith('.js')) files.push(join(dir, entry.name));
    }
  };
  await walk(root);
  const missing = [];
  for (const file of files) {
    const text = await readFile(file, 'utf8');
    for (const m of text.matchAll(/\bt\(\s*'([a-zA-Z0-9_.]+)'/g)) {
      if (!(m[1] in messages.ko)) missing.push(`${file}: ${m[1]}`);
    }
  }
  assert.deepEqual(missing, []);
});
