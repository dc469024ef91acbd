// The Vue app as its README would have it: Pinia, the auth plugin (whose onSessionExpired sends the
// user to the login route, as the seeds do) and the router. The plugin's client is the default one,
// which the main entry's module-level calls (`get`, `post`) in the store and the login view use.
import { createApp } from 'vue';
import { createPinia } from 'pinia';
import { authPlugin } from 'fetch-with-refresh/vue';
import App from './App.vue';
import router from './router.js';
import { useAccountStore } from './stores/account.js';

const app = createApp(App)
  .use(createPinia())
  .use(authPlugin, {
    baseURL: '/s001',
    refresh: { url: '/api/v1/refresh_token' },
    onSessionExpired: () => {
      router.push('/login');
    },
  })
  .use(router);

// The store is first made here, outside any component: Pinia runs a setup store inside the app's
// injection context, which is what lets its useAuth() find the plugin.
useAccountStore();

app.mount('#app');
