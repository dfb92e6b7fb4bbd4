import { expect, test } from "bun:test";
import { ApiError } from "../router/api-error.ts";
import { hookAccessor, taggedHookAccessor } from "./accessor.ts";
import { Hook, HookEvent } from "./hook.ts";
import { HookTimeoutError } from "./hook-watch.ts";
import { TaggableHook } from "./tagged-hook.ts";

class TestEvent extends HookEvent {
  log: string[] = [];
}

class TaggedTestEvent extends TestEvent {
  constructor(readonly eventTags: readonly string[]) {
    super();
  }

  override tags(): readonly string[] {
    return this.eventTags;
  }
}

/** step is a handler that logs around its next() call. */
const step = (name: string) => async (e: TestEvent) => {
  e.log.push(`${name}>`);
  await e.next();
  e.log.push(`<${name}`);
};

test("handlers run by priority, then in binding order, around the default action", async () => {
  const hook = new Hook<TestEvent>();
  hook.bindFunc(step("a"));
  hook.bind({ func: step("late"), priority: 10 });
  hook.bind({ func: step("early"), priority: -10 });
  hook.bindFunc(step("b"));
  const e = new TestEvent();
  await hook.trigger(e, (x) => {
    x.log.push("action");
  });
  expect(e.log).toEqual(["early>", "a>", "b>", "late>", "action", "<late", "<b", "<a", "<early"]);
  expect(hook.handlers().map((h) => h.priority)).toEqual([-10, 0, 0, 10]);
});

test("a handler that doesn't call next() stops the chain and skips the action", async () => {
  const hook = new Hook<TestEvent>();
  hook.bindFunc((e) => {
    e.log.push("stop");
  });
  hook.bindFunc(step("never"));
  const e = new TestEvent();
  await hook.trigger(e, (x) => {
    x.log.push("action");
  });
  expect(e.log).toEqual(["stop"]);
});

test("binding an existing id replaces that handler in place; unbind removes by id, unknown ids are ignored", async () => {
  const hook = new Hook<TestEvent>();
  hook.bind({ id: "x", func: step("x1") });
  hook.bind({ id: "y", func: step("y") });
  expect(hook.bind({ id: "x", func: step("x2") })).toBe("x");
  const e = new TestEvent();
  await hook.trigger(e);
  expect(e.log).toEqual(["x2>", "y>", "<y", "<x2"]);
  hook.unbind("x", "missing");
  expect(hook.handlers().map((h) => h.id)).toEqual(["y"]);
  const generated = hook.bindFunc(() => {});
  expect(generated).toMatch(/^[a-zA-Z0-9]{20}$/);
  hook.unbindAll();
  expect(hook.length).toBe(0);
});

test("errors thrown by handlers or the action reject the trigger", async () => {
  const hook = new Hook<TestEvent>();
  await expect(
    hook.trigger(new TestEvent(), () => {
      throw new Error("sync action");
    }),
  ).rejects.toThrow("sync action");
  hook.bindFunc(() => {
    throw new Error("sync handler");
  });
  await expect(hook.trigger(new TestEvent())).rejects.toThrow("sync handler");
});

test("tagged handlers run only for events carrying one of their tags; untagged ones for all", async () => {
  const hook = new TaggableHook<TaggedTestEvent>();
  hook.tagged("posts").bindFunc(step("posts"));
  hook.tagged("pbc_1", "other").bindFunc(step("byId"));
  hook.bindFunc(step("all"));
  const tags = ["pbc_1", "posts"];
  const postsEvent = new TaggedTestEvent(tags);
  await hook.trigger(postsEvent);
  expect(postsEvent.log).toEqual(["posts>", "byId>", "all>", "<all", "<byId", "<posts"]);
  // the same tags array again: the filtered chain is reused, and stays right after a bind
  hook.tagged("posts").bind({ id: "more", func: step("more"), priority: -1 });
  const again = new TaggedTestEvent(tags);
  await hook.trigger(again);
  expect(again.log[0]).toBe("more>");
  const notes = new TaggedTestEvent(["pbc_2", "notes"]);
  await hook.trigger(notes);
  expect(notes.log).toEqual(["all>", "<all"]);
  expect(hook.hasHandlersFor(["pbc_3"])).toBe(true);
  hook.unbind(...hook.handlers().map((h) => h.id));
  expect(hook.hasHandlersFor(postsEvent.tags())).toBe(false);
});

test("a trigger inside a handler with the same event leaves the outer chain where it was", async () => {
  const outer = new Hook<TestEvent>();
  const inner = new Hook<TestEvent>();
  inner.bindFunc(step("inner"));
  outer.bindFunc(async (e) => {
    await inner.trigger(e);
    await e.next();
  });
  outer.bindFunc(step("second"));
  const e = new TestEvent();
  await outer.trigger(e, (x) => {
    x.log.push("action");
  });
  expect(e.log).toEqual(["inner>", "<inner", "second>", "action", "<second"]);
});

test("triggerSplit runs the handlers below the priority, then the middle, whose rest runs the others", async () => {
  const hook = new Hook<TestEvent>();
  hook.bind({ func: step("outer"), priority: -100 });
  hook.bind({ func: step("inner"), priority: -99 });
  hook.bindFunc(step("last"));
  const e = new TestEvent();
  await hook.triggerSplit(
    e,
    -99,
    async (rest) => {
      e.log.push("middle>");
      await rest();
      e.log.push("<middle");
    },
    (x) => {
      x.log.push("action");
    },
  );
  expect(e.log).toEqual(["outer>", "middle>", "inner>", "last>", "action", "<last", "<inner", "<middle", "<outer"]);
  const empty = new TestEvent();
  await new Hook<TestEvent>().triggerSplit(
    empty,
    -99,
    (rest) => rest(),
    (x) => {
      x.log.push("action");
    },
  );
  expect(empty.log).toEqual(["action"]);
});

test("accessors bind a function or a handler and return a handle that unbinds it", async () => {
  const hook = new Hook<TestEvent>();
  const on = hookAccessor(() => hook);
  expect(on()).toBe(hook);
  const a = on(step("a"));
  const b = on({ id: "b", priority: -1, func: step("b") });
  expect(b.id).toBe("b");
  const e = new TestEvent();
  await hook.trigger(e);
  expect(e.log).toEqual(["b>", "a>", "<a", "<b"]);
  a.unbind();
  b.unbind();
  expect(hook.length).toBe(0);

  const tagged = new TaggableHook<TaggedTestEvent>();
  const onTagged = taggedHookAccessor(() => tagged);
  const handle = onTagged(step("posts"), "posts");
  onTagged("notes").bindFunc(step("notes"));
  const postsEvent = new TaggedTestEvent(["pbc_1", "posts"]);
  await tagged.trigger(postsEvent);
  expect(postsEvent.log).toEqual(["posts>", "<posts"]);
  handle.unbind();
  expect(tagged.handlers().map((h) => h.tags)).toEqual([["notes"]]);
});

test("a handler that hangs fails the trigger with a 500 naming the hook and the handler; the chain can't go on", async () => {
  const hook = new Hook<TestEvent>();
  hook.name = "onSomething";
  hook.setDefaultTimeout(150);
  let resume: () => Promise<void> = async () => {};
  hook.bind({
    id: "stuck",
    func: (e) =>
      new Promise<void>(() => {
        resume = () => e.next();
      }),
  });
  let ran = false;
  const started = performance.now();
  const err = await hook
    .trigger(new TestEvent(), () => {
      ran = true;
    })
    .catch((x: unknown) => x);
  expect(err).toBeInstanceOf(HookTimeoutError);
  expect(err).toBeInstanceOf(ApiError);
  expect((err as ApiError).status).toBe(500);
  expect((err as ApiError).message).toBe(
    'The onSomething handler "stuck" did not call e.next() or return within 150ms.',
  );
  expect(performance.now() - started).toBeGreaterThanOrEqual(140);
  // the late handler can't run the default action any more
  await expect(resume()).rejects.toBeInstanceOf(HookTimeoutError);
  expect(ran).toBe(false);
});

test("the timeout counts the time a handler holds the chain, not the time spent inside next()", async () => {
  const hook = new Hook<TestEvent>();
  hook.setDefaultTimeout(200);
  hook.bindFunc(step("a"));
  hook.bind({ id: "slow-but-allowed", timeout: 0, func: step("b") });
  const e = new TestEvent();
  await hook.trigger(e, async (x) => {
    await Bun.sleep(400);
    x.log.push("long action");
  });
  expect(e.log).toEqual(["a>", "b>", "long action", "<b", "<a"]);

  const own = new Hook<TestEvent>({ timeout: 0 });
  own.setDefaultTimeout(100);
  own.bindFunc(async (x) => {
    await Bun.sleep(250);
    await x.next();
  });
  await own.trigger(new TestEvent());
  expect(own.timeout).toBe(0);

  // the handler holds the chain after next() until the trigger has settled (a generous deadline, not a fixed
  // 400 ms: the timeout is timed in ticks of a timer, which fire late on a loaded machine)
  const after = new Hook<TestEvent>();
  after.name = "onAfter";
  after.setDefaultTimeout(150);
  let settled = false;
  after.bind({
    id: "slow-after",
    func: async (x) => {
      await x.next();
      const deadline = performance.now() + 10_000;
      while (!settled && performance.now() < deadline) await Bun.sleep(20);
    },
  });
  const outcome = after.trigger(new TestEvent()).finally(() => {
    settled = true;
  });
  await expect(outcome).rejects.toThrow('The onAfter handler "slow-after"');
});

test("a timed chain that ends synchronously settles as it ended, unwatched; a pending one is still timed", async () => {
  const hook = new Hook<TestEvent>();
  hook.name = "onSync";
  hook.setDefaultTimeout(150);
  hook.bind({ id: "passes", func: (e) => e.next() });
  const e = new TestEvent();
  const ok = hook.trigger(e, (x) => {
    x.log.push("action");
  });
  // no promise of the watch around the chain's own: already settled when the trigger returns
  expect(Bun.peek.status(ok)).toBe("fulfilled");
  expect(e.log).toEqual(["action"]);
  const failed = hook.trigger(new TestEvent(), () => {
    throw new ApiError(400, "refused");
  });
  expect(Bun.peek.status(failed)).toBe("rejected");
  await expect(failed).rejects.toThrow("Refused.");
  // the same hook, a handler that waits on nothing that ever comes: timed out as before
  hook.bind({ id: "stuck", func: () => new Promise<void>(() => {}) });
  await expect(hook.trigger(new TestEvent())).rejects.toThrow('The onSync handler "stuck"');
});

test("triggerNested fires each event inside the previous one's next(), done inside the last", async () => {
  const hook = new TaggableHook<TaggedTestEvent>();
  const log: string[] = [];
  hook.bindFunc(async (e) => {
    log.push(`a${e.eventTags[0]}>`);
    await e.next();
    log.push(`<a${e.eventTags[0]}`);
  });
  hook.tagged("2").bindFunc((e) => {
    log.push(`b${e.eventTags[0]}`);
    return e.next();
  });
  const events = ["1", "2", "3"].map((t) => new TaggedTestEvent([t]));
  await hook.triggerNested(
    3,
    (i) => events[i] as TaggedTestEvent,
    async () => {
      log.push("done");
    },
  );
  expect(log).toEqual(["a1>", "a2>", "b2", "a3>", "done", "<a3", "<a2", "<a1"]);

  // a handler that doesn't call next() stops the rest: no later event, no done
  log.length = 0;
  hook.tagged("2").bind({ id: "stop", func: () => {} });
  await hook.triggerNested(
    3,
    (i) => events[i] as TaggedTestEvent,
    async () => {
      log.push("done");
    },
  );
  expect(log).toEqual(["a1>", "a2>", "b2", "<a2", "<a1"]);

  // errors, thrown or rejected, reject the trigger; no handler at all: done alone
  await expect(
    hook.triggerNested(
      2,
      () => {
        throw new Error("no event");
      },
      async () => {},
    ),
  ).rejects.toThrow("no event");
  const empty = new TaggableHook<TaggedTestEvent>();
  let ran = 0;
  await empty.triggerNested(
    5,
    (i) => events[i % 3] as TaggedTestEvent,
    async () => {
      ran++;
    },
  );
  expect(ran).toBe(1);
});
