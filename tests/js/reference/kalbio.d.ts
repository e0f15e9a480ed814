/* tslint:disable */
/* eslint-disable */

/**
 * The options of the cached reads: `getRecordById`, `getOrCreateRecord`,
 * `getActivitiesWithRecord`, `Record.getActivities`.
 */
export interface ReadOptions {
    /**
     * Cancels the call: the request in flight and any backoff wait. It then rejects with code "aborted".
     */
    signal?: AbortSignal;
    /**
     * `false` skips the cache: the server is asked by a request of its own (never
     * one already under way), and its answer replaces the cached entry; record
     * handles JS holds show it. As kalbio 0.7.0's `use_cache=False`.
     */
    useCache?: boolean | null;
}



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

/**
 * What `onRequest` receives when an attempt of a request ends, and `onRetry`
 * before the wait for the next one. Never a header, a query string or a token.
 */
export interface RequestEvent {
    /** The request's method. */
    method: "GET" | "POST" | "PUT" | "DELETE";
    /** The request's path, without its query string. */
    path: string;
    /** Which attempt of the call: 1 for the first. */
    attempt: number;
    /** The answer's status, or `null` when none came. */
    status: number | null;
    /** `"network_error"`, `"timeout"` or `"aborted"` when no answer came, else `null`. */
    error: "network_error" | "timeout" | "aborted" | null;
    /** How long the attempt took, in milliseconds. */
    durationMs: number;
    /** For `onRetry`: how long the client waits before the next attempt, in milliseconds. */
    waitMs?: number;
}

/** What `client.records.columns()` returns. */
export interface RecordColumns {
    /** The records returned, in order: a column's `i`-th entry belongs to `ids[i]`. */
    ids: string[];
    /**
     * One column per field, under the name, uuid or field object's id it was asked by:
     * a `Float64Array` when every value present is a number (`NaN` where a record has
     * none), else texts (other values as JSON text, `null` where a record has none).
     */
    columns: { [field: string]: Float64Array | (string | null)[] };
}



/** An entity type (kalbio 0.7.0's `EntityType`): the same object as an `EntitySlice`. */
export type EntityType = EntitySlice;


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
     * When the field was created (ISO-8601), or null.
     */
    created_at: string | null;
    /**
     * True for key fields, false for data fields, null when the server left it out.
     */
    is_key: boolean | null;
    /**
     * The field's unique name, e.g. `IC50`, or null.
     */
    field_name: string | null;
    /**
     * Free text describing the field.
     */
    field_description?: string;
    /**
     * Free text with example values.
     */
    field_examples?: string;
    /**
     * The field's type, e.g. `number`, `text`, `file`, or null.
     */
    field_type: string | null;
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
     * Only records of this record set.
     */
    record_set_id?: string;
    /**
     * Only records in any of these record sets: ids separated by commas
     * (the name the Python client uses).
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
     * Record-set filters (`kalbio-sandbox` ignores them).
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
     * When the record was created (ISO-8601), or null when the server left it out.
     */
    created_at: string | null;
    /**
     * The entity type (set of key fields) the record belongs to, or null.
     */
    entity_slice_id: string | null;
    /**
     * Ids of the record values that hold its key values.
     */
    identifier_ids?: string[];
    /**
     * Human-readable name, e.g. `CMP-0042`, or null.
     */
    record_identifier: string | null;
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
     * When it was created (ISO-8601), or null.
     */
    created_at: string | null;
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
     * `task`, `experiment`, `project`, `stage`, `milestone` or `cycle`, or null.
     */
    activity_type: string | null;
    /**
     * The activity's title, also usable as its name; or null.
     */
    title: string | null;
    /**
     * Free-form description.
     */
    description?: unknown;
    /**
     * Status, e.g. `in progress`, or null.
     */
    status: string | null;
    /**
     * Users assigned to it.
     */
    assigned_user_ids?: string[];
    /**
     * Groups assigned to it.
     */
    assigned_group_ids?: string[];
    /**
     * Users who get its notifications (kalbio 0.7.0).
     */
    subscriber_ids?: string[];
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
     * Whether the activity is a draft, or null.
     */
    is_draft: boolean | null;
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
    /**
     * Registration drafts staged on the activity and not yet registered (kalbio 0.7.0).
     */
    data_table_draft_record_ids?: string[];
    /**
     * The activity's registration staging view, where drafts are uploaded, or null
     * (kalbio 0.7.0).
     */
    registration_staging_record_view_id: string | null;
}

/**
 * An entity slice (kalbio 0.7.0: an entity type): the set of key fields that names
 * one type of record.
 */
export interface EntitySlice {
    /**
     * The slice's uuid.
     */
    id: string;
    /**
     * The key fields that make up the slice.
     */
    key_field_ids?: string[];
    /**
     * A readable name, e.g. `Compound`, or null.
     */
    slice_name: string | null;
}

/**
 * Counters a caller can read to see the cache at work.
 */
export interface CacheStats {
    /**
     * Lookups served from the cache (a remembered "not found" counts).
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
     * What the rule compares against; its shape depends on the rule (the filter rules are in the package, `kalbio/docs/filters.md`).
     */
    filter_prop?: unknown;
}

/**
 * Filter through a view field. `kalbio-sandbox` takes `key_field_id` (or else
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
     * A function that resolves to `{ access_token, expires_in }`; the client calls it again before the token expires and after a 401. Keeps secrets out of the page.
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
    /**
     * Called when each attempt of a request ends (retries included), for logs and metrics.
     */
    onRequest?: (event: RequestEvent) => void;
    /**
     * Called before each retry's wait, with the failed attempt's event and its `waitMs`.
     */
    onRetry?: (event: RequestEvent) => void;
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
     * The value itself: any JSON value (null when the server left it out).
     */
    content?: unknown;
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
     * The record view on the activity the value was written to (as in the Python client);
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
 * The options of `getRecordsByIds`.
 */
export interface BatchOptions {
    /**
     * Cancels the call: the request in flight and any backoff wait. It then rejects with code "aborted".
     */
    signal?: AbortSignal;
    /**
     * Called once per batch as it lands, with the records done so far and the
     * records asked for; a callback with a third parameter also receives the
     * batch's records (so a table can fill while a large load runs).
     */
    onProgress?: (done: number, total: number, records?: Record[]) => void;
    /**
     * `false` fetches every record anew (cached ones too) and drops the cached
     * entries of the ids asked first, so one the server no longer has is left
     * out; as kalbio 0.7.0's `use_cache=False`.
     */
    useCache?: boolean | null;
}

/**
 * The options of the list getters (`getKeyFields`, `getDataFields`,
 * `getActivities`, `entityTypes.getTypes` …).
 */
export interface ListOptions {
    /**
     * Cancels the call: the request in flight and any backoff wait. It then rejects with code "aborted".
     */
    signal?: AbortSignal;
    /**
     * `false` asks the server even when the list is cached and fresh (by a request
     * of its own), and caches what it returns; as kalbio 0.7.0's `use_cache=False`.
     */
    useCache?: boolean | null;
    /**
     * `true` is `useCache: false` (its older name).
     */
    refresh?: boolean | null;
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
    /**
     * Users who get the activity's notifications (sent as `[]` when not given).
     */
    subscriber_ids?: string[];
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
 * The activities service (`client.activities`).
 */
export class ActivitiesService {
    private constructor();
    free(): void;
    /**
     * Creates an activity. Resolves to the new activity.
     */
    createActivity(activity: NewActivity, options?: CallOptions | null): Promise<Activity>;
    /**
     * Resolves to the activities that contain a record (kept for 10 seconds;
     * `{ useCache: false }` asks the server anew).
     */
    getActivitiesWithRecord(recordId: RecordIdentifier, options?: ReadOptions | null): Promise<Activity[]>;
    /**
     * Resolves to every activity, cached for `cache.ttlMs`; `{ useCache: false }` asks the server anew.
     */
    getActivities(options?: ListOptions | null): Promise<Activity[]>;
    /**
     * Resolves to the activity with that uuid or title, or to `null`.
     */
    getActivityById(idOrTitle: ActivityIdentifier, options?: CallOptions | null): Promise<Activity | null>;
}

/**
 * The fields service (`client.entityFields`).
 */
export class EntityFieldsService {
    private constructor();
    free(): void;
    /**
     * Resolves to every data field, cached for `cache.ttlMs`; `{ useCache: false }` asks the server anew.
     */
    getDataFields(options?: ListOptions | null): Promise<EntityField[]>;
    /**
     * Resolves to every key field, cached for `cache.ttlMs`; `{ useCache: false }` asks the server anew.
     */
    getKeyFields(options?: ListOptions | null): Promise<EntityField[]>;
    /**
     * Resolves to the data field of that name, created with `fieldType` when there is none.
     */
    getOrCreateDataField(name: string, fieldType: string, options?: CallOptions | null): Promise<EntityField>;
    /**
     * Resolves to the key field of that name, created when there is none.
     */
    getOrCreateKeyField(name: string, options?: CallOptions | null): Promise<EntityField>;
}

/**
 * `client.entityTypes`.
 */
export class EntityTypesService {
    private constructor();
    free(): void;
    /**
     * Resolves to the ids of an entity type's records, as the server orders them
     * (kalbio 0.7.0's `EntityType.get_record_ids`: `searchRecords({ entity_slice_id })`).
     */
    getRecordIds(entityType: EntityType | string, options?: CallOptions | null): Promise<string[]>;
    /**
     * Resolves to the entity type named `name` (its `slice_name`, e.g. `"Compound"`),
     * or to `null`.
     */
    getTypeByName(name: string, options?: CallOptions | null): Promise<EntityType | null>;
    /**
     * Resolves to the entity type whose key fields are exactly `keyFieldIds` (in any
     * order), or to `null`.
     */
    getTypeExactKeys(keyFieldIds: string[], options?: CallOptions | null): Promise<EntityType | null>;
    /**
     * Resolves to the entity types whose key fields include every one of
     * `keyFieldIds`; to none when the list is empty.
     */
    getTypesWithKeyFields(keyFieldIds: string[], options?: CallOptions | null): Promise<EntityType[]>;
    /**
     * Resolves to every entity type (`GET /entity_slices`), cached like the field
     * lists for `cache.ttlMs`; `{ useCache: false }` asks the server anew.
     */
    getTypes(options?: ListOptions | null): Promise<EntityType[]>;
}

/**
 * A client for the Kaleidoscope API, with its own caches. `await init()` first.
 */
export class KaleidoscopeClient {
    free(): void;
    /**
     * Returns the cache's counters: hits, misses, evictions and records held.
     */
    cacheStats(): CacheStats;
    /**
     * Empties every cache (kalbio 0.7.0's `clear_caches()`): records, remembered
     * misses, the key index, record activities, and the field, activity and
     * entity type lists. Record handles you hold keep their data.
     */
    clearCaches(): void;
    /**
     * Downloads a file value's bytes by its `file_id`; resolves to `null` when there is none.
     */
    downloadFile(fileId: string, activityId?: ActivityIdentifier | null, options?: CallOptions | null): Promise<Uint8Array | null>;
    /**
     * Creates a client; nothing is sent until the first call.
     */
    constructor(options: KaleidoscopeClientOptions);
    /**
     * The activities service: experiments, tasks…
     */
    readonly activities: ActivitiesService;
    /**
     * The fields service: key fields and data fields.
     */
    readonly entityFields: EntityFieldsService;
    /**
     * The entity types service (kalbio 0.7.0's `client.entity_types`): the sets of
     * key fields that name each type of record, e.g. every compound.
     */
    readonly entityTypes: EntityTypesService;
    /**
     * The records service: get, search, create, upload.
     */
    readonly records: RecordsService;
}

/**
 * A record: a compound, a sample, a batch… Its data lives in wasm memory.
 */
export class Record {
    private constructor();
    free(): void;
    /**
     * Writes a value to a field (in an activity, if given), then refetches the
     * record; resolves to the value written (as kalbio 0.7.0's `add_value`).
     */
    addValue(fieldId: FieldIdentifier, content: unknown, activityId?: ActivityIdentifier | null, recordViewId?: string | null, options?: CallOptions | null): Promise<RecordValue>;
    /**
     * Resolves to the activities that contain this record (kept for 10 seconds;
     * `{ useCache: false }` asks the server anew).
     */
    getActivities(options?: ReadOptions | null): Promise<Activity[]>;
    /**
     * Returns `{ field_id: content }` of every field with a value in the activity (key values included).
     */
    getActivityData(activityId: ActivityIdentifier): { [field_id: string]: unknown };
    /**
     * Returns the content of the field's newest value (by `created_at`), or `null`. With an
     * activity: only values written in it (and key values). Sub-record values
     * count only with `includeSubRecordValues`; `subRecordId` alone selects that
     * sub-record's values (as kalbio 0.7.0 does; 0.5.0 returned `null` there).
     * Field names and activity titles resolve through the cached lists.
     */
    getValueContent(fieldId: FieldIdentifier, activityId?: ActivityIdentifier | null, includeSubRecordValues?: boolean | null, subRecordId?: Record | string | null, recordViewId?: string | null): unknown;
    /**
     * Fetches every value of the record from the server.
     */
    getValues(options?: CallOptions | null): Promise<RecordValue[]>;
    /**
     * Drops the record from the caches and fetches it again; this handle then shows the new data.
     */
    refetch(options?: CallOptions | null): Promise<void>;
    /**
     * Returns the record as a plain object, in the API's shape.
     */
    toJSON(): RecordJSON;
    /**
     * Uploads a file as the field's new value and resolves to it; the record is refetched.
     */
    updateFieldFile(fieldId: FieldIdentifier, fileName: string, fileData: FileData, fileType: string, activityId?: ActivityIdentifier | null, recordViewId?: string | null, options?: CallOptions | null): Promise<RecordValue>;
    /**
     * Writes a new value to a field and resolves to it; the record is refetched.
     */
    updateField(fieldId: FieldIdentifier, value: unknown, activityId?: ActivityIdentifier | null, recordViewId?: string | null, options?: CallOptions | null): Promise<RecordValue>;
    /**
     * When the record was created (ISO-8601), or `null` when the server left it out.
     */
    readonly created_at: string | null;
    /**
     * The entity slice (type) the record belongs to, or `null` when the server left it out.
     */
    readonly entity_slice_id: string | null;
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
     * Human-readable name, e.g. `CMP-0042`, or `null` when the server left it out.
     */
    readonly record_identifier: string | null;
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
 * The records service (`client.records`).
 */
export class RecordsService {
    private constructor();
    free(): void;
    /**
     * Empties the record caches and the record-activities cache (the field and
     * activity lists stay: `client.clearCaches()` empties those too).
     */
    clearRecordCaches(): void;
    /**
     * Returns columns for charts and tables, in one call: each field's current value for
     * every record named by `idsOrQuery` (a list of `Record`s or uuids, or a query
     * run as `queryCached`) that the cache holds, whatever its age; others are
     * left out of `ids`. A column of numbers is a `Float64Array`, `NaN` where a
     * record has no value. The options scope the values as `getValueContent`'s
     * arguments do. Field names and activity titles resolve through the cached lists.
     */
    columns(idsOrQuery: (Record | string)[] | SearchRecordsQuery, fields: FieldIdentifier[], options?: ColumnsOptions | null): RecordColumns;
    /**
     * Uploads a file as a record's field value. Resolves to the new value.
     */
    createRecordValueFile(recordId: RecordIdentifier, fieldId: FieldIdentifier, fileName: string, fileData: FileData, fileType: string, activityId?: ActivityIdentifier | null, options?: CallOptions | null): Promise<RecordValue>;
    /**
     * Resolves to the record with these key values, created when none exists; a
     * cached one is reused unless `{ useCache: false }`.
     */
    getOrCreateRecord(keyValues: KeyValues, options?: ReadOptions | null): Promise<Record>;
    /**
     * Fetches a record by uuid or key values; resolves to `null` when none exists.
     * Cached: a second call sends nothing; `{ useCache: false }` fetches it anew
     * and refreshes the cache.
     */
    getRecordById(id: RecordIdentifier, options?: ReadOptions | null): Promise<Record | null>;
    /**
     * Fetches records in batches; resolves to them in the order asked (duplicates
     * kept, unknown ids left out). `{ useCache: false }` fetches the cached ones too.
     */
    getRecordsByIds(ids: RecordIdentifier[], batchSize?: number | null, options?: BatchOptions | null): Promise<Record[]>;
    /**
     * Returns at once the ids of the cached records, whatever their age, that match
     * the search, by the rules of `searchRecords`.
     */
    queryCached(query?: SearchRecordsQuery | null): string[];
    /**
     * Resolves to the ids of the records matching a search, in the server's order.
     */
    searchRecords(query?: SearchRecordsQuery | null, options?: CallOptions | null): Promise<string[]>;
}

export type InitInput = RequestInfo | URL | Response | BufferSource | WebAssembly.Module;

export interface InitOutput {
    readonly memory: WebAssembly.Memory;
    readonly __wbg_activitiesservice_free: (a: number, b: number) => void;
    readonly __wbg_entityfieldsservice_free: (a: number, b: number) => void;
    readonly __wbg_entitytypesservice_free: (a: number, b: number) => void;
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
    readonly entitytypesservice_getRecordIds: (a: number, b: any, c: number) => any;
    readonly entitytypesservice_getTypeByName: (a: number, b: any, c: number) => any;
    readonly entitytypesservice_getTypeExactKeys: (a: number, b: any, c: number) => any;
    readonly entitytypesservice_getTypes: (a: number, b: number) => any;
    readonly entitytypesservice_getTypesWithKeyFields: (a: number, b: any, c: number) => any;
    readonly kaleidoscopeclient_activities: (a: number) => any;
    readonly kaleidoscopeclient_cacheStats: (a: number) => [number, number, number];
    readonly kaleidoscopeclient_clearCaches: (a: number) => void;
    readonly kaleidoscopeclient_downloadFile: (a: number, b: any, c: number, d: number) => any;
    readonly kaleidoscopeclient_entityFields: (a: number) => any;
    readonly kaleidoscopeclient_entityTypes: (a: number) => any;
    readonly kaleidoscopeclient_new: (a: any) => [number, number, number];
    readonly kaleidoscopeclient_records: (a: number) => any;
    readonly record_addValue: (a: number, b: any, c: any, d: number, e: number, f: number) => any;
    readonly record_created_at: (a: number) => any;
    readonly record_entity_slice_id: (a: number) => any;
    readonly record_getActivities: (a: number, b: number) => any;
    readonly record_getActivityData: (a: number, b: any) => [number, number, number];
    readonly record_getValueContent: (a: number, b: any, c: number, d: number, e: number, f: number) => [number, number, number];
    readonly record_getValues: (a: number, b: number) => any;
    readonly record_id: (a: number) => [number, number];
    readonly record_identifier_ids: (a: number) => [number, number];
    readonly record_initial_operation_id: (a: number) => any;
    readonly record_record_identifier: (a: number) => any;
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
