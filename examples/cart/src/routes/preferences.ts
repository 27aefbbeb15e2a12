import { type CookieOptions, type Request, Router } from 'express';
import { HttpError } from '../http/http-error.js';
import { wantsHtml } from '../http/negotiate.js';
import { renderPage } from '../views/render-page.js';

export const THEMES = ['light', 'dark'] as const;
/** The languages the preferences page offers (any language tag is accepted through the API). */
const LANGUAGES = [
  { tag: 'en', name: 'English' },
  { tag: 'fr', name: 'Français' },
  { tag: 'de', name: 'Deutsch' },
  { tag: 'pt-BR', name: 'Português (Brasil)' },
  { tag: 'af', name: 'Afrikaans' },
] as const;
/** A language tag such as `en` or `pt-BR`. */
const LANGUAGE = /^[a-z]{2,3}(-[A-Z]{2})?$/;
const ONE_YEAR_MS = 365 * 24 * 60 * 60 * 1000;
/** The chapter's options for preference cookies: a year, the whole site, sent on top-level navigation. */
const PREFERENCE_COOKIE: CookieOptions = { maxAge: ONE_YEAR_MS, path: '/', sameSite: 'lax' };

/**
 * Preferences, both ways the chapter shows: in the session (`/api/preferences`, gone when the
 * session ends) and in plain cookies (`/preferences`, `/clear-preferences`, kept for a year and
 * readable by the browser). Values are checked so that neither store receives arbitrary text.
 *
 * `GET /preferences` is the page for the cookie preferences (theme and language, linked from
 * the header). Its forms are answered with a 303 back to it; JSON clients get JSON, as before.
 * Neither way writes a session: preferences are cookies, and the "saved" note is in the URL.
 */
export function preferencesRoutes(): Router {
  const router = Router();

  router.get('/api/preferences', (req, res) => {
    res.json({
      language: req.session.get('language', 'en'),
      theme: req.session.get('theme', 'light'),
      items_per_page: req.session.get('items_per_page', 20),
    });
  });

  router.post('/api/preferences', (req, res) => {
    const body = bodyOf(req.body);
    const language = readLanguage(body.language);
    const theme = readTheme(body.theme);
    const itemsPerPage = readItemsPerPage(body.items_per_page);
    req.session.set('language', language);
    req.session.set('theme', theme);
    req.session.set('items_per_page', itemsPerPage);
    res.json({
      message: 'Preferences saved',
      preferences: {
        language: req.session.get('language'),
        theme: req.session.get('theme'),
        items_per_page: req.session.get('items_per_page'),
      },
    });
  });

  router.get('/preferences', (req, res) => {
    const theme = currentTheme(req);
    const language = typeof req.cookies.language === 'string' ? req.cookies.language : 'en';
    const notes: Record<string, string> = { '1': 'Preferences saved', cleared: 'Preferences cleared' };
    const note = typeof req.query.saved === 'string' ? notes[req.query.saved] : undefined;
    renderPage(req, res, 'preferences.html', {
      themes: THEMES,
      languages: LANGUAGES.some((option) => option.tag === language)
        ? LANGUAGES
        : [...LANGUAGES, { tag: language, name: language }],
      selected_theme: theme,
      selected_language: language,
      ...(note && { flash_message: note, flash_type: 'success' }),
    });
  });

  router.post('/preferences', (req, res) => {
    const body = bodyOf(req.body);
    res
      .cookie('theme', readTheme(body.theme), PREFERENCE_COOKIE)
      .cookie('language', readLanguage(body.language), PREFERENCE_COOKIE);
    if (wantsHtml(req)) res.redirect(303, '/preferences?saved=1');
    else res.json({ message: 'Preferences saved' });
  });

  router.post('/clear-preferences', (req, res) => {
    res.cookie('theme', '', { maxAge: 0, path: '/' }).cookie('language', '', { maxAge: 0, path: '/' });
    if (wantsHtml(req)) res.redirect(303, '/preferences?saved=cleared');
    else res.json({ message: 'Preferences cleared' });
  });

  return router;
}

/** The theme of the preference cookie, `light` unless it names one of {@link THEMES}. */
export function currentTheme(req: Pick<Request, 'cookies'>): (typeof THEMES)[number] {
  const theme = req.cookies?.theme;
  return THEMES.find((known) => known === theme) ?? 'light';
}

function bodyOf(body: unknown): Record<string, unknown> {
  if (body === undefined) return {};
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw new HttpError(400, 'The request body must be a JSON object or a form.');
  }
  return body as Record<string, unknown>;
}

function readTheme(value: unknown): string {
  if (value === undefined) return 'light';
  if (typeof value === 'string' && (THEMES as readonly string[]).includes(value)) return value;
  throw new HttpError(400, `theme must be one of: ${THEMES.join(', ')}.`);
}

function readLanguage(value: unknown): string {
  if (value === undefined) return 'en';
  if (typeof value === 'string' && LANGUAGE.test(value)) return value;
  throw new HttpError(400, 'language must be a language tag such as "en" or "pt-BR".');
}

function readItemsPerPage(value: unknown): number {
  if (value === undefined) return 20;
  const number = typeof value === 'string' && /^\d{1,3}$/.test(value) ? Number(value) : value;
  if (typeof number === 'number' && Number.isInteger(number) && number >= 1 && number <= 100) return number;
  throw new HttpError(400, 'items_per_page must be a whole number from 1 to 100.');
}
