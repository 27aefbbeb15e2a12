/**
 * Money is counted in whole cents and turned into a decimal amount only for output: integer
 * arithmetic is exact, so 79.99 × 2 is 15998 cents and prints as 159.98, never 159.97999999999999.
 */

/** A cents amount as the decimal number clients expect (15998 -> 159.98). */
export function centsToAmount(cents: number): number {
  // Dividing an exact integer by 100 yields the double closest to the decimal, which is what
  // JSON.stringify prints back in its shortest form.
  return cents / 100;
}

const USD = new Intl.NumberFormat('en-US', { style: 'currency', currency: 'USD' });

/** A cents amount for people: 28997 -> "$289.97". */
export function formatCents(cents: number): string {
  return USD.format(cents / 100);
}
