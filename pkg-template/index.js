// The browser entry of `kalbio`. `await init()` loads the wasm module (give it
// the wasm's URL or bytes when your bundler moves the file), then every class
// is ready to use.
import glueInit, { initSync as glueInitSync, KaleidoscopeClient as GlueClient, Record } from "./kalbio.js";
import { guardHandles } from "./handles.js";

export * from "./kalbio.js";
/** The record handle under a name that does not shadow TypeScript's `Record<K, V>`. */
export { Record as KalbioRecord };

let initialized = false;

// A Content-Security-Policy without 'wasm-unsafe-eval', a wasm file the server
// does not have or serves as HTML: the cause is kept, the code says where it failed.
const initFailed = (e) =>
  new KalbioError(`kalbio could not load its wasm module: ${(e && e.message) || e}`, { code: "init_failed", cause: e });

/** Loads the wasm module; once, before the first client. Calling it again is harmless. */
export default async function init(moduleOrPath) {
  let exports;
  try {
    exports = await glueInit(moduleOrPath);
  } catch (e) {
    throw initFailed(e);
  }
  initialized = true;
  return exports;
}

/** `init` for a module or bytes already at hand, without a promise. */
export function initSync(module) {
  let exports;
  try {
    exports = glueInitSync(module);
  } catch (e) {
    throw initFailed(e);
  }
  initialized = true;
  return exports;
}

/**
 * A client for the Kaleidoscope API. Each client has its own caches. Made
 * before `await init()`, it throws a `KalbioError` with code `not_initialized`.
 */
export class KaleidoscopeClient extends GlueClient {
  constructor(options) {
    if (!initialized) {
      throw new KalbioError(
        "kalbio is not initialised: await init() once (initSync in a worker or test) before creating a KaleidoscopeClient",
        { code: "not_initialized" },
      );
    }
    super(options);
  }
}

/** The 38 filter rules, by name: `FilterRuleType.IS_EQUAL === "is_equal"`. */
export const FilterRuleType = Object.freeze({
  IS_SET: "is_set",
  IS_EMPTY: "is_empty",
  IS_EQUAL: "is_equal",
  IS_ANY_OF_TEXT: "is_any_of_text",
  IS_NOT_EQUAL: "is_not_equal",
  INCLUDES: "includes",
  DOES_NOT_INCLUDE: "does_not_include",
  IS_IN: "is_in",
  IS_NOT_IN: "is_not_in",
  VALUE_IS_SUBSET_OF_PROPS: "value_is_subset_of_props",
  VALUE_IS_SUPERSET_OF_PROPS: "value_is_superset_of_props",
  VALUE_HAS_OVERLAP_WITH_PROPS: "value_has_overlap_with_props",
  VALUE_HAS_NO_OVERLAP_WITH_PROPS: "value_has_no_overlap_with_props",
  VALUE_HAS_SAME_ELEMENTS_AS_PROPS: "value_has_same_elements_as_props",
  STARTS_WITH: "starts_with",
  ENDS_WITH: "ends_with",
  IS_LESS_THAN: "is_less_than",
  IS_LESS_THAN_EQUAL: "is_less_than_equal",
  IS_GREATER_THAN: "is_greater_than",
  IS_GREATER_THAN_EQUAL: "is_greater_than_equal",
  IS_BEFORE: "is_before",
  IS_AFTER: "is_after",
  IS_BETWEEN: "is_between",
  IS_BEFORE_RELATIVE_DAY: "is_before_relative_day",
  IS_AFTER_RELATIVE_DAY: "is_after_relative_day",
  IS_BETWEEN_RELATIVE_DAY: "is_between_relative_day",
  IS_BEFORE_RELATIVE_WEEK: "is_before_relative_week",
  IS_AFTER_RELATIVE_WEEK: "is_after_relative_week",
  IS_BETWEEN_RELATIVE_WEEK: "is_between_relative_week",
  IS_BEFORE_RELATIVE_MONTH: "is_before_relative_month",
  IS_AFTER_RELATIVE_MONTH: "is_after_relative_month",
  IS_BETWEEN_RELATIVE_MONTH: "is_between_relative_month",
  IS_LAST_WEEK: "is_last_week",
  IS_THIS_WEEK: "is_this_week",
  IS_NEXT_WEEK: "is_next_week",
  IS_THIS_MONTH: "is_this_month",
  IS_NEXT_MONTH: "is_next_month",
  IS_LAST_UPDATED_AFTER: "is_last_updated_after",
});

/**
 * Every failure of a kalbio call is a `KalbioError`: a real `Error` with
 * `name === "KalbioError"`, a stable `code`, and `status`, `method`, `path`,
 * `body` and `requestId` where there was a request. `instanceof KalbioError`
 * holds for errors from any copy of the package.
 */
export class KalbioError extends Error {
  constructor(message, fields = {}) {
    super(message);
    this.name = "KalbioError";
    Object.assign(this, { code: "invalid_argument", status: null, method: null, path: null, body: null, requestId: null, attempts: null }, fields);
  }

  static [Symbol.hasInstance](value) {
    return value instanceof Error && value.name === "KalbioError";
  }
}

guardHandles(Record, KalbioError);
