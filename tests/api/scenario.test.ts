import { expect } from "bun:test";
import { Collection } from "../../src/core/collection-model.ts";
import { RecordModel } from "../../src/core/record-model.ts";
import { defineFixture, runScenarios } from "../helpers/api-scenario.ts";

/** The scenario runner itself: each check it makes must be able to fail. */
const fixture = defineFixture(async (app) => {
  const notes = Collection.create("base", "notes");
  notes.applyJSON({ listRule: "", createRule: "", fields: [{ name: "title", type: "text", required: true }] });
  await app.saveCollection(notes);
  const r = new RecordModel(notes);
  r.load({ title: "seeded" });
  await app.save(r);
});

runScenarios("the scenario runner", fixture, [
  {
    name: "a guest lists the seeded record, with the hooks the list fires",
    url: "/api/collections/notes/records",
    expectedStatus: 200,
    expectedContent: ['"totalItems":1', '"title":"seeded"'],
    notExpectedContent: ['"title":"other"'],
    expectedEvents: { "*": 0, onRecordsListRequest: 1, onRecordEnrich: 1 },
  },
  {
    name: "a JSON body creates a record; each scenario has its own copy of the fixture",
    method: "POST",
    url: "/api/collections/notes/records",
    body: { title: "created" },
    expectedStatus: 200,
    expectedContent: ['"title":"created"'],
    expectedEvents: { onRecordCreateRequest: 1, onRecordAfterCreateSuccess: 1 },
    afterTest: async (t) => {
      expect(await t.app.db.all("SELECT title FROM notes ORDER BY title")).toEqual([
        { title: "created" },
        { title: "seeded" },
      ]);
    },
  },
  {
    name: "the copy is fresh: the record created by the scenario before is not here",
    url: "/api/collections/notes/records",
    expectedStatus: 200,
    expectedContent: ['"totalItems":1'],
  },
  {
    name: "a validation failure answers PocketBase's error shape",
    method: "POST",
    url: "/api/collections/notes/records",
    body: { title: "" },
    expectedStatus: 400,
    expectedContent: ['"code":"validation_required"'],
    expectedEvents: { onRecordAfterCreateSuccess: 0 },
  },
  {
    name: "auth signs the request as the fixture's superuser",
    url: "/api/collections",
    auth: "superuser",
    expectedStatus: 200,
    expectedContent: ['"name":"notes"'],
  },
  {
    name: "without auth the same route is refused",
    url: "/api/collections",
    expectedStatus: 401,
  },
]);
