// The filter builder: every field, every rule of FilterRuleType, and an input typed
// by what the rule's filter_prop holds (see the package's docs/filters.md).
import { FilterRuleType } from "kalbio";

const NO_PROP = new Set(["is_set", "is_empty", "is_last_week", "is_this_week", "is_next_week", "is_this_month", "is_next_month"]);
const TEXT = new Set(["includes", "does_not_include", "starts_with", "ends_with"]);
const TEXT_LIST = new Set(["is_any_of_text"]);
const VALUE = new Set(["is_equal", "is_not_equal"]);
const VALUE_LIST = new Set(["is_in", "is_not_in", "value_is_subset_of_props", "value_is_superset_of_props", "value_has_overlap_with_props", "value_has_no_overlap_with_props", "value_has_same_elements_as_props"]);
const NUMBER = new Set(["is_less_than", "is_less_than_equal", "is_greater_than", "is_greater_than_equal"]);
const DATE = new Set(["is_before", "is_after", "is_last_updated_after"]);
const RELATIVE = new Set(["is_before_relative_day", "is_after_relative_day", "is_before_relative_week", "is_after_relative_week", "is_before_relative_month", "is_after_relative_month"]);
const RELATIVE_RANGE = new Set(["is_between_relative_day", "is_between_relative_week", "is_between_relative_month"]);

/** Every rule, in the package's order. */
export const RULES = Object.values(FilterRuleType);

/** What kind of input a rule needs: none, text, texts, value, values, number, date, range, days, dayRange. */
export function propKind(rule) {
  if (NO_PROP.has(rule)) return "none";
  if (TEXT.has(rule)) return "text";
  if (TEXT_LIST.has(rule)) return "texts";
  if (VALUE.has(rule)) return "value";
  if (VALUE_LIST.has(rule)) return "values";
  if (NUMBER.has(rule)) return "number";
  if (DATE.has(rule)) return "date";
  if (RELATIVE.has(rule)) return "offset";
  if (RELATIVE_RANGE.has(rule)) return "offsetRange";
  if (rule === "is_between") return "range";
  throw new Error(`unknown rule ${rule}`);
}

const isNumeric = (field) => field && field.field_type === "number";
const isDate = (field) => field && (field.field_type === "date" || field.field_type === "datetime");

function input(type, placeholder, name) {
  const el = document.createElement("input");
  el.type = type;
  el.placeholder = placeholder;
  el.name = name;
  if (type === "number") el.step = "any";
  return el;
}

function required(el, what) {
  const text = el.value.trim();
  if (text === "") throw new Error(`${what} needs a value`);
  return text;
}

function typed(text, field) {
  if (!isNumeric(field)) return text;
  const n = Number(text);
  if (!Number.isFinite(n)) throw new Error(`"${text}" is not a number`);
  return n;
}

function whole(el, what) {
  const n = Number(required(el, what));
  if (!Number.isInteger(n)) throw new Error(`${what} must be a whole number`);
  return n;
}

function list(el, field, what) {
  const items = required(el, what).split(",").map((s) => s.trim()).filter((s) => s !== "");
  return items.map((s) => typed(s, field));
}

/**
 * The prop inputs for a rule on a field: `{ elements, read() }`, `read()` answering
 * the filter_prop or throwing an Error that says what is wrong.
 */
export function propInputs(rule, field) {
  const what = `The rule "${rule}"`;
  switch (propKind(rule)) {
    case "none":
      return { elements: [], read: () => undefined };
    case "text": {
      const el = input("text", "text", "prop");
      return { elements: [el], read: () => required(el, what) };
    }
    case "texts": {
      const el = input("text", "texts, comma separated", "prop");
      return { elements: [el], read: () => list(el, null, what) };
    }
    case "value": {
      const el = input(isNumeric(field) ? "number" : isDate(field) ? "date" : "text", "value", "prop");
      return { elements: [el], read: () => typed(required(el, what), field) };
    }
    case "values": {
      const el = input("text", "values, comma separated", "prop");
      return { elements: [el], read: () => list(el, field, what) };
    }
    case "number": {
      const el = input("number", "number", "prop");
      return { elements: [el], read: () => typed(required(el, what), { field_type: "number" }) };
    }
    case "date": {
      const el = input("date", "date", "prop");
      return { elements: [el], read: () => required(el, what) };
    }
    case "offset": {
      const el = input("number", "offset (0 = now)", "prop");
      return { elements: [el], read: () => whole(el, what) };
    }
    case "offsetRange": {
      const from = input("number", "from offset", "prop-from");
      const to = input("number", "to offset", "prop-to");
      return { elements: [from, to], read: () => [whole(from, what), whole(to, what)] };
    }
    case "range": {
      const type = isNumeric(field) ? "number" : "date";
      const from = input(type, "from", "prop-from");
      const to = input(type, "to", "prop-to");
      const kind = isNumeric(field) ? field : null;
      return { elements: [from, to], read: () => [typed(required(from, what), kind), typed(required(to, what), kind)] };
    }
    default:
      throw new Error(`unknown rule ${rule}`);
  }
}
