"use client";
// A client component that imports kalbio at the top, as a user writes it: Next
// still prerenders it on the server, where importing the package must not load
// the wasm. In the browser it reads a record with tokens from /api/token, so no
// secret reaches the page.
import { useEffect, useState } from "react";
import init, { KaleidoscopeClient, KalbioError } from "kalbio";

const tokenProvider = async () => {
  const response = await fetch("/api/token", { cache: "no-store" });
  if (!response.ok) throw new Error(`/api/token answered ${response.status}`);
  return response.json();
};

export default function Page() {
  const [result, setResult] = useState(null);
  useEffect(() => {
    const url = new URLSearchParams(window.location.search).get("api");
    (async () => {
      await init();
      const client = new KaleidoscopeClient({ url, tokenProvider });
      const record = await client.records.getRecordById({ "Compound ID": "CMP-0042" });
      return { identifier: record.record_identifier, error: null };
    })()
      .catch((e) => ({ identifier: null, error: `${e instanceof KalbioError ? e.code : e.name}: ${e.message}` }))
      .then(setResult);
  }, []);
  return <pre id="result">{result ? JSON.stringify(result) : "loading"}</pre>;
}
