// The page frame shared by all pages: skip link, banner with the language switch, the main
// landmark, a footer and two live regions (polite status, assertive alerts).
import { h, replace } from './dom.js';
import { getLang, initialLang, onLangChange, setLang, t } from './i18n.js';

/**
 * @param {{titleKey: string, nav?: () => any[], onLang?: () => void, kiosk?: boolean}} options
 */
export function createShell(options) {
  setLang(initialLang());
  const app = document.getElementById('app') || document.body;
  const status = h('div', { class: 'sr-only', role: 'status', 'aria-live': 'polite', 'aria-atomic': 'true', id: 'live-status' });
  const alert = h('div', { class: 'sr-only', role: 'alert', 'aria-atomic': 'true', id: 'live-alert' });
  const skip = h('a', { class: 'skip-link', href: '#main' });
  const brand = h('span', { class: 'brand' });
  const navEl = h('nav', { class: 'top-nav' });
  const langNav = h('div', { class: 'lang-switch', role: 'group' });
  const header = h('header', { class: 'site-header' }, h('div', { class: 'header-inner' }, brand, navEl, langNav));
  const main = h('main', { id: 'main', class: 'site-main', tabindex: '-1' });
  const footer = h('footer', { class: 'site-footer' });
  replace(app, skip, header, main, footer, status, alert);
  if (options.kiosk) {
    document.body.classList.add('kiosk');
    document.documentElement.classList.add('kiosk');
  }

  function renderChrome() {
    skip.textContent = t('shell.skip');
    brand.textContent = t('shell.brand');
    document.title = `${t(options.titleKey)} · ${t('shell.brand')}`;
    navEl.setAttribute('aria-label', t('shell.nav'));
    replace(navEl, options.nav ? options.nav() : []);
    langNav.setAttribute('aria-label', t('shell.language'));
    replace(
      langNav,
      ['ko', 'en'].map((code) =>
        h(
          'button',
          {
            type: 'button',
            class: 'lang-button',
            lang: code,
            'aria-pressed': String(getLang() === code),
            onclick: () => {
              if (getLang() !== code) setLang(code);
              const again = langNav.querySelector(`button[lang="${code}"]`);
              if (again) again.focus();
            },
          },
          code === 'ko' ? '한국어' : 'English',
        ),
      ),
    );
    replace(footer, h('p', {}, t('shell.footer')));
  }
  renderChrome();
  onLangChange(() => {
    renderChrome();
    if (options.onLang) options.onLang();
    announce(t('shell.languageChanged'));
  });

  /** Polite announcement for screen readers. @param {string} text */
  function announce(text) {
    status.textContent = '';
    setTimeout(() => {
      status.textContent = text;
    }, 30);
  }
  /** Assertive announcement. @param {string} text */
  function shout(text) {
    alert.textContent = '';
    setTimeout(() => {
      alert.textContent = text;
    }, 30);
  }
  return { main, header, announce, shout, renderChrome };
}
