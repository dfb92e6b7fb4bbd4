import { afterAll } from "bun:test";
import { dropsSettled } from "./db/postgres-server.ts";
import { removeRunScratch } from "./helpers/run-scratch.ts";
import { prepareTemplates } from "./helpers/test-app.ts";

// preloaded by bunfig.toml: a hook here spans the whole run, not one file; the templates are made before any
// test starts its timeout
afterAll(removeRunScratch);
// the test databases whose drops the teardowns handed over (a bound well inside the hook's timeout)
afterAll(() => dropsSettled(15_000));
await prepareTemplates();
