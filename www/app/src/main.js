// The demo app: the auth plugin makes the client (the default one, which the main entry's
// module-level calls such as `post` and `fetchWithRefresh` use) with the demo's options, and useAuth() gives the components its state. Switching the token
// storage unmounts the app (the plugin removes its listeners and disposes its client) and mounts it
// again on the new storage, with the tokens moved over.
import { createApp } from 'vue';
import { authPlugin, useAuth } from 'fetch-with-refresh/vue';
import App from './App.vue';
import { demoOptions, rememberStorage } from './demo.js';
import './style.css';

/** Mounts the demo; `tokens` (moved from another storage) are stored before the first render. */
function start({ tokens = null, note = '' } = {}) {
  const app = createApp(App, { note, onSwitchStorage: switchStorage }).use(authPlugin, demoOptions());
  // Outside any component: the app's injection context gives useAuth() the plugin's state.
  if (tokens) app.runWithContext(useAuth).login(tokens);
  app.mount('#app');
  return app;
}

let app = start();

/** The storage switch: the same tokens, a client on `storage`. */
function switchStorage({ storage, tokens }) {
  rememberStorage(storage);
  app.unmount();
  app = start({ tokens, note: `storage is now ${storage}${tokens ? ' (tokens moved over)' : ''}` });
}
