// Written as a user of the package writes it; must type-check.
import init, {
  KaleidoscopeClient,
  FilterRuleType,
  KalbioError,
  type SearchRecordsQuery,
  type FieldFilter,
  type RecordValue,
  type KaleidoscopeClientOptions,
} from "kalbio";

export async function main(): Promise<string[]> {
  await init();
  const options: KaleidoscopeClientOptions = {
    url: "http://127.0.0.1:8787",
    tokenProvider: async () => ({ access_token: "t", expires_in: 3600 }),
    additionalHeaders: { Authorization: "Bearer proxy" },
  };
  const client = new KaleidoscopeClient(options);
  const byName: FieldFilter = { field_id: "ic50-uuid", filter_type: FilterRuleType.IS_LESS_THAN, filter_prop: 100 };
  const byString: FieldFilter = { field_id: "assay-uuid", filter_type: "is_equal", filter_prop: "SPR" };
  const query: SearchRecordsQuery = {
    entity_field_filters: [byName, byString],
    entity_field_sorts: [{ field_id: "ic50-uuid", descending: false }],
    limit: 50,
  };
  const ids: string[] = await client.records.searchRecords(query);
  const records = await client.records.getRecordsByIds(ids, 250);
  const first = records[0];
  if (first) {
    const ic50: unknown = first.getValueContent("IC50");
    const value: RecordValue = await first.updateField("IC50", 12.5, "Kinase panel Q1");
    console.log(ic50, value.created_at, first.record_identifier, first.toJSON().record_values);
  }
  const { ids: charted, columns } = client.records.columns(records, ["IC50", "Assay"], { activityId: "Kinase panel Q1", recordViewId: "view-uuid" });
  const ic50s = columns["IC50"];
  if (ic50s instanceof Float64Array) console.log(charted.length, ic50s.reduce((a, b) => a + b, 0));
  const byQuery = client.records.columns(query, ["ic50-uuid"]);
  console.log(byQuery.ids);
  try {
    await client.records.getRecordById({ "Compound ID": "CMP-0001" });
  } catch (e) {
    if (e instanceof KalbioError && e.code === "http_error") console.log(e.status, e.requestId);
  }
  return ids;
}
