/**
 * `on…` event handler attributes (HTML "event handler IDL attributes") for EventTarget
 * subclasses: `x.onopen = fn` registers one listener that a later assignment replaces.
 */
type Handler = ((this: EventTarget, ev: Event) => unknown) | null;

const handlers = new WeakMap<EventTarget, Map<string, { fn: Handler; listener: (ev: Event) => void }>>();

/** Define `on<type>` accessors on a class prototype for each event type. */
export function defineEventHandlers(proto: object, types: string[]): void {
  for (const type of types) {
    Object.defineProperty(proto, `on${type}`, {
      configurable: true,
      enumerable: true,
      get(this: EventTarget): Handler {
        return handlers.get(this)?.get(type)?.fn ?? null;
      },
      set(this: EventTarget, fn: Handler) {
        let map = handlers.get(this);
        if (map === undefined) handlers.set(this, (map = new Map()));
        const old = map.get(type);
        if (old !== undefined) {
          this.removeEventListener(type, old.listener);
          map.delete(type);
        }
        if (typeof fn !== 'function') return;
        const listener = (ev: Event) => {
          fn.call(this, ev);
        };
        map.set(type, { fn, listener });
        this.addEventListener(type, listener);
      },
    });
  }
}
