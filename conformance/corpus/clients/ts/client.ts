// A TypeScript client of the gateway's JSON front end. Its types come from
// the OpenAPI document the gateway generates from the WSDLs (api.d.ts, made
// by openapi-typescript at test time): a call that does not fit its
// operation's schema does not compile. It calls the demo inventory and
// three corpus services behind a SOAP upstream, so a JSON caller reaches a
// SOAP service through the gateway. Usage: node dist/client.js GATEWAY_URL.
import createClient from "openapi-fetch";
import type { paths } from "./api.js";

const base = process.argv[2];
if (!base) throw new Error("usage: client.js GATEWAY_URL");
const api = createClient<paths>({ baseUrl: base });

function check(cond: boolean, what: string): void {
  if (!cond) throw new Error("FAILED: " + what);
}

const login = await api.POST("/api/session/login", { body: { username: "bob", password: "builder" } });
check(login.response.status === 200 && login.data !== undefined && login.data.username === "bob", "login");
const headers = { Authorization: "Bearer " + login.data!.token };

const item = await api.POST("/api/inventory/GetItem", { body: { sku: "A-1" }, headers });
check(item.data?.item?.name === "Widget", "GetItem: " + JSON.stringify(item.data));

const reserved = await api.POST("/api/inventory/Reserve", { body: { sku: "B-2", quantity: 1 }, headers });
check(reserved.data?.reservation?.sku === "B-2", "Reserve");
const mine = await api.POST("/api/inventory/MyReservations", { body: {}, headers });
check((mine.data?.reservation ?? []).some((r) => r.id === reserved.data?.reservation?.id), "MyReservations");

const fault = await api.POST("/api/inventory/Reserve", { body: { sku: "C-3", quantity: 1 }, headers });
check(fault.response.status === 422 && fault.error !== undefined && fault.error.fault === "OutOfStock", "an application fault: " + JSON.stringify(fault.error));

const who = await api.GET("/api/session/whoami", { headers });
check(who.data?.username === "bob" && (who.data?.clients ?? []).some((c) => c.protocol === "json"), "whoami");
const events = await api.GET("/api/session/events", { params: { query: { since: 0, wait: 0 } }, headers });
check((events.data?.events ?? []).length > 0, "events");

// Corpus services behind a SOAP upstream that echoes each request.
const hl7 = await api.POST("/api/hl7/PRPA_IN201305", {
  body: { patient: { id: "P-9" }, act: { code: "A", observationCode: ["bp", "hr"], observationValue: ["120.5", "61"] } },
  headers,
});
check(hl7.data?.patient?.id === "P-9" && JSON.stringify(hl7.data?.act?.observationValue) === '["120.5","61"]', "hl7: " + JSON.stringify(hl7.data));

const pain = await api.POST("/api/pain/Initiate", {
  body: {
    CstmrCdtTrfInitn: {
      MsgId: "M1", CreDtTm: "2026-11-30T10:00:00+01:00", ReqdExctnDt: "2026-12-01", Dbtr: { Id: { OrgId: { BICOrBEI: "DEUTDEFF" } } },
      CdtTrfTxInf: [{ EndToEndId: "E1", InstdAmt: { _value: "1234567890123.12345", Ccy: "EUR" }, Cdtr: { Nm: "Ann" }, CdtrAcct: "DE89370400440532013000" }],
    },
  },
  headers,
});
const tx = pain.data?.CstmrCdtTrfInitn?.CdtTrfTxInf?.[0];
check(tx?.InstdAmt?._value === "1234567890123.12345" && pain.data?.CstmrCdtTrfInitn?.CreDtTm === "2026-11-30T10:00:00+01:00", "pain: " + JSON.stringify(pain.data));

const md = await api.POST("/api/metadata/createMetadata", {
  body: { metadata: [{ _type: "CustomField", fullName: "Account.Tier__c", label: "Tier" }] },
  headers,
});
check(JSON.stringify(md.data?.metadata) === '[{"_type":"CustomField","fullName":"Account.Tier__c","label":"Tier"}]', "metadata: " + JSON.stringify(md.data));

const out = await api.POST("/api/session/logout", { headers });
check(out.response.status === 200, "logout");
console.log("TypeScript client: all checks passed");
