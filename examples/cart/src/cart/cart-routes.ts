import { type Request, type Response, Router } from 'express';
import { HttpError } from '../http/http-error.js';
import { wantsHtml } from '../http/negotiate.js';
import { findProduct, PRODUCTS } from '../products.js';
import { renderPage } from '../views/render-page.js';
import { Cart, MAX_QUANTITY } from './cart.js';
import { assertQuantityInRange, readCartInput } from './cart-input.js';
import { itemsLostWithSession } from './expired-session.js';
import { centsToAmount } from './money.js';

/** What a cart change did, for the JSON answer and the flash message. */
interface CartChange {
  readonly status: 200 | 201;
  readonly message: string;
  readonly type: 'success' | 'info' | 'warning';
}

/** Said after a form post from a page whose session has expired since, when nothing was left to do. */
const NOTHING_LEFT_TO_REMOVE =
  'Your session had expired, so your cart was emptied: there was nothing left to remove.';

/** A change that had to start a new cart because the page's session had expired. */
function addedToNewCart(itemsLost: number, quantity: number, name: string): CartChange {
  const lead =
    itemsLost > 0 ? 'Your session had expired, so your cart was emptied.' : 'Your session had expired.';
  return { status: 201, message: `${lead} We added ${quantity} × ${name} to a new cart.`, type: 'warning' };
}

/**
 * The chapter's shopping cart: `GET /cart` (page), `GET /cart/api` (JSON) and the changes
 * `POST /cart/add|update|remove|clear`. Each change validates the whole request before it touches
 * the cart, stores the new cart in one `set`, and leaves a flash message for the page. Form posts
 * are redirected back to the page (303); JSON clients get the message and the new cart.
 *
 * A form posted from a page whose session has expired since (the shopper came back after an idle
 * hour) still does what the click meant, on a new cart, and the flash says that the old cart is
 * gone: "Add" and "Update" put the product in the new cart, "Remove" and "Clear" had nothing
 * left to do.
 */
export function cartRoutes(): Router {
  const router = Router();

  router.get('/cart', (req, res) => {
    const summary = Cart.of(req.session).summary();
    renderPage(req, res, 'cart.html', {
      ...summary,
      lines: summary.cart.map((line) => ({ ...line, image: findProduct(line.product_id)?.image })),
      products: PRODUCTS.map((product) => ({ ...product, price: centsToAmount(product.priceCents) })),
      max_quantity: MAX_QUANTITY,
    });
  });

  router.get('/cart/api', (req, res) => {
    res.json(Cart.of(req.session).summary());
  });

  router.post(
    '/cart/add',
    cartChange((req, res) => {
      const { productId, quantity = 1 } = readCartInput(req.body, { quantityRequired: false });
      const product = findProduct(productId);
      if (!product) throw new HttpError(404, 'Product not found');
      assertQuantityInRange(quantity, 1);
      const cart = Cart.of(req.session);
      const had = cart.quantityOf(product.id);
      const itemsLost = itemsLostWithSession(req, res);
      if (had + quantity > MAX_QUANTITY) {
        throw new HttpError(
          400,
          `You can have at most ${MAX_QUANTITY} of ${product.name} in your cart (you have ${had}).`,
        );
      }
      cart.withQuantity(product, had + quantity).saveTo(req.session);
      if (itemsLost !== undefined) return addedToNewCart(itemsLost, quantity, product.name);
      return had === 0
        ? { status: 201, message: `Added ${product.name} to cart`, type: 'success' }
        : { status: 200, message: `Updated ${product.name} quantity to ${had + quantity}`, type: 'success' };
    }),
  );

  router.post(
    '/cart/update',
    cartChange((req, res) => {
      const { productId, quantity } = readCartInput(req.body, { quantityRequired: true });
      const cart = Cart.of(req.session);
      const product = findProduct(productId);
      const itemsLost = itemsLostWithSession(req, res);
      if (product && itemsLost !== undefined && !cart.has(productId)) {
        // The line was in the cart that expired: setting its quantity means having that many.
        if (quantity < 1) return { status: 200, message: NOTHING_LEFT_TO_REMOVE, type: 'warning' };
        assertQuantityInRange(quantity, 1);
        cart.withQuantity(product, quantity).saveTo(req.session);
        return addedToNewCart(itemsLost, quantity, product.name);
      }
      if (!product || !cart.has(productId)) throw new HttpError(404, 'Product not in cart');
      // The chapter's rule: setting a quantity below 1 removes the line.
      if (quantity < 1) {
        cart.without(productId).saveTo(req.session);
        return { status: 200, message: `Removed ${product.name} from cart`, type: 'success' };
      }
      assertQuantityInRange(quantity, 1);
      cart.withQuantity(product, quantity).saveTo(req.session);
      return { status: 200, message: `Updated ${product.name} quantity to ${quantity}`, type: 'success' };
    }),
  );

  router.post(
    '/cart/remove',
    cartChange((req, res) => {
      const { productId } = readCartInput(req.body, { quantityRequired: false });
      const cart = Cart.of(req.session);
      const product = findProduct(productId);
      if (product && !cart.has(productId) && itemsLostWithSession(req, res) !== undefined) {
        return { status: 200, message: NOTHING_LEFT_TO_REMOVE, type: 'warning' };
      }
      if (!product || !cart.has(productId)) throw new HttpError(404, 'Product not in cart');
      cart.without(productId).saveTo(req.session);
      return { status: 200, message: `Removed ${product.name} from cart`, type: 'success' };
    }),
  );

  router.post(
    '/cart/clear',
    cartChange((req, res) => {
      const expired =
        itemsLostWithSession(req, res) !== undefined && Cart.of(req.session).summary().item_count === 0;
      Cart.empty().saveTo(req.session);
      if (expired) {
        return {
          status: 200,
          message: 'Your session had expired, so your cart was already empty.',
          type: 'warning',
        };
      }
      return { status: 200, message: 'Cart cleared', type: 'info' };
    }),
  );

  return router;
}

/**
 * Runs a cart change and answers it: a flash message and a 303 back to the page for forms, the
 * message and the new cart as JSON otherwise. A refused change (HttpError) leaves the cart as it
 * was; forms see the reason as a flash, JSON clients as `{"error": ...}` with its status.
 */
function cartChange(change: (req: Request, res: Response) => CartChange) {
  return (req: Request, res: Response, next: (error?: unknown) => void): void => {
    const html = wantsHtml(req);
    let outcome: CartChange;
    try {
      outcome = change(req, res);
    } catch (error) {
      if (html && error instanceof HttpError) {
        req.session.flash('message', error.message);
        req.session.flash('message_type', 'error');
        res.redirect(303, '/cart');
      } else {
        next(error);
      }
      return;
    }
    req.session.flash('message', outcome.message);
    req.session.flash('message_type', outcome.type);
    if (html) res.redirect(303, '/cart');
    else res.status(outcome.status).json({ message: outcome.message, ...Cart.of(req.session).summary() });
  };
}
