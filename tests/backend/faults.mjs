// Injected refresh-endpoint failures (POST /__admin/refresh-faults): the next `count` refresh calls
// answer 500, answer malformed JSON, never answer, or answer late. Transient failures must not log
// the user out (DESIGN.md rule 6), and these are the ways a real refresh endpoint fails.

import { HELD_OPEN } from './http.mjs';

export const FAULT_KINDS = ['500', 'malformed', 'hang', 'delay'];

export function createFaults() {
  let pending = { count: 0 };
  const hung = new Set(); // responses held open by 'hang', ended on reset/close

  function set({ count, kind, ms = 0 }) {
    if (!Number.isInteger(count) || count < 0) throw new TypeError('count must be a non-negative integer');
    if (!FAULT_KINDS.includes(kind)) throw new TypeError(`kind must be one of ${FAULT_KINDS.join(', ')}`);
    if (typeof ms !== 'number' || ms < 0) throw new TypeError('ms must be a non-negative number');
    pending = { count, kind, ms };
  }

  /**
   * Runs one refresh call through the fault plan. Resolves with the reply to send, or with HELD_OPEN
   * when the response must stay unanswered ('hang').
   */
  async function apply(res, handle) {
    if (pending.count === 0) return handle();
    pending.count -= 1;
    const { kind, ms } = pending;
    switch (kind) {
      case '500':
        return { status: 500, json: { code: 500, msg: 'injected fault' } };
      case 'malformed':
        return { status: 200, text: 'not json{', contentType: 'text/plain; charset=utf-8' };
      case 'hang':
        hung.add(res);
        res.on('close', () => hung.delete(res));
        return HELD_OPEN;
      case 'delay':
        await new Promise((resolve) => setTimeout(resolve, ms));
        return handle();
    }
  }

  function reset() {
    pending = { count: 0 };
    for (const res of hung) res.destroy();
    hung.clear();
  }

  return { set, apply, reset };
}
