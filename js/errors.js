// The errors the module rejects with: real classes, so `instanceof` works, each with the `name`
// that tells it apart (on the prototype, as the built-in errors have it, so stack traces show it).
// Rust (src/web/errors.rs) constructs them with the messages and reasons of src/core/errors.rs;
// these classes only carry what they are given.

/** The refresh token was refused: the user must log in again. The tokens are cleared. */
export class SessionExpiredError extends Error {}

/** The refresh failed for another reason (`reason`, `status` when there was an answer, `cause`). */
export class RefreshError extends Error {
  constructor(message, reason, status, cause) {
    super(message, cause === undefined ? undefined : { cause });
    this.reason = reason;
    if (status !== undefined) this.status = status;
  }
}

/** The client was disposed. */
export class DisposedError extends Error {}

/**
 * An axios-shaped call failed: `code` as axios names it (`ERR_BAD_REQUEST`, `ECONNABORTED`…), the
 * call's `config`, the `response` when there was one (and its `status`), the error underneath as
 * `cause`, and `businessCode` for a refused business envelope.
 */
export class RequestError extends Error {
  constructor(message, code, config, response, cause, businessCode) {
    super(message, cause === undefined ? undefined : { cause });
    this.code = code;
    this.config = config;
    if (response !== undefined) {
      this.response = response;
      this.status = response.status;
    }
    if (businessCode !== undefined) this.businessCode = businessCode;
  }
}

// Named by string, not by `Class.name`: minifiers rename classes.
for (const [name, Class] of Object.entries({ SessionExpiredError, RefreshError, DisposedError, RequestError })) {
  Object.defineProperty(Class.prototype, 'name', { value: name, writable: true, configurable: true });
}

/** A type guard: `instanceof`, or the same `name` (an error from another realm or another copy). */
const guard = (Class) => (error) => error instanceof Class || error?.name === Class.prototype.name;

/** Whether `error` is a `SessionExpiredError`. */
export const isSessionExpiredError = guard(SessionExpiredError);
/** Whether `error` is a `RefreshError`. */
export const isRefreshError = guard(RefreshError);
/** Whether `error` is a `DisposedError`. */
export const isDisposedError = guard(DisposedError);
/** Whether `error` is a `RequestError` (an axios-shaped call that failed). */
export const isRequestError = guard(RequestError);
/** Whether `error` is a `SessionExpiredError`, a `RefreshError` or a `DisposedError`. */
export const isAuthError = (error) => isSessionExpiredError(error) || isRefreshError(error) || isDisposedError(error);
