import { expect, test } from "bun:test";
import { ClientResponseError } from "pocketbase";
import { apiBaseUrl } from "../../ui/src/api/base-url.ts";
import { errorMessage, fieldErrors, isAbort, isNetworkError } from "../../ui/src/api/errors.ts";
import { matchPath, parseHash } from "../../ui/src/state/route-match.ts";

/** The dashboard's plain helpers (no browser needed). */

test("the API lives in the folder above the dashboard's, behind any path prefix", () => {
  const at = (pathname: string) => apiBaseUrl({ origin: "http://127.0.0.1:8090", pathname });
  expect(at("/_/")).toBe("http://127.0.0.1:8090/");
  expect(at("/_/index.html")).toBe("http://127.0.0.1:8090/");
  expect(at("/admin/satchel/_/")).toBe("http://127.0.0.1:8090/admin/satchel/");
  // Vite's dev server serves the dashboard at the root
  expect(at("/")).toBe("http://127.0.0.1:8090/");
});

test("hash locations parse into a path and a query", () => {
  expect(parseHash("")).toEqual({ path: "/", query: new URLSearchParams() });
  expect(parseHash("#/login?redirect=%2Fsettings").path).toBe("/login");
  expect(parseHash("#/login?redirect=%2Fsettings").query.get("redirect")).toBe("/settings");
  expect(parseHash("#settings").path).toBe("/settings");
});

test("paths match patterns segment by segment, with decoded parameters", () => {
  expect(matchPath("/settings", "/settings")).toEqual({});
  expect(matchPath("/settings", "/settings/")).toEqual({});
  expect(matchPath("/settings", "/settings/mail")).toBeNull();
  expect(matchPath("/pbinstall/:token", "/pbinstall/a.b-c_d")).toEqual({ token: "a.b-c_d" });
  expect(matchPath("/records/:collection", "/records/my%20posts")).toEqual({ collection: "my posts" });
  expect(matchPath("/records/:collection", "/records/")).toBeNull();
  expect(matchPath("/records/:collection", "/records/%E0%A4%A")).toBeNull();
  expect(matchPath("/", "/")).toEqual({});
});

test("field errors flatten to one message per path; other errors keep their message", () => {
  const err = new ClientResponseError({
    status: 400,
    response: {
      status: 400,
      message: "An error occurred while saving the new settings.",
      data: {
        meta: { appURL: { code: "validation_is_url", message: "Must be a valid URL." } },
        rateLimits: { rules: { 1: { label: { code: "validation_required", message: "Cannot be blank." } } } },
        superuserIPs: { 0: { code: "validation_invlaid_ip_or_subnet", message: "Invalid IP or CIDR subnet." } },
      },
    },
  });
  expect(fieldErrors(err)).toEqual({
    "meta.appURL": "Must be a valid URL.",
    "rateLimits.rules.1.label": "Cannot be blank.",
    "superuserIPs.0": "Invalid IP or CIDR subnet.",
  });
  expect(errorMessage(err)).toBe("An error occurred while saving the new settings.");
  expect(fieldErrors(new Error("x"))).toEqual({});
  expect(fieldErrors(new ClientResponseError({ status: 400, response: { data: "not an object" } }))).toEqual({});

  const offline = new ClientResponseError(new TypeError("Failed to fetch"));
  expect(isNetworkError(offline)).toBe(true);
  expect(errorMessage(offline)).toBe("Can't reach the server. Check that it is running and try again.");
  const aborted = new ClientResponseError({ isAbort: true });
  expect(isAbort(aborted)).toBe(true);
  expect(isNetworkError(aborted)).toBe(false);
  expect(errorMessage(new ClientResponseError({ status: 502, response: {} }))).toBe("The server answered 502.");
});
