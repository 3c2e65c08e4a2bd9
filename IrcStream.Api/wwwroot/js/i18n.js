// The client's words: one table per language, js/lang/<code>.js (English is js/lang/en.js, always loaded, and the
// words of any key a table lacks). The language is the link's ?lang= if the gateway has it, else the first of the
// browser's languages it has, else English; dates and times follow it (Intl). docs/WEB-CLIENT.md, Languages.

import EN from './lang/en.js';

/**
 * A translator for one table: `(key, params)` gives the text of `key` (English where the table lacks it), `{name}`
 * replaced by `params.name`. A text that depends on a number is an object by plural category ({ one, other, ... })
 * and is picked by `params.count` under the plural rules of `language`. Pure: the model (state.js) is given one.
 */
export function translator(table, language) {
  const plurals = new Intl.PluralRules(language);
  return (key, params = {}) => {
    let text = table[key] ?? EN[key] ?? key;
    if (typeof text === 'object') text = text[plurals.select(Number(params.count ?? 0))] ?? text.other;
    return text.replace(/\{(\w+)\}/g, (whole, name) => (name in params ? String(params[name]) : whole));
  };
}

/** The English translator: the model's words when it is given none. */
export const english = translator(EN, 'en');

let language = 'en';
let current = english;

/** The text of `key` in the chosen language (see `translator`). */
export function t(key, params = {}) {
  return current(key, params);
}

/** The chosen language's code (for Intl and the page's `lang`). */
export function currentLanguage() {
  return language;
}

/**
 * The first of `wanted` (the link's ?lang=, then navigator.languages) that `available` has, by its whole code and
 * then by its language alone (`de-AT` is served by `de`); English when none is.
 */
export function pickLanguage(wanted, available) {
  const have = new Map(available.map((code) => [code.toLowerCase(), code]));
  for (const code of wanted.filter(Boolean)) {
    const lower = code.toLowerCase();
    const match = have.get(lower) ?? have.get(lower.split('-')[0]);
    if (match) return match;
  }
  return 'en';
}

/** Loads the table of `code` (from the gateway's js/lang/) and puts the page's own texts in that language. */
export async function useLanguage(code) {
  if (code !== 'en' && /^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$/.test(code)) {
    try {
      current = translator((await import(`./lang/${code}.js`)).default, code);
      language = code;
    } catch {
      current = english;
      language = 'en';
    }
  }
  document.documentElement.lang = language;
  translatePage(document);
}

/**
 * The page's own words (index.html): an element's text from `data-t`, and its `placeholder`, `aria-label` and
 * `title` from `data-t-placeholder`, `data-t-label` and `data-t-title`; the short word a phone shows instead
 * (`data-short`, drawn by the stylesheet) from `data-t-short`.
 */
export function translatePage(root) {
  for (const node of root.querySelectorAll('[data-t]')) node.textContent = t(node.dataset.t);
  for (const node of root.querySelectorAll('[data-t-placeholder]')) node.placeholder = t(node.dataset.tPlaceholder);
  for (const node of root.querySelectorAll('[data-t-label]')) node.setAttribute('aria-label', t(node.dataset.tLabel));
  for (const node of root.querySelectorAll('[data-t-title]')) node.title = t(node.dataset.tTitle);
  for (const node of root.querySelectorAll('[data-t-short]')) node.dataset.short = t(node.dataset.tShort);
}

/** A date and time format in the chosen language. */
export function dateFormat(options) {
  return new Intl.DateTimeFormat(language, options);
}

/** "today", "yesterday" in the chosen language, with a capital. */
export function relativeDay(daysAgo) {
  const words = new Intl.RelativeTimeFormat(language, { numeric: 'auto' }).format(-daysAgo, 'day');
  return words.charAt(0).toLocaleUpperCase(language) + words.slice(1);
}
