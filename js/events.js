// The listeners of `client.on(type, listener)`: glue that keeps functions and calls them. Rust
// (src/web/events.rs) decides which event types exist (`type` is the number of one of them), checks
// the listener before adding it, and builds every event object.

export class Listeners {
  /** A set of listeners per event type number. */
  sets = [];

  /** Adds `listener` for `type`; returns the function that removes it (this one addition only). */
  add(type, listener) {
    const set = (this.sets[type] ??= new Set());
    const entry = (event) => listener(event);
    set.add(entry);
    return () => void set.delete(entry);
  }

  /** Whether anyone listens to `type` (so no event is built for nobody). */
  has(type) {
    return (this.sets[type]?.size ?? 0) > 0;
  }

  /**
   * Calls the listeners of `type` with `event`, those there when it starts: a listener may add or
   * remove listeners while it runs, and one that throws does not stop the others.
   */
  emit(type, event) {
    for (const listener of [...(this.sets[type] ?? [])]) {
      try {
        listener(event);
      } catch {
        // A listener's error is the listener's.
      }
    }
  }

  /** Removes every listener. */
  clear() {
    this.sets.forEach((set) => set.clear());
  }
}
