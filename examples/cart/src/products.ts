/** A product of the shop's catalogue. Prices are whole cents so that no sum ever drifts. */
export interface Product {
  readonly id: number;
  readonly name: string;
  readonly priceCents: number;
  readonly blurb: string;
  /** Picture under `/static/img/`. */
  readonly image: string;
}

/** The catalogue of the chapter's exercise: ids 1-5 with these names and prices. */
export const PRODUCTS: readonly Product[] = [
  {
    id: 1,
    name: 'Wireless Keyboard',
    priceCents: 7999,
    blurb: 'Low-profile keys, three devices, one battery a year.',
    image: 'keyboard.svg',
  },
  {
    id: 2,
    name: 'USB-C Hub',
    priceCents: 4999,
    blurb: 'HDMI, two USB-A ports and a card reader in your pocket.',
    image: 'hub.svg',
  },
  {
    id: 3,
    name: 'Monitor Stand',
    priceCents: 12999,
    blurb: 'Solid oak riser that lifts your screen to eye level.',
    image: 'stand.svg',
  },
  {
    id: 4,
    name: 'Mechanical Mouse',
    priceCents: 5999,
    blurb: 'Clicky switches and a grip that fits every hand.',
    image: 'mouse.svg',
  },
  {
    id: 5,
    name: 'Desk Lamp',
    priceCents: 3999,
    blurb: 'Warm, dimmable light that stays out of your way.',
    image: 'lamp.svg',
  },
];

const BY_ID = new Map(PRODUCTS.map((product) => [product.id, product]));

/** The product with this id, or `undefined` when the catalogue has none. */
export function findProduct(id: number): Product | undefined {
  return BY_ID.get(id);
}
