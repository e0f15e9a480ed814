/* tslint:disable */
/* eslint-disable */

/** A record's key values: `{ [key field name or uuid]: value }`. */
export type KeyValues = { [field: string]: string | number };

/** A record named by a `Record`, its uuid, or its key values. */
export type RecordIdentifier = Record | string | KeyValues;

/** A field named by a field object, its uuid or its name. */
export type FieldIdentifier = EntityField | string;

/** An activity named by an activity object, its uuid or its title. */
export type ActivityIdentifier = Activity | string;

/** File data to upload. */
export type FileData = Blob | Uint8Array;

/** What `client.records.columns()` answers. */
export interface RecordColumns {
    /** The records answered, in order: a column's `i`-th entry belongs to `ids[i]`. */
    ids: string[];
    /**
     * One column per field, under the name, uuid or field object's id it was asked by:
     * a `Float64Array` when every value present is a number (`NaN` where a record has
     * none), else texts (other values as JSON text, `null` where a record has none).
     */
    columns: { [field: string]: Float64Array | (string | null)[] };
}


/**
 * A filter rule, as its wire string (for example `"is_equal"`).
 */
export type FilterRuleType = "is_set" | "is_empty" | "is_equal" | "is_any_of_text" | "is_not_equal" | "includes" | "does_not_include" | "is_in" | "is_not_in" | "value_is_subset_of_props" | "value_is_superset_of_props" | "value_has_overlap_with_props" | "value_has_no_overlap_with_props" | "value_has_same_elements_as_props" | "starts_with" | "ends_with" | "is_less_than" | "is_less_than_equal" | "is_greater_than" | "is_greater_than_equal" | "is_before" | "is_after" | "is_between" | "is_before_relative_day" | "is_after_relative_day" | "is_between_relative_day" | "is_before_relative_week" | "is_after_relative_week" | "is_between_relative_week" | "is_before_relative_month" | "is_after_relative_month" | "is_between_relative_month" | "is_last_week" | "is_this_week" | "is_next_week" | "is_this_month" | "is_next_month" | "is_last_updated_after";

/**
 * A key field or a data field; `is_key` tells which.
 */
export interface EntityField {
    /**
     * The field's uuid.
     */
    id: string;
    /**
     * When the field was created (ISO-8601).
     */
    created_at: string;
    /**
     * True for key fields, false for data fields.
     */
    is_key: boolean;
    /**
     * The field's unique name, e.g. `IC50`.
     */
    field_name: string;
    /**
     * Free text describing the field.
     */
    field_description?: string;
    /**
     * Free text with example values.
     */
    field_examples?: string;
    /**
     * The field's type, e.g. `number`, `text`, `file`.
     */
    field_type: string;
    /**
     * For record references: the entity slice referred to.
     */
    ref_slice_id: string | null;
    /**
     * A regular expression values must match, if any.
     */
    regex_format: string | null;
}

/**
 * A record search. Every member is optional; the filters all have to match.
 */
export interface SearchRecordsQuery {
    /**
     * Only records of this record set (the seed's name).
     */
    record_set_id?: string;
    /**
     * Only records in any of these record sets: ids separated by commas
     * (kalbio 0.5.0's name).
     */
    record_set_ids?: string;
    /**
     * Only records of this program.
     */
    program_id?: string;
    /**
     * Only records of this entity slice (type).
     */
    entity_slice_id?: string;
    /**
     * Only records that the activity contains.
     */
    operation_id?: string;
    /**
     * Only records with one of these ids, or with a key value of one of these ids.
     */
    identifier_ids?: string[];
    /**
     * Record-set filters (not supported by the sandbox).
     */
    record_set_filters?: string[];
    /**
     * Filters through view fields.
     */
    view_field_filters?: ViewFieldFilter[];
    /**
     * Sorts through view fields, applied before the entity-field sorts.
     */
    view_field_sorts?: ViewFieldSort[];
    /**
     * Filters on fields.
     */
    entity_field_filters?: FieldFilter[];
    /**
     * Sorts on fields, the first one deciding first.
     */
    entity_field_sorts?: FieldSort[];
    /**
     * Case-insensitive text over the record identifier and text values.
     */
    search_text?: string;
    /**
     * At most this many ids (1 to 1,000,000).
     */
    limit?: number;
}

/**
 * A record: a compound, a sample, a batch…, named by its key values. In
 * TypeScript `RecordJSON`, the shape of `Record.toJSON()`.
 */
export interface RecordJSON {
    /**
     * The record's uuid.
     */
    id: string;
    /**
     * When the record was created (ISO-8601).
     */
    created_at: string;
    /**
     * The entity type (set of key fields) the record belongs to.
     */
    entity_slice_id: string;
    /**
     * Ids of the record values that hold its key values.
     */
    identifier_ids?: string[];
    /**
     * Human-readable name, e.g. `CMP-0042`.
     */
    record_identifier: string;
    /**
     * Field id → every value written to that field.
     */
    record_values?: { [field_id: string]: RecordValue[] };
    /**
     * The activity the record was created in, or null.
     */
    initial_operation_id: string | null;
    /**
     * Ids of the record's sub-records (batches, aliquots…).
     */
    sub_record_ids?: string[];
}

/**
 * An activity (also called an operation): an experiment, a task…
 */
export interface Activity {
    /**
     * The activity's uuid.
     */
    id: string;
    /**
     * When it was created (ISO-8601).
     */
    created_at: string;
    /**
     * The parent activity, if any.
     */
    parent_id: string | null;
    /**
     * Child activity ids.
     */
    child_ids?: string[];
    /**
     * The activity definition (template) it was made from, if any.
     */
    definition_id: string | null;
    /**
     * Programs the activity belongs to.
     */
    program_ids?: string[];
    /**
     * `task`, `experiment`, `project`, `stage`, `milestone` or `cycle`.
     */
    activity_type: string;
    /**
     * The activity's title; also usable as its name.
     */
    title: string;
    /**
     * Free-form description.
     */
    description?: unknown;
    /**
     * Status, e.g. `in progress`.
     */
    status?: string;
    /**
     * Users assigned to it.
     */
    assigned_user_ids?: string[];
    /**
     * Groups assigned to it.
     */
    assigned_group_ids?: string[];
    /**
     * Due date (ISO-8601), if any.
     */
    due_date: string | null;
    /**
     * Start date (ISO-8601), if any.
     */
    start_date: string | null;
    /**
     * Planned duration in days, if any.
     */
    duration: number | null;
    /**
     * When it was completed (ISO-8601), if it was.
     */
    completed_at_date: string | null;
    /**
     * Ids of activities this one depends on.
     */
    dependencies?: string[];
    /**
     * Label ids.
     */
    label_ids?: string[];
    /**
     * Whether the activity is a draft.
     */
    is_draft?: boolean;
    /**
     * Activity properties.
     */
    properties?: unknown[];
    /**
     * An id in an external system, if any.
     */
    external_id: string | null;
    /**
     * Every record the activity contains.
     */
    all_record_ids?: string[];
    /**
     * View id → record ids shown in that data table.
     */
    data_table_record_mapping?: { [view_id: string]: string[] };
}

/**
 * An entity slice: the set of key fields that names one type of record.
 */
export interface EntitySlice {
    /**
     * The slice's uuid.
     */
    id: string;
    /**
     * The key fields that make up the slice.
     */
    key_field_ids: string[];
    /**
     * A readable name, e.g. `Compound`.
     */
    slice_name: string;
}

/**
 * Counters a caller can read to see the cache at work.
 */
export interface CacheStats {
    /**
     * Lookups answered from the cache (a remembered "not found" counts).
     */
    hits: number;
    /**
     * Lookups that needed a request.
     */
    misses: number;
    /**
     * Records dropped to stay within the bound.
     */
    evictions: number;
    /**
     * Records held now.
     */
    records: number;
}

/**
 * Filter on a field's latest value.
 */
export interface FieldFilter {
    /**
     * The field to filter on (uuid).
     */
    field_id?: string | null;
    /**
     * The rule to apply.
     */
    filter_type: FilterRuleType;
    /**
     * What the rule compares against; its shape depends on the rule (see docs/filters.md).
     */
    filter_prop?: unknown;
}

/**
 * Filter through a view field. The sandbox treats `key_field_id` (or else
 * `view_field_id`) as the field's uuid.
 */
export interface ViewFieldFilter {
    /**
     * The key (or data) field's uuid.
     */
    key_field_id?: string | null;
    /**
     * The view field's uuid.
     */
    view_field_id?: string | null;
    /**
     * The rule to apply.
     */
    filter_type: FilterRuleType;
    /**
     * What the rule compares against.
     */
    filter_prop?: unknown;
}

/**
 * How a client connects and authenticates.
 */
export interface KaleidoscopeClientOptions {
    /**
     * The API's base URL. Default: `https://api.kaleidoscope.bio`.
     */
    url?: string | null;
    /**
     * OAuth client id. With `clientSecret`, for trusted internal tools only: the secret is in the page.
     */
    clientId?: string | null;
    /**
     * OAuth client secret. Never appears in an error, a log line or `toJSON()`.
     */
    clientSecret?: string | null;
    /**
     * Answers a fresh token; called again before expiry and after a 401. Keeps secrets out of the page.
     */
    tokenProvider?: () => Promise<{ access_token: string; expires_in: number }>;
    /**
     * Headers added to every request, e.g. an identity-aware proxy's `Authorization`.
     */
    additionalHeaders?: { [name: string]: string } | null;
    /**
     * Milliseconds one attempt may take before it is aborted. Default: 30000.
     */
    timeoutMs?: number | null;
    /**
     * Retries after a failed attempt: reads after network errors and 408/429/5xx, writes only after 429 or 503 with Retry-After. Default: 2.
     */
    maxRetries?: number | null;
    /**
     * The first backoff's ceiling in milliseconds (full jitter, doubling). Default: 500.
     */
    retryBaseMs?: number | null;
    /**
     * The longest wait, including a server's Retry-After, in milliseconds. Default: 8000.
     */
    retryMaxMs?: number | null;
    /**
     * The record cache's bound.
     */
    cache?: CacheOptions | null;
    /**
     * How many batches `getRecordsByIds` fetches at once. Default: 4.
     */
    concurrency?: number | null;
}

/**
 * One value written to a record's field.
 */
export interface RecordValue {
    /**
     * The value's uuid.
     */
    id: string;
    /**
     * The value itself: any JSON value.
     */
    content: unknown;
    /**
     * When the value was written (ISO-8601), or null.
     */
    created_at: string | null;
    /**
     * Null for key values; otherwise the record (or sub-record) it was written on.
     */
    record_id: string | null;
    /**
     * The activity (operation) the value was written in, or null.
     */
    operation_id: string | null;
    /**
     * The record view on the activity the value was written to (kalbio 0.5.0);
     * null, or absent when the server left it out (kept as it came).
     */
    record_view_id?: string | null;
}

/**
 * Options every async call takes last.
 */
export interface CallOptions {
    /**
     * Cancels the call: the request in flight and any backoff wait. It then rejects with code "aborted".
     */
    signal?: AbortSignal;
}

/**
 * Sort on a field's latest value.
 */
export interface FieldSort {
    /**
     * The field to sort by (uuid).
     */
    field_id?: string | null;
    /**
     * Largest first when true.
     */
    descending?: boolean;
}

/**
 * Sort through a view field; the field is named as in [`ViewFieldFilter`].
 */
export interface ViewFieldSort {
    /**
     * The key (or data) field's uuid.
     */
    key_field_id?: string | null;
    /**
     * The view field's uuid.
     */
    view_field_id?: string | null;
    /**
     * Largest first when true.
     */
    descending?: boolean;
}

/**
 * The options of `client.records.columns()`: which values count, as the
 * arguments of `getValueContent` choose them.
 */
export interface ColumnsOptions {
    /**
     * Only values written in this activity (uuid, title or object), and key values.
     */
    activityId?: ActivityIdentifier | null;
    /**
     * Also values written on sub-records.
     */
    includeSubRecordValues?: boolean | null;
    /**
     * Only values written to this record view (key values left out).
     */
    recordViewId?: string | null;
}

/**
 * The options of `getKeyFields`, `getDataFields` and `getActivities`.
 */
export interface ListOptions {
    /**
     * Cancels the call: the request in flight and any backoff wait. It then rejects with code "aborted".
     */
    signal?: AbortSignal;
    /**
     * Asks the server even when the list is cached and fresh, and caches the answer.
     */
    refresh?: boolean | null;
}

/**
 * The options of `getRecordsByIds`.
 */
export interface BatchOptions {
    /**
     * Cancels the call: the request in flight and any backoff wait. It then rejects with code "aborted".
     */
    signal?: AbortSignal;
    /**
     * Called once per batch with the records done so far and the records asked for.
     */
    onProgress?: (done: number, total: number) => void;
}

/**
 * The record cache's options.
 */
export interface CacheOptions {
    /**
     * The most records held: the least recently used records go first. Default: 50000.
     */
    maxRecords?: number | null;
    /**
     * How long a record, a "not found" and the field and activity lists are
     * reused, in milliseconds; `Infinity` keeps them until evicted. Default: 60000.
     */
    ttlMs?: number | null;
}

/**
 * What `createActivity` takes: a new activity's title, type and optional details.
 */
export interface NewActivity {
    /**
     * The activity's title; unique among activities.
     */
    title: string;
    /**
     * What kind of activity it is.
     */
    activity_type: "task" | "experiment" | "project" | "stage" | "milestone" | "cycle";
    /**
     * The activity definition (template) to make it from.
     */
    definition_id?: string | null;
    /**
     * Programs the activity belongs to.
     */
    program_ids?: string[];
    /**
     * Users assigned to it.
     */
    assigned_user_ids?: string[];
    /**
     * Start date (ISO-8601).
     */
    start_date?: string | null;
    /**
     * Planned duration in days.
     */
    duration?: number | null;
}

/**
 * What a file value's `content` holds (this project's definition).
 */
export interface FileContent {
    /**
     * Id to download the bytes from `GET /files/{file_id}`.
     */
    file_id: string;
    /**
     * The file's name as uploaded.
     */
    file_name: string;
    /**
     * The MIME type given at upload.
     */
    mime_type: string;
    /**
     * Size in bytes.
     */
    size: number;
}


/**
 * `client.activities`.
 */
export class ActivitiesService {
    private constructor();
    free(): void;
    [Symbol.dispose](): void;
    /**
     * Creates an activity and answers it.
     */
    createActivity(activity: NewActivity, options?: CallOptions | null): Promise<Activity>;
    /**
     * The activities that contain a record (reused for 10 seconds).
     */
    getActivitiesWithRecord(recordId: RecordIdentifier, options?: CallOptions | null): Promise<Activity[]>;
    /**
     * Every activity, cached for `cache.ttlMs`; `{ refresh: true }` asks the server anew
     * (an activity another client created is also found by a lookup that misses).
     */
    getActivities(options?: ListOptions | null): Promise<Activity[]>;
    /**
     * The activity with that uuid or title, or `null`.
     */
    getActivityById(idOrTitle: ActivityIdentifier, options?: CallOptions | null): Promise<Activity | null>;
}

/**
 * `client.entityFields`.
 */
export class EntityFieldsService {
    private constructor();
    free(): void;
    [Symbol.dispose](): void;
    /**
     * Every data field, cached for `cache.ttlMs`; `{ refresh: true }` asks the server anew.
     */
    getDataFields(options?: ListOptions | null): Promise<EntityField[]>;
    /**
     * Every key field, cached for `cache.ttlMs`; `{ refresh: true }` asks the server anew.
     */
    getKeyFields(options?: ListOptions | null): Promise<EntityField[]>;
    /**
     * The data field of that name, created with `fieldType` when there is none.
     */
    getOrCreateDataField(name: string, fieldType: string, options?: CallOptions | null): Promise<EntityField>;
    /**
     * The key field of that name, created when there is none.
     */
    getOrCreateKeyField(name: string, options?: CallOptions | null): Promise<EntityField>;
}

/**
 * A client for the Kaleidoscope API. Each client has its own caches.
 */
export class KaleidoscopeClient {
    free(): void;
    [Symbol.dispose](): void;
    /**
     * The cache's counters: hits, misses, evictions and records held.
     */
    cacheStats(): CacheStats;
    /**
     * Downloads a file value's bytes by its `file_id`; `null` when it does not exist.
     */
    downloadFile(fileId: string, activityId?: ActivityIdentifier | null, options?: CallOptions | null): Promise<Uint8Array | null>;
    /**
     * Makes a client. Nothing is sent until the first call.
     */
    constructor(options: KaleidoscopeClientOptions);
    /**
     * Activities (experiments, tasks…).
     */
    readonly activities: ActivitiesService;
    /**
     * Key fields and data fields.
     */
    readonly entityFields: EntityFieldsService;
    /**
     * Records: get, search, create, upload.
     */
    readonly records: RecordsService;
}

/**
 * A record: a compound, a sample, a batch… Its data lives in wasm memory.
 */
export class Record {
    private constructor();
    free(): void;
    [Symbol.dispose](): void;
    /**
     * Writes a value to a field (in an activity, if given), then refetches the record.
     */
    addValue(fieldId: FieldIdentifier, content: unknown, activityId?: ActivityIdentifier | null, recordViewId?: string | null, options?: CallOptions | null): Promise<void>;
    /**
     * The activities that contain this record (reused for 10 seconds).
     */
    getActivities(options?: CallOptions | null): Promise<Activity[]>;
    /**
     * `{ field_id: content }` of every field with a value in the activity (key values included).
     */
    getActivityData(activityId: ActivityIdentifier): { [field_id: string]: unknown };
    /**
     * The content of the field's newest value (by `created_at`), or null. With an
     * activity: only values written in it (and key values). Sub-record values
     * count only with `includeSubRecordValues`; `subRecordId` keeps one sub-record's.
     * Field names and activity titles resolve through the cached lists.
     */
    getValueContent(fieldId: FieldIdentifier, activityId?: ActivityIdentifier | null, includeSubRecordValues?: boolean | null, subRecordId?: Record | string | null, recordViewId?: string | null): unknown;
    /**
     * Every value of the record, fetched from the server.
     */
    getValues(options?: CallOptions | null): Promise<RecordValue[]>;
    /**
     * Drops the record from the caches and fetches it again; this handle then shows the new data.
     */
    refetch(options?: CallOptions | null): Promise<void>;
    /**
     * The record as a plain object, the API's shape.
     */
    toJSON(): RecordJSON;
    /**
     * Uploads a file as the field's new value and answers it; the record is refetched.
     */
    updateFieldFile(fieldId: FieldIdentifier, fileName: string, fileData: FileData, fileType: string, activityId?: ActivityIdentifier | null, recordViewId?: string | null, options?: CallOptions | null): Promise<RecordValue>;
    /**
     * Writes a new value to a field and answers it; the record is refetched.
     */
    updateField(fieldId: FieldIdentifier, value: unknown, activityId?: ActivityIdentifier | null, recordViewId?: string | null, options?: CallOptions | null): Promise<RecordValue>;
    /**
     * When the record was created (ISO-8601).
     */
    readonly created_at: string;
    /**
     * The entity slice (type) the record belongs to.
     */
    readonly entity_slice_id: string;
    /**
     * The record's uuid.
     */
    readonly id: string;
    /**
     * Ids of the values that hold the record's key values.
     */
    readonly identifier_ids: string[];
    /**
     * The activity the record was created in, or null (as in `toJSON()`).
     */
    readonly initial_operation_id: string | null;
    /**
     * Human-readable name, e.g. `CMP-0042`.
     */
    readonly record_identifier: string;
    /**
     * Field id → every value written to it. Makes a new plain object on each read.
     */
    readonly record_values: { [field_id: string]: RecordValue[] };
    /**
     * Ids of the record's sub-records.
     */
    readonly sub_record_ids: string[];
}

/**
 * `client.records`.
 */
export class RecordsService {
    private constructor();
    free(): void;
    [Symbol.dispose](): void;
    /**
     * Empties the record caches and the record-activities cache.
     */
    clearRecordCaches(): void;
    /**
     * Columns for charts and tables, in one call: each field's current value for
     * every record named by `idsOrQuery` (a list of `Record`s or uuids, or a query
     * run as `queryCached`) that the cache holds, whatever its age; others are
     * left out of `ids`. A column of numbers is a `Float64Array`, `NaN` where a
     * record has no value. The options scope the values as `getValueContent`'s
     * arguments do. Field names and activity titles resolve through the cached lists.
     */
    columns(idsOrQuery: (Record | string)[] | SearchRecordsQuery, fields: FieldIdentifier[], options?: ColumnsOptions | null): RecordColumns;
    /**
     * Uploads a file as a record's field value and answers the new value.
     */
    createRecordValueFile(recordId: RecordIdentifier, fieldId: FieldIdentifier, fileName: string, fileData: FileData, fileType: string, activityId?: ActivityIdentifier | null, options?: CallOptions | null): Promise<RecordValue>;
    /**
     * The record with these key values, created when none exists.
     */
    getOrCreateRecord(keyValues: KeyValues, options?: CallOptions | null): Promise<Record>;
    /**
     * A record by uuid or key values; `null` when none exists. Cached: a second call sends nothing.
     */
    getRecordById(id: RecordIdentifier, options?: CallOptions | null): Promise<Record | null>;
    /**
     * Records in the order asked (duplicates kept, unknown ids left out), fetched in batches.
     */
    getRecordsByIds(ids: RecordIdentifier[], batchSize?: number | null, options?: BatchOptions | null): Promise<Record[]>;
    /**
     * The same search evaluated here, at once, with the sandbox's engine, over every
     * record the cache holds, whatever its age (`cache.ttlMs` does not apply).
     */
    queryCached(query?: SearchRecordsQuery | null): string[];
    /**
     * Record ids matching a search, as the server orders them. With no query: every record.
     */
    searchRecords(query?: SearchRecordsQuery | null, options?: CallOptions | null): Promise<string[]>;
}

export type InitInput = RequestInfo | URL | Response | BufferSource | WebAssembly.Module;

export interface InitOutput {
    readonly memory: WebAssembly.Memory;
    readonly __wbg_activitiesservice_free: (a: number, b: number) => void;
    readonly __wbg_entityfieldsservice_free: (a: number, b: number) => void;
    readonly __wbg_kaleidoscopeclient_free: (a: number, b: number) => void;
    readonly __wbg_record_free: (a: number, b: number) => void;
    readonly __wbg_recordsservice_free: (a: number, b: number) => void;
    readonly activitiesservice_createActivity: (a: number, b: any, c: number) => any;
    readonly activitiesservice_getActivities: (a: number, b: number) => any;
    readonly activitiesservice_getActivitiesWithRecord: (a: number, b: any, c: number) => any;
    readonly activitiesservice_getActivityById: (a: number, b: any, c: number) => any;
    readonly entityfieldsservice_getDataFields: (a: number, b: number) => any;
    readonly entityfieldsservice_getKeyFields: (a: number, b: number) => any;
    readonly entityfieldsservice_getOrCreateDataField: (a: number, b: any, c: any, d: number) => any;
    readonly entityfieldsservice_getOrCreateKeyField: (a: number, b: any, c: number) => any;
    readonly kaleidoscopeclient_activities: (a: number) => any;
    readonly kaleidoscopeclient_cacheStats: (a: number) => [number, number, number];
    readonly kaleidoscopeclient_downloadFile: (a: number, b: any, c: number, d: number) => any;
    readonly kaleidoscopeclient_entityFields: (a: number) => any;
    readonly kaleidoscopeclient_new: (a: any) => [number, number, number];
    readonly kaleidoscopeclient_records: (a: number) => any;
    readonly record_addValue: (a: number, b: any, c: any, d: number, e: number, f: number) => any;
    readonly record_created_at: (a: number) => [number, number];
    readonly record_entity_slice_id: (a: number) => [number, number];
    readonly record_getActivities: (a: number, b: number) => any;
    readonly record_getActivityData: (a: number, b: any) => [number, number, number];
    readonly record_getValueContent: (a: number, b: any, c: number, d: number, e: number, f: number) => [number, number, number];
    readonly record_getValues: (a: number, b: number) => any;
    readonly record_id: (a: number) => [number, number];
    readonly record_identifier_ids: (a: number) => [number, number];
    readonly record_initial_operation_id: (a: number) => any;
    readonly record_record_identifier: (a: number) => [number, number];
    readonly record_record_values: (a: number) => [number, number, number];
    readonly record_refetch: (a: number, b: number) => any;
    readonly record_sub_record_ids: (a: number) => [number, number];
    readonly record_toJSON: (a: number) => [number, number, number];
    readonly record_updateField: (a: number, b: any, c: any, d: number, e: number, f: number) => any;
    readonly record_updateFieldFile: (a: number, b: any, c: any, d: any, e: any, f: number, g: number, h: number) => any;
    readonly recordsservice_clearRecordCaches: (a: number) => void;
    readonly recordsservice_columns: (a: number, b: any, c: any, d: number) => [number, number, number];
    readonly recordsservice_createRecordValueFile: (a: number, b: any, c: any, d: any, e: any, f: any, g: number, h: number) => any;
    readonly recordsservice_getOrCreateRecord: (a: number, b: any, c: number) => any;
    readonly recordsservice_getRecordById: (a: number, b: any, c: number) => any;
    readonly recordsservice_getRecordsByIds: (a: number, b: any, c: number, d: number) => any;
    readonly recordsservice_queryCached: (a: number, b: number) => [number, number, number];
    readonly recordsservice_searchRecords: (a: number, b: number, c: number) => any;
    readonly wasm_bindgen_a283fd348162c721___convert__closures_____invoke___js_sys_fbd9ca7001a0b51c___Function_fn_wasm_bindgen_a283fd348162c721___JsValue_____wasm_bindgen_a283fd348162c721___sys__Undefined___js_sys_fbd9ca7001a0b51c___Function_fn_wasm_bindgen_a283fd348162c721___JsValue_____wasm_bindgen_a283fd348162c721___sys__Undefined_______true_: (a: number, b: number, c: any, d: any) => void;
    readonly wasm_bindgen_a283fd348162c721___convert__closures_____invoke___wasm_bindgen_a283fd348162c721___JsValue__core_27cd0353e63fa9bc___result__Result_____wasm_bindgen_a283fd348162c721___JsError___true_: (a: number, b: number, c: any) => [number, number];
    readonly wasm_bindgen_a283fd348162c721___convert__closures_____invoke_______true_: (a: number, b: number) => void;
    readonly __wbindgen_malloc: (a: number, b: number) => number;
    readonly __wbindgen_realloc: (a: number, b: number, c: number, d: number) => number;
    readonly __wbindgen_free: (a: number, b: number, c: number) => void;
    readonly __wbindgen_exn_store: (a: number) => void;
    readonly __externref_table_alloc: () => number;
    readonly __wbindgen_externrefs: WebAssembly.Table;
    readonly __wbindgen_destroy_closure: (a: number, b: number) => void;
    readonly __externref_table_dealloc: (a: number) => void;
    readonly __externref_drop_slice: (a: number, b: number) => void;
    readonly __wbindgen_start: () => void;
}

export type SyncInitInput = BufferSource | WebAssembly.Module;

/**
 * Instantiates the given `module`, which can either be bytes or
 * a precompiled `WebAssembly.Module`.
 *
 * @param {{ module: SyncInitInput }} module - Passing `SyncInitInput` directly is deprecated.
 *
 * @returns {InitOutput}
 */
export function initSync(module: { module: SyncInitInput } | SyncInitInput): InitOutput;

/**
 * If `module_or_path` is {RequestInfo} or {URL}, makes a request and
 * for everything else, calls `WebAssembly.instantiate` directly.
 *
 * @param {{ module_or_path: InitInput | Promise<InitInput> }} module_or_path - Passing `InitInput` directly is deprecated.
 *
 * @returns {Promise<InitOutput>}
 */
export default function __wbg_init (module_or_path?: { module_or_path: InitInput | Promise<InitInput> } | InitInput | Promise<InitInput>): Promise<InitOutput>;
