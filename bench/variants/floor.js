// (a) floor: bare fetch with the token added by hand. No refresh: what any of the others costs on
// top of this is their price.
export function create({ base, tokens }) {
  const token = tokens.accessToken;
  return {
    async call() {
      const response = await fetch(`${base}/api/me`, { headers: { Authorization: `Bearer ${token}` } });
      return response.json();
    },
  };
}
