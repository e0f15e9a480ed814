// Must NOT type-check: "is_equals" is not a filter rule.
import type { FieldFilter } from "kalbio";

export const wrong: FieldFilter = { field_id: "f", filter_type: "is_equals", filter_prop: 1 };
