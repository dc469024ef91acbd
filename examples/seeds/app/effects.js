// What the app did besides its HTTP calls (a toast, a dialog, a store action, a navigation), recorded
// by the stand-ins in this folder so the page can show it and a test can count it.
export const effects = [];
const listeners = [];

export function onEffect(listener) {
  listeners.push(listener);
}

export function effect(text) {
  effects.push(text);
  for (const listener of listeners) listener(text);
}
