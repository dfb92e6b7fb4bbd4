import { expect, test } from "bun:test";
import { Broker } from "./broker.ts";
import { Client } from "./client.ts";

const transport = { write: () => {}, close: () => {} };

test("hasSubscriptions follows the subscriptions of the registered clients", () => {
  const broker = new Broker();
  const a = new Client(transport, "a");
  const b = new Client(transport, "b");
  expect(broker.hasSubscriptions()).toBe(false);
  a.subscribe("posts/*");
  // a client's subscriptions count once it is registered
  expect(broker.hasSubscriptions()).toBe(false);
  broker.register(a);
  broker.register(b);
  expect(broker.hasSubscriptions()).toBe(true);
  b.subscribe("posts/*", "users/abc?options=%7B%7D");
  a.unsubscribe();
  expect(broker.hasSubscriptions()).toBe(true);
  expect(broker.subscriptionsTo("posts/*").size).toBe(1);
  b.unsubscribe("posts/*");
  expect(broker.hasSubscriptions()).toBe(true);
  broker.unregister("b");
  expect(broker.hasSubscriptions()).toBe(false);
  a.subscribe("posts");
  expect(broker.hasSubscriptions()).toBe(true);
});
