export * from "./kalbio.js";
export { default, initSync } from "./kalbio.js";
import type { FilterRuleType as FilterRuleTypeWire } from "./kalbio.js";

/** A filter rule's wire string, e.g. `"is_equal"`. */
export type FilterRuleType = FilterRuleTypeWire;

/** The 38 filter rules, by name: `FilterRuleType.IS_EQUAL === "is_equal"`. */
export declare const FilterRuleType: {
  readonly IS_SET: "is_set";
  readonly IS_EMPTY: "is_empty";
  readonly IS_EQUAL: "is_equal";
  readonly IS_ANY_OF_TEXT: "is_any_of_text";
  readonly IS_NOT_EQUAL: "is_not_equal";
  readonly INCLUDES: "includes";
  readonly DOES_NOT_INCLUDE: "does_not_include";
  readonly IS_IN: "is_in";
  readonly IS_NOT_IN: "is_not_in";
  readonly VALUE_IS_SUBSET_OF_PROPS: "value_is_subset_of_props";
  readonly VALUE_IS_SUPERSET_OF_PROPS: "value_is_superset_of_props";
  readonly VALUE_HAS_OVERLAP_WITH_PROPS: "value_has_overlap_with_props";
  readonly VALUE_HAS_NO_OVERLAP_WITH_PROPS: "value_has_no_overlap_with_props";
  readonly VALUE_HAS_SAME_ELEMENTS_AS_PROPS: "value_has_same_elements_as_props";
  readonly STARTS_WITH: "starts_with";
  readonly ENDS_WITH: "ends_with";
  readonly IS_LESS_THAN: "is_less_than";
  readonly IS_LESS_THAN_EQUAL: "is_less_than_equal";
  readonly IS_GREATER_THAN: "is_greater_than";
  readonly IS_GREATER_THAN_EQUAL: "is_greater_than_equal";
  readonly IS_BEFORE: "is_before";
  readonly IS_AFTER: "is_after";
  readonly IS_BETWEEN: "is_between";
  readonly IS_BEFORE_RELATIVE_DAY: "is_before_relative_day";
  readonly IS_AFTER_RELATIVE_DAY: "is_after_relative_day";
  readonly IS_BETWEEN_RELATIVE_DAY: "is_between_relative_day";
  readonly IS_BEFORE_RELATIVE_WEEK: "is_before_relative_week";
  readonly IS_AFTER_RELATIVE_WEEK: "is_after_relative_week";
  readonly IS_BETWEEN_RELATIVE_WEEK: "is_between_relative_week";
  readonly IS_BEFORE_RELATIVE_MONTH: "is_before_relative_month";
  readonly IS_AFTER_RELATIVE_MONTH: "is_after_relative_month";
  readonly IS_BETWEEN_RELATIVE_MONTH: "is_between_relative_month";
  readonly IS_LAST_WEEK: "is_last_week";
  readonly IS_THIS_WEEK: "is_this_week";
  readonly IS_NEXT_WEEK: "is_next_week";
  readonly IS_THIS_MONTH: "is_this_month";
  readonly IS_NEXT_MONTH: "is_next_month";
  readonly IS_LAST_UPDATED_AFTER: "is_last_updated_after";
};

/** What went wrong, as a stable string to branch on. */
export type KalbioErrorCode =
  | "http_error"
  | "network_error"
  | "timeout"
  | "aborted"
  | "decode_error"
  | "invalid_argument"
  | "not_found"
  | "auth_error"
  | "write_outcome_unknown"
  | "not_initialized"
  /** The wasm module trapped (an internal fault): this call and every later one fail; reload the page. */
  | "trapped";

/** Every failure of a kalbio call. Never holds a secret or a token. */
export declare class KalbioError extends Error {
  constructor(message: string, fields?: Partial<KalbioError>);
  readonly name: "KalbioError";
  /** What went wrong. */
  code: KalbioErrorCode;
  /** The HTTP status, when the server answered. */
  status: number | null;
  /** The request's method, when a request was made. */
  method: "GET" | "POST" | "PUT" | "DELETE" | null;
  /** The request's path (no query string). */
  path: string | null;
  /** The response body as text. */
  body: string | null;
  /** The server's `X-Request-Id`. */
  requestId: string | null;
}
