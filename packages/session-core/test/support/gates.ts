/**
 * Holds a request open inside its handler until the test lets it go: the handler calls
 * `gates.hold(name)` (after its session was loaded), the test awaits `gates.arrived(name)`, does what
 * should overlap, then calls `gates.open(name)`. No sleeps: the test decides the order.
 */
class Gates {
  readonly #arrivals = new Map<string, { promise: Promise<void>; resolve: () => void }>();
  readonly #openings = new Map<string, { promise: Promise<void>; resolve: () => void }>();

  /** Called by a handler: signals its arrival and waits to be let go. */
  hold(name: string): Promise<void> {
    this.#entry(this.#arrivals, name).resolve();
    return this.#entry(this.#openings, name).promise;
  }

  /** Resolves once a handler is held at `name`. */
  arrived(name: string): Promise<void> {
    return this.#entry(this.#arrivals, name).promise;
  }

  /** Lets the handler held at `name` go on. */
  open(name: string): void {
    this.#entry(this.#openings, name).resolve();
  }

  #entry(map: Map<string, { promise: Promise<void>; resolve: () => void }>, name: string) {
    let entry = map.get(name);
    if (!entry) {
      let resolve!: () => void;
      const promise = new Promise<void>((done) => {
        resolve = done;
      });
      entry = { promise, resolve };
      map.set(name, entry);
    }
    return entry;
  }
}

export const gates = new Gates();
