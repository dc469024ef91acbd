// A Pinia setup store on top of useAuth() (setup stores run inside the app's injection context)
// and the main entry's module-level `get` (over the default client, which the plugin configured).
import { computed, ref } from 'vue';
import { defineStore } from 'pinia';
import { get, isRequestError } from 'fetch-with-refresh';
import { useAuth } from 'fetch-with-refresh/vue';

/** A rejection as the page shows it: a RequestError by its code and status, anything else by name. */
export const describe = (error) => (isRequestError(error) ? `${error.code} ${error.status ?? ''}`.trim() : error.name);

export const useAccountStore = defineStore('account', () => {
  const auth = useAuth();
  const profile = ref(null);
  const loads = ref(0); // profiles loaded successfully
  const requestError = ref('');
  const signedIn = computed(() => auth.isAuthenticated.value);

  /** GET `path` through the default client: its user (the body is `{code: 0, data}`), or the error. */
  async function load(path) {
    requestError.value = '';
    try {
      const response = await get(path);
      profile.value = response.data.data;
      loads.value += 1;
    } catch (error) {
      profile.value = null;
      requestError.value = describe(error);
    }
  }

  /** GET /api/me. */
  const loadProfile = () => load('/api/me');
  /** GET /api/missing: the backend's 404. */
  const loadMissing = () => load('/api/missing');

  function signOut() {
    auth.logout();
    profile.value = null;
  }

  return { profile, loads, requestError, signedIn, loadProfile, loadMissing, signOut };
});
