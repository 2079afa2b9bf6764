// Promise helpers for event-driven tests (timers are fine in tests).

/** The next `type` event of an EventTarget (or `on<type>` for objects without addEventListener). */
export function waitFor<T = any>(target: any, type: string, ms = 15_000): Promise<T> { // eslint-disable-line @typescript-eslint/no-explicit-any
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`timeout waiting for ${type}`)), ms);
    const handler = (e: unknown) => {
      clearTimeout(timer);
      resolve(e as T);
    };
    if (typeof target.addEventListener === 'function') target.addEventListener(type, handler, { once: true });
    else target[`on${type}`] = handler;
  });
}

/** The next `event` of an EventEmitter, as its argument list. */
export function once<T extends unknown[]>(emitter: { once(e: string, f: (...a: T) => void): unknown }, event: string, ms = 15_000): Promise<T> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`timeout waiting for ${event}`)), ms);
    emitter.once(event, (...args: T) => {
      clearTimeout(timer);
      resolve(args);
    });
  });
}
