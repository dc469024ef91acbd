// Test-only control endpoints under /__admin/: the tests drive expiry, faults and counters here
// instead of waiting for real time to pass.

/** Returns the reply for an admin request, or null when no admin route matches. */
export function handleAdmin(state, method, name, json) {
  const ok = { status: 200, json: { ok: true } };
  switch (`${method} ${name}`) {
    case 'POST expire-access':
      state.authority.expireAccess();
      return ok;
    case 'POST expire-refresh':
      state.authority.expireRefresh();
      return ok;
    case 'POST refresh-faults':
      try {
        state.faults.set(json ?? {});
      } catch (e) {
        return { status: 400, json: { ok: false, error: e.message } };
      }
      return ok;
    case 'GET counters':
      return { status: 200, json: state.snapshot() };
    case 'POST reset':
      state.reset();
      return ok;
    default:
      return null;
  }
}
