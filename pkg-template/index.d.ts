export * from "./kalbio.js";
import type { FilterRuleType as FilterRuleTypeWire, InitInput, SyncInitInput } from "./kalbio.js";

/**
 * The record handle, under a name that does not shadow TypeScript's own
 * `Record<K, V>`: `import { type KalbioRecord } from "kalbio"`. The same class as `Record`.
 */
export { Record as KalbioRecord } from "./kalbio.js";

/** What `init()` resolves to: the wasm module's memory; its other exports are the package's internals. */
export interface InitOutput {
  readonly memory: WebAssembly.Memory;
}

/**
 * Loads the wasm module; once, before the first client (calling it again is
 * harmless). Give the wasm's URL, bytes or module when a bundler moves the file;
 * in Node it is read from the package's files and `init()` is optional.
 * Rejects with a `KalbioError` whose `code` is `"init_failed"` (the `cause`
 * kept) when the file is missing or the page's Content-Security-Policy forbids
 * compiling WebAssembly (`script-src 'wasm-unsafe-eval'` allows it).
 */
export default function init(
  moduleOrPath?: { module_or_path: InitInput | Promise<InitInput> } | InitInput | Promise<InitInput>,
): Promise<InitOutput>;

/** `init` for a module or bytes already at hand, without a promise (workers, tests). */
export declare function initSync(module: { module: SyncInitInput } | SyncInitInput): InitOutput;

/** A filter rule's wire string, e.g. `"is_equal"`. */
export type FilterRuleType = FilterRuleTypeWire;

/** The 38 filter rules, by name: `FilterRuleType.IS_EQUAL === "is_equal"`. */
export declare const FilterRuleType: {
  /** Matches when the latest value is not blank. `filter_prop`: ignored. */
  readonly IS_SET: "is_set";
  /** Matches when the latest value is blank (records without the field match). `filter_prop`: ignored. */
  readonly IS_EMPTY: "is_empty";
  /** Matches when the latest value is equal to the prop. `filter_prop`: any value but `null`. */
  readonly IS_EQUAL: "is_equal";
  /** Matches when the latest value has a text equal to one of the prop's texts, ignoring case. `filter_prop`: list of texts. */
  readonly IS_ANY_OF_TEXT: "is_any_of_text";
  /** Matches when the latest value is not equal to the prop (records without the field match). `filter_prop`: any value but `null`. */
  readonly IS_NOT_EQUAL: "is_not_equal";
  /** Matches when the latest value has a text that contains the prop, ignoring case. `filter_prop`: text. */
  readonly INCLUDES: "includes";
  /** Matches when the latest value has no text that contains the prop (records without the field match). `filter_prop`: text. */
  readonly DOES_NOT_INCLUDE: "does_not_include";
  /** Matches when the latest value is not blank and every element is equal to an item of the prop. `filter_prop`: list. */
  readonly IS_IN: "is_in";
  /** Matches when the latest value is blank, or some element is equal to no item of the prop. `filter_prop`: list. */
  readonly IS_NOT_IN: "is_not_in";
  /** Matches when the latest value is not blank and every element is in the prop. `filter_prop`: list. */
  readonly VALUE_IS_SUBSET_OF_PROPS: "value_is_subset_of_props";
  /** Matches when the latest value is not blank and holds every item of the prop. `filter_prop`: list. */
  readonly VALUE_IS_SUPERSET_OF_PROPS: "value_is_superset_of_props";
  /** Matches when the latest value has an element that is in the prop. `filter_prop`: list. */
  readonly VALUE_HAS_OVERLAP_WITH_PROPS: "value_has_overlap_with_props";
  /** Matches when the latest value has no element in the prop (records without the field match). `filter_prop`: list. */
  readonly VALUE_HAS_NO_OVERLAP_WITH_PROPS: "value_has_no_overlap_with_props";
  /** Matches when the latest value is not blank and holds exactly the prop's items, in any order. `filter_prop`: list. */
  readonly VALUE_HAS_SAME_ELEMENTS_AS_PROPS: "value_has_same_elements_as_props";
  /** Matches when the latest value has a text that starts with the prop, ignoring case. `filter_prop`: text. */
  readonly STARTS_WITH: "starts_with";
  /** Matches when the latest value has a text that ends with the prop, ignoring case. `filter_prop`: text. */
  readonly ENDS_WITH: "ends_with";
  /** Matches when the latest value is a number `<` the prop. `filter_prop`: number. */
  readonly IS_LESS_THAN: "is_less_than";
  /** Matches when the latest value is a number `<=` the prop. `filter_prop`: number. */
  readonly IS_LESS_THAN_EQUAL: "is_less_than_equal";
  /** Matches when the latest value is a number `>` the prop. `filter_prop`: number. */
  readonly IS_GREATER_THAN: "is_greater_than";
  /** Matches when the latest value is a number `>=` the prop. `filter_prop`: number. */
  readonly IS_GREATER_THAN_EQUAL: "is_greater_than_equal";
  /** Matches when the latest value is a date before the prop's instant. `filter_prop`: date. */
  readonly IS_BEFORE: "is_before";
  /** Matches when the latest value is a date after the prop's instant. `filter_prop`: date. */
  readonly IS_AFTER: "is_after";
  /** Matches when the latest value is within both ends, inclusive; a date-only `to` covers its whole day. `filter_prop`: `[from, to]`: two dates, or two numbers, `from <= to`. */
  readonly IS_BETWEEN: "is_between";
  /** Matches when the latest value is a date before the start of day today + n. `filter_prop`: whole number n (-100000…100000). */
  readonly IS_BEFORE_RELATIVE_DAY: "is_before_relative_day";
  /** Matches when the latest value is a date on or after the start of day today + n + 1. `filter_prop`: whole number n. */
  readonly IS_AFTER_RELATIVE_DAY: "is_after_relative_day";
  /** Matches when the latest value is a date from the start of day today + a to the end of day today + b. `filter_prop`: `[a, b]`, whole numbers, `a <= b`. */
  readonly IS_BETWEEN_RELATIVE_DAY: "is_between_relative_day";
  /** Matches when the latest value is a date before the Monday of week this + n. `filter_prop`: whole number n. */
  readonly IS_BEFORE_RELATIVE_WEEK: "is_before_relative_week";
  /** Matches when the latest value is a date on or after the Monday of week this + n + 1. `filter_prop`: whole number n. */
  readonly IS_AFTER_RELATIVE_WEEK: "is_after_relative_week";
  /** Matches when the latest value is a date from the Monday of week this + a to the end of week this + b. `filter_prop`: `[a, b]`, `a <= b`. */
  readonly IS_BETWEEN_RELATIVE_WEEK: "is_between_relative_week";
  /** Matches when the latest value is a date before the first day of month this + n. `filter_prop`: whole number n. */
  readonly IS_BEFORE_RELATIVE_MONTH: "is_before_relative_month";
  /** Matches when the latest value is a date on or after the first day of month this + n + 1. `filter_prop`: whole number n. */
  readonly IS_AFTER_RELATIVE_MONTH: "is_after_relative_month";
  /** Matches when the latest value is a date from the first of month this + a to the end of month this + b. `filter_prop`: `[a, b]`, `a <= b`. */
  readonly IS_BETWEEN_RELATIVE_MONTH: "is_between_relative_month";
  /** Matches when the latest value is a date in the week before this one. `filter_prop`: ignored. */
  readonly IS_LAST_WEEK: "is_last_week";
  /** Matches when the latest value is a date in this week. `filter_prop`: ignored. */
  readonly IS_THIS_WEEK: "is_this_week";
  /** Matches when the latest value is a date in the week after this one. `filter_prop`: ignored. */
  readonly IS_NEXT_WEEK: "is_next_week";
  /** Matches when the latest value is a date in this month. `filter_prop`: ignored. */
  readonly IS_THIS_MONTH: "is_this_month";
  /** Matches when the latest value is a date in the month after this one. `filter_prop`: ignored. */
  readonly IS_NEXT_MONTH: "is_next_month";
  /** Matches when the latest value was written (its `created_at`) after the prop's instant. `filter_prop`: date. */
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
  | "init_failed"
  | "freed"
  /** The wasm module trapped (an internal fault): this call and every later one fail; reload the page. */
  | "trapped";

/** Every failure of a kalbio call. Never holds a secret or a token. */
export declare class KalbioError extends Error {
  constructor(message: string, fields?: Partial<KalbioError>);
  /** Always `"KalbioError"`: branch on it where `instanceof` cannot see the class (another realm, a copy of the package). */
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
  /** How many requests the call sent, retries included (`null` when it sent none). */
  attempts: number | null;
}
