// The app declares its session data once; every adapter's `session` is then typed.
import type {} from '@tina4/session-core';

declare module '@tina4/session-core' {
  interface SessionData {
    user_id: number;
    cart: { product_id: number; quantity: number }[];
    theme?: 'light' | 'dark';
  }
}
