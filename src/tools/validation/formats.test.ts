import { expect, test } from "bun:test";
import { isDomain, isEmail, isURL } from "./formats.ts";
import { parseURL } from "./url.ts";

// every expectation is what the Go validators PocketBase uses answer (govalidator, ozzo-validation, net/url)
test("isEmail accepts what govalidator.IsEmail accepts", () => {
  const cases: [string, boolean][] = [
    ["a@b.co", true],
    ["a@b", false],
    ["a@@b.com", false],
    ["a b@c.com", false],
    ['"a b"@c.com', false],
    ['"a"@c.com', true],
    ['"ab"@c.com', false],
    ['"(b"@c.io', true],
    ["a+b@c-d.com", true],
    ["a@[1.2.3.4]", false],
    ["\u00fc@\u00fc.de", true],
    ["A@BAD.COM", true],
    ["a@b.com.", true],
    ["a..b@c.com", false],
    ["a@localhost", false],
    ["a@-b.com", false],
    ["a@b_c.com", true],
    [`${"a".repeat(300)}@b.com`, true],
    [".a@b.com", false],
    ["a@b.c1", false],
    ["a@1.com", true],
    ["a@b~c.d~e", true],
  ];
  for (const [s, want] of cases) expect([s, isEmail(s)]).toEqual([s, want]);
});

test("isURL accepts what govalidator.IsURL accepts", () => {
  const cases: [string, boolean][] = [
    ["example", false],
    ["example.com", true],
    ["ftp://example.com", true],
    ["mailto:a@b.com", true],
    ["http://1.2.3.4:80/x", true],
    ["http://localhost:8090", true],
    ["HTTPS://EXAMPLE.COM", false],
    ["javascript:alert(1)", false],
    ["http://exa mple.com", false],
    ["http://a_b.com", true],
    ["http://a_b.c_d.com", false],
    ["https://x.io/?q=1#f", true],
    ["http://[::1]:80/", true],
    ["http://[1.2.3.4]", false],
    ["http://u:p@x.io", true],
    ["http://\u00fc.de", true],
    ["custom://x.io", false],
    ["/path", false],
    ["http://-a.com", false],
    ["a.b", false],
    ["a.bc", true],
    ["http://", false],
    ["example.com:8080", true],
    ["http://a.com/%zz", false],
    ["http://a.com/\u0001", false],
    ["http://a{b.com", false],
    ["http://224.1.1.1", false],
    ["http://256.1.1.1", false],
    ["http://a=b.com", false],
    ["http://x.io:123456", false],
    ["http://x.io:", false],
    ["http://x.io/#%zz", false],
    ["http://x.io?%zz", true],
    ["http://x.io/\u00a0", true],
    ["http://x.io/\u000b", false],
    [".x.io", false],
    ["http:///x.io", false],
    ["http://123", true],
    ["localhost", false],
    ["localhost:80", true],
    ["http://a---b.com", true],
    ["http://x.1", false],
    ["http://a@b", true],
    ["http://a9/.com", true],
    ["1a.com:80", true],
    [`http://x.io/${"a".repeat(2100)}`, false],
  ];
  for (const [s, want] of cases) expect([s, isURL(s)]).toEqual([s, want]);
});

test("parseURL reads the host as Go's url.Parse does, and fails where it fails", () => {
  const cases: [string, string | null][] = [
    ["http://a.com:80/x", "a.com:80"],
    ["example.com", ""],
    ["example.com:8080", ""],
    ["1a.com:80", null],
    ["https://me@EXAMPLE.com:443", "EXAMPLE.com:443"],
    ["http://[fe80::1%25en0]:8080", "[fe80::1%en0]:8080"],
    ["//x.io/a", "x.io"],
    ["http://a.com:80:90", "a.com:80:90"],
  ];
  for (const [s, want] of cases) expect([s, parseURL(s)?.host ?? null]).toEqual([s, want]);
});

test("isDomain accepts what ozzo-validation's is.Domain accepts", () => {
  const cases: [string, boolean][] = [
    ["a.com", true],
    ["a-.com", false],
    ["-a.com", false],
    ["a.b-c.com", true],
    ["xn--abc.com", true],
    ["a. xn--abc", true],
    ["A.COM", true],
    ["aB.com", false],
    ["a.b.", false],
    ["a", false],
    ["a_b.com", false],
    ["", true],
  ];
  for (const [s, want] of cases) expect([s, isDomain(s)]).toEqual([s, want]);
});
