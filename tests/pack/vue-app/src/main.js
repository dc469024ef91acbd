// The page's script. Two pages in one stock Vite build: /plain is the main entry alone (plain.js:
// `configure` and the axios-shaped calls, no Vue, no plugin), every other path is the Vue app
// (vue-app.js: the plugin, useAuth(), Pinia and vue-router). Both import the package by name.
if (location.pathname === '/plain') import('./plain.js');
else import('./vue-app.js');
