// Stands in for the app's vue-router instance (mapped to '@/router'): navigations are only recorded.
import { effect } from './effects.js';

export default {
  currentRoute: { path: '/', fullPath: '/' },
  push(to) {
    effect(`router.push ${JSON.stringify(to)}`);
  },
  replace(to) {
    effect(`router.replace ${JSON.stringify(to)}`);
  },
};
