import type { Express } from 'express';
import nunjucks from 'nunjucks';

const USD = new Intl.NumberFormat('en-US', { style: 'currency', currency: 'USD' });

/**
 * Renders `templates/*.html` with Nunjucks (Jinja/Twig syntax) through `res.render`. Autoescape is
 * on: every `{{ value }}` is HTML-escaped unless it is explicitly marked safe.
 */
export function useTemplates(app: Express, directory: string, { watch }: { watch: boolean }): void {
  const env = new nunjucks.Environment(new nunjucks.FileSystemLoader(directory, { noCache: watch }), {
    autoescape: true,
    throwOnUndefined: false,
  });
  // Amounts are exact decimals (159.98), computed in cents; this only formats them.
  env.addFilter('money', (amount: unknown) => (typeof amount === 'number' ? USD.format(amount) : ''));
  env.express(app);
  app.set('view engine', 'html');
}

/** Marks HTML built by the app (never user input) as safe to insert unescaped. */
export function safeHtml(html: string): nunjucks.runtime.SafeString {
  return new nunjucks.runtime.SafeString(html);
}
