// A Pinia setup store on top of useAuth() (setup stores run inside the app's injection context)
// and fetchWithRefresh (the main entry's default client, which the plugin configured).
import { computed, ref } from 'vue';
import { defineStore } from 'pinia';
import { fetchWithRefresh } from 'fetch-with-refresh';
import { useAuth } from 'fetch-with-refresh/vue';

export const useAccountStore = defineStore('account', () => {
  const auth = useAuth();
  const profile = ref(null);
  const loads = ref(0); // profiles loaded successfully
  const requestError = ref('');
  const signedIn = computed(() => auth.isAuthenticated.value);

  /** GET /api/me through the default client; its user, or the error's name. */
  async function loadProfile() {
    requestError.value = '';
    try {
      const response = await fetchWithRefresh('/api/me');
      profile.value = (await response.json()).data;
      loads.value += 1;
    } catch (error) {
      profile.value = null;
      requestError.value = error.name;
    }
  }

  function signOut() {
    auth.logout();
    profile.value = null;
  }

  return { profile, loads, requestError, signedIn, loadProfile, signOut };
});
