// Two routes; a guard keeps signed-out users on /login, reading the state with useAuth() (vue-router
// runs guards inside the app's injection context).
import { createRouter, createWebHistory } from 'vue-router';
import { useAuth } from 'fetch-with-refresh/vue';
import HomeView from './views/HomeView.vue';
import LoginView from './views/LoginView.vue';

const router = createRouter({
  history: createWebHistory(),
  routes: [
    { path: '/', component: HomeView, meta: { requiresAuth: true } },
    { path: '/login', component: LoginView },
  ],
});

router.beforeEach((to) => {
  const { isAuthenticated } = useAuth();
  if (to.meta.requiresAuth && !isAuthenticated.value) return '/login';
  return true;
});

export default router;
