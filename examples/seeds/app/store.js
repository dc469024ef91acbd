// Stands in for the app's Vuex store (mapped to '@/store'): its actions are only recorded.
import { effect } from './effects.js';

export default {
  getters: {},
  state: {},
  commit(type) {
    effect(`store.commit ${type}`);
  },
  dispatch(type) {
    effect(`store.dispatch ${type}`);
    return Promise.resolve();
  },
};
