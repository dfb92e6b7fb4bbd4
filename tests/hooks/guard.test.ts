import { afterAll, beforeAll, expect, test } from "bun:test";
import { guard } from "../../src/plugins/hooks/hook-file-app.ts";
import { Hook, HookEvent } from "../../src/tools/hook/hook.ts";
import { ApiError } from "../../src/tools/router/api-error.ts";
import { newTestApp, type TestApp } from "../helpers/test-app.ts";

let t: TestApp;
const logged: string[] = [];
beforeAll(async () => {
  t = await newTestApp();
  t.app.logger().addSink({ write: (e) => void logged.push(e.message) });
});
afterAll(async () => {
  await t.cleanup();
});

class Ev extends HookEvent {}

test("a hook file's handler is blamed for its own failures, not for those of the chain after its e.next()", async () => {
  const hook = new Hook<Ev>();
  hook.setDefaultTimeout(1000);
  // `(e) => e.next()` returns the rest of the chain's promise as it is
  hook.bind({ func: guard(t.app, "onX in pass.ts", (e) => e.next()) });
  const broken = new Error("the action broke");
  logged.length = 0;
  expect(
    await hook
      .trigger(new Ev(), () => {
        throw broken;
      })
      .catch((err: unknown) => err),
  ).toBe(broken);
  expect(logged).toEqual([]);
  // an async handler's own promise fails when it throws after e.next(): its failure, logged, a 500
  const wrapped = new Hook<Ev>();
  wrapped.bind({
    func: guard(t.app, "onX in wraps.ts", async (e) => {
      await e.next();
      throw new TypeError("after next");
    }),
  });
  wrapped.bind({ func: guard(t.app, "onX in pass.ts", (e) => e.next()) });
  const err = await wrapped.trigger(new Ev(), () => undefined).catch((e: unknown) => e);
  expect(err).toBeInstanceOf(ApiError);
  expect((err as ApiError).status).toBe(500);
  expect(logged).toEqual(["hook failed: onX in wraps.ts"]);
});
