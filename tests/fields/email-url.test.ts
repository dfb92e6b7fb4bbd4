import { afterAll, beforeAll, expect, test } from "bun:test";
import {
  createCollection,
  expectFieldError,
  expectSettingsError,
  type FieldsServer,
  settingsFailure,
  startServer,
} from "./helpers.ts";

let t: FieldsServer;
let name: string;
beforeAll(async () => {
  t = await startServer();
  name = await createCollection(t.pb, [
    { name: "only", type: "email", onlyDomains: ["example.com", "a.b.io"] },
    { name: "except", type: "email", exceptDomains: ["bad.com"] },
    { name: "req", type: "email", required: true },
    { name: "url", type: "url" },
    { name: "urlOnly", type: "url", onlyDomains: ["example.com"] },
    { name: "urlExcept", type: "url", exceptDomains: ["example.com"] },
  ]);
});
afterAll(async () => {
  await t.stop();
});

const records = () => t.pb.collection(name);
const base = { req: "x@y.io" };

test("email addresses are checked with govalidator's grammar", async () => {
  for (const ok of ["a+b@c-d.com", "ü@ü.de", "a@b.com.", "a@b_c.com", `${"a".repeat(300)}@b.com`, '"a"@c.io']) {
    expect((await records().create({ ...base, except: ok })).except).toBe(ok);
  }
  for (const bad of ["nope", "a@b", "a@@b.com", "a b@c.com", "a@[1.2.3.4]", "a@localhost", '"ab"@c.io', 5]) {
    await expectFieldError(records().create({ ...base, except: bad }), "except", "validation_is_email", {
      message: "Must be a valid email address.",
    });
  }
  await expectFieldError(records().create({ req: "" }), "req", "validation_required");
});

test("email domains must match onlyDomains exactly and may not be in exceptDomains", async () => {
  expect((await records().create({ ...base, only: "me@a.b.io" })).only).toBe("me@a.b.io");
  for (const bad of ["a@other.com", "a@sub.example.com", "a@EXAMPLE.com"]) {
    await expectFieldError(records().create({ ...base, only: bad }), "only", "validation_email_domain_not_allowed", {
      message: "Email domain is not allowed.",
    });
  }
  await expectFieldError(
    records().create({ ...base, except: "x@bad.com" }),
    "except",
    "validation_email_domain_not_allowed",
  );
});

test("URLs are checked with govalidator's IsURL", async () => {
  const valid = [
    "https://x.io/?q=1#f",
    "example.com",
    "ftp://x.io:21",
    "wss://x.io",
    "mailto:a@b.co",
    "http://1.2.3.4:80/x",
    "http://[2001:db8::1]:8080/x",
    "http://localhost:8090",
    "localhost:80",
    "http://ü.de",
    "http://a--b.com",
  ];
  for (const ok of valid) expect((await records().create({ ...base, url: ok })).url).toBe(ok);
  const invalid = [
    "not a url",
    "example",
    "localhost",
    "HTTPS://EXAMPLE.COM",
    "custom://x.io",
    "javascript:alert(1)",
    "http://a_b.c_d.com",
    "http://224.1.1.1",
    "http://-a.com",
    "http://a.com/%zz",
    "http://x.io:",
    "http:///x.io",
    "/path",
    "a.b",
    5,
  ];
  for (const bad of invalid) {
    await expectFieldError(records().create({ ...base, url: bad }), "url", "validation_invalid_url", {
      message: "Must be a valid url.",
    });
  }
});

test("URL domains are the host Go's url.Parse reads: without a scheme or with a port there is none to match", async () => {
  expect((await records().create({ ...base, urlOnly: "https://example.com/a" })).urlOnly).toBe("https://example.com/a");
  for (const bad of [
    "https://other.com",
    "example.com",
    "https://example.com:443",
    "https://EXAMPLE.com",
    "https://www.example.com",
  ]) {
    await expectFieldError(
      records().create({ ...base, urlOnly: bad }),
      "urlOnly",
      "validation_url_domain_not_allowed",
      {
        message: "Url domain is not allowed.",
      },
    );
  }
  await expectFieldError(
    records().create({ ...base, urlExcept: "http://example.com" }),
    "urlExcept",
    "validation_url_domain_not_allowed",
  );
  expect((await records().create({ ...base, urlExcept: "example.com" })).urlExcept).toBe("example.com");
});

test("settings: the domain lists are exclusive and hold domains", async () => {
  for (const type of ["email", "url"]) {
    await expectSettingsError(
      t.pb,
      { name: "a", type, onlyDomains: ["a.com"], exceptDomains: ["b.com"] },
      "exceptDomains",
      "validation_empty",
    );
    await expectSettingsError(
      t.pb,
      { name: "a", type, onlyDomains: ["a.com"], exceptDomains: ["b.com"] },
      "onlyDomains",
      "validation_empty",
    );
    expect(await settingsFailure(t.pb, { name: "a", type, onlyDomains: ["ok.com", "not a domain"] })).toEqual({
      onlyDomains: { 1: { code: "validation_is_domain", message: "Must be a valid domain." } },
    });
  }
  const c = await t.pb.collections.getOne(await createCollection(t.pb, [{ name: "a", type: "email" }]));
  expect(c.fields[1]).toMatchObject({ onlyDomains: null, exceptDomains: null });
});
